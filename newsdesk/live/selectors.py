from __future__ import annotations

import time

from .backends import Event, get_backend

# The newest event id, as this process last read it from which back end, and when (monotonic). A poll that has
# nothing new is answered from this (newsdesk.live.wsgi) without touching the log; a story shows at most this
# much later.
LATEST_MAX_AGE = 0.5
_latest: tuple[object, str, float] = (None, "", float("-inf"))


def for_sections(events: list[Event], sections: frozenset[str]) -> list[Event]:
    """The events a page filtered to ``sections`` shows (no sections: every story; never a tombstone)."""
    return [
        event
        for event in events
        if not event.retracts and (not sections or event.data.get("section") in sections)
    ]


def latest_id() -> str:
    """The newest event's id (``""``: none yet), read from the log at most every LATEST_MAX_AGE seconds."""
    global _latest
    backend = get_backend()
    read_from, value, read_at = _latest
    now = time.monotonic()
    if read_from is backend and now - read_at < LATEST_MAX_AGE:
        return value
    value = backend.latest_id()
    _latest = (backend, value, now)
    return value


def etag(position: str) -> str:
    """The ETag of a poll's answer: the position it brings the reader to (what If-None-Match sends back)."""
    return f'"{position}"'
