"""A live poll with nothing new, answered in front of Django (WSGI middleware, wrapped in newsdesk/wsgi.py).

Every open home, feed and section page polls ``/live/events`` every few seconds, so almost every poll finds
nothing new. Such a poll names the position it is at (If-None-Match: the ETag of its previous answer); when
that is the newest event this process knows of (read at most every LATEST_MAX_AGE seconds), the answer is a
bodiless 304 that costs no middleware, session or database work. Anything else — new events, a first poll, bad
input — goes to the view, which answers it in full.
"""

from __future__ import annotations

import functools
import logging

from django.urls import reverse

from .selectors import etag, latest_id

logger = logging.getLogger(__name__)
NOT_MODIFIED = "304 Not Modified"


@functools.cache
def _events_path() -> str:
    return reverse("live:events")


class LivePollMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        tag = environ.get("HTTP_IF_NONE_MATCH")
        if (
            tag
            and environ.get("PATH_INFO") == _events_path()
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        ):
            try:
                current = etag(latest_id())
            except Exception:  # the log is down: the view says so in its own way
                logger.warning("Live log unreachable; the poll goes to the view")
                current = None
            if tag == current:
                start_response(NOT_MODIFIED, [("ETag", tag), ("Cache-Control", "no-store")])
                return []
        return self.app(environ, start_response)


def with_live_polls(app):
    return LivePollMiddleware(app)
