"""The worker's drain loop: one thread per ``newsdesk worker`` process polls the outbox and drains it.

A poll is one indexed read; while changes are due it drains batch after batch without waiting. Several workers
(on Redis) each run one: claims keep them from taking the same changes.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

from .services import pipeline_drain

logger = logging.getLogger(__name__)


def drain_forever(*, stop: threading.Event, poll_seconds: float) -> None:
    while not stop.is_set():
        try:
            taken = pipeline_drain()
        except Exception:  # the database went away, a lock timed out ...: try again at the next poll
            logger.exception("pipeline: the drain failed; trying again in %s s", poll_seconds)
            connection.close()
            taken = 0
        if not taken:
            stop.wait(poll_seconds)
    connection.close()


def start(*, stop: threading.Event | None = None) -> threading.Event:
    """Start the loop in a daemon thread (it ends with the process, or when ``stop`` is set)."""
    stop = stop or threading.Event()
    thread = threading.Thread(
        target=drain_forever,
        kwargs={"stop": stop, "poll_seconds": settings.NEWSDESK_PIPELINE_POLL_SECONDS},
        name="pipeline-drain",
        daemon=True,
    )
    thread.start()
    return stop
