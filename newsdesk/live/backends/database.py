"""The embedded back end: the LiveEvent table, polled. Needs no server; serves one machine's processes."""

from __future__ import annotations

import datetime as dt
import time

from django.db import IntegrityError, transaction

from ..models import LiveEvent
from .base import BaseLiveBackend, Event


class DatabaseLiveBackend(BaseLiveBackend):
    def __init__(self, poll_interval: float = 0.5, keep: int = 1000) -> None:
        self.poll_interval = poll_interval
        self.keep = keep

    def announce(self, *, key: str, data: dict) -> str | None:
        try:
            with transaction.atomic():
                event = LiveEvent.objects.create(key=key, data=data)
        except IntegrityError:
            return None
        LiveEvent.objects.filter(pk__lte=event.pk - self.keep).delete()
        return str(event.pk)

    def announce_many(self, items: list[tuple[str, dict]]) -> list[str | None]:
        # One transaction for the batch (SQLite: one write lock, one commit), the keys checked in one query.
        with transaction.atomic():
            taken = set(
                LiveEvent.objects.filter(key__in=[key for key, _ in items]).values_list("key", flat=True)
            )
            fresh = {key: data for key, data in items if key not in taken}
            events = LiveEvent.objects.bulk_create(
                LiveEvent(key=key, data=data) for key, data in fresh.items()
            )
            if events:
                LiveEvent.objects.filter(pk__lte=events[-1].pk - self.keep).delete()
        ids = {event.key: str(event.pk) for event in events}
        return [ids.get(key) for key, _ in items]

    def retract(self, *, key: str) -> bool:
        # Readers read this table directly: a deleted row is never served again, so no tombstone is needed.
        deleted, _ = LiveEvent.objects.filter(key=key).delete()
        return bool(deleted)

    def read(self, *, after: str, limit: int = 100) -> list[Event]:
        rows = (
            LiveEvent.objects.filter(pk__gt=int(after or 0)).order_by("pk").values_list("pk", "data")[:limit]
        )
        return [Event(id=str(pk), data=data) for pk, data in rows]

    def latest_id(self) -> str:
        pk = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        return str(pk) if pk else ""

    def id_at(self, *, ms: int) -> str:
        moment = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
        pk = (
            LiveEvent.objects.filter(created_at__lt=moment)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return str(pk) if pk else ""  # nothing older: from the start, the same position as an empty log's

    def parse_id(self, raw: str) -> str:
        if raw == "":
            return ""
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise ValueError("an event id is a whole number")
        return str(int(raw))

    def wait(self, *, after: str, timeout: float) -> list[Event]:
        deadline = time.monotonic() + timeout
        while True:
            events = self.read(after=after)
            if events or time.monotonic() >= deadline:
                return events
            time.sleep(min(self.poll_interval, max(0.0, deadline - time.monotonic())))
