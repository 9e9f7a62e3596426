from __future__ import annotations

import time

from .backends import Event, get_backend

# The newest event id, as this process last read it from which back end, and when (monotonic). A poll that has
# nothing new is answered from this (newsdesk.live.wsgi) without touching the log; a story shows at most this
# much later.
LATEST_MAX_AGE = 0.5
_latest: tuple[object, str, float] = (None, "", float("-inf"))
KEPT = 512  # positions and reads kept per process, at most
_positions: dict[tuple[int, int], str] = {}
_reads: dict[tuple[int, str], tuple[list[Event], float]] = {}


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


def position_at(ms: int) -> str:
    """Where a page rendered at ``ms`` resumes (back end's id_at), rounded down to the second and kept: every page
    rendered in the same second asks the log once. Earlier is safe: live.js drops stories the page shows."""
    second = ms // 1000 * 1000
    if second > time.time() * 1000 - 1000:  # events of that second may still come: not kept
        return get_backend().id_at(ms=second)
    backend = get_backend()
    key = (id(backend), second)
    if key not in _positions:
        if len(_positions) >= KEPT:
            _positions.clear()
        _positions[key] = backend.id_at(ms=second)
    return _positions[key]


def read_after(after: str) -> list[Event]:
    """The events after ``after``, as read from the log at most LATEST_MAX_AGE seconds ago: readers at the same
    position (all of them, right after a story) share one read per process."""
    backend = get_backend()
    key, now = (id(backend), after), time.monotonic()
    kept = _reads.get(key)
    if kept is not None and now - kept[1] < LATEST_MAX_AGE:
        return kept[0]
    if len(_reads) >= KEPT:
        _reads.clear()
    found = backend.read(after=after)
    _reads[key] = (found, now)
    return found


def etag(position: str) -> str:
    """The ETag of a poll's answer: the position it brings the reader to (what If-None-Match sends back)."""
    return f'"{position}"'
