from __future__ import annotations

import json
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async


@dataclass(frozen=True)
class Event:
    id: str
    data: dict
    # ``data`` as JSON, made once: one event is written to thousands of open connections.
    json: str = field(default="", compare=False, repr=False)
    # A tombstone: the id of an event taken back (its story withdrawn). It carries no story; it is in the log
    # so that followers drop the event from what they keep, and readers' positions move past it.
    retracts: str = ""

    def as_json(self) -> str:
        return self.json or json.dumps(self.data, separators=(",", ":"))


class BaseLiveBackend:
    """An ordered, shared log of live events. Ids are opaque strings that only grow."""

    def announce(self, *, key: str, data: dict) -> str | None:
        """Append ``data`` once per ``key``; returns the new id, or None when ``key`` was announced before."""
        raise NotImplementedError

    def announce_many(self, items: list[tuple[str, dict]]) -> list[str | None]:
        """``announce`` for each (key, data) in order; a back end that can write them at once does so."""
        return [self.announce(key=key, data=data) for key, data in items]

    def retract(self, *, key: str) -> bool:
        """Take back the event announced for ``key``: no reader gets it again, from any catch-up or stream.
        Returns whether there was one. The key may be announced again later (a story visible again)."""
        raise NotImplementedError

    def read(self, *, after: str, limit: int = 100) -> list[Event]:
        """Events strictly after ``after`` (``""``: from the start of the kept log), oldest first."""
        raise NotImplementedError

    def latest_id(self) -> str:
        """The id of the newest event, ``""`` when there is none: where a freshly rendered page resumes."""
        raise NotImplementedError

    def id_at(self, *, ms: int) -> str:
        """An id to resume from for a page rendered at ``ms`` (Unix milliseconds): events after it are newer."""
        raise NotImplementedError

    def parse_id(self, raw: str) -> str:
        """``raw`` as an id, or ValueError: ids come from browsers (Last-Event-ID, ?after=)."""
        raise NotImplementedError

    def wait(self, *, after: str, timeout: float) -> list[Event]:
        """Block until there are events after ``after``, or ``timeout`` seconds pass (then ``[]``)."""
        raise NotImplementedError

    async def await_events(self, *, after: str, timeout: float) -> list[Event]:
        return await sync_to_async(self.wait, thread_sensitive=False)(after=after, timeout=timeout)
