"""What every read-counting back end does. One contract test suite (tests/analytics/test_backends.py) runs
against each implementation."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

# One read per reader per article per this many seconds.
DEDUP_SECONDS = 30 * 60


class Window(enum.StrEnum):
    NOW = "now"
    TODAY = "today"
    WEEK = "week"

    @property
    def label(self) -> str:
        return {"now": "Now", "today": "Today", "week": "This week"}[self.value]

    @property
    def span(self) -> dt.timedelta:
        return {"now": dt.timedelta(hours=1), "today": dt.timedelta(days=1), "week": dt.timedelta(days=7)}[
            self.value
        ]

    @property
    def bucket(self) -> dt.timedelta:
        """Resolution of the counters behind this window: Now counts by the minute, the others by the hour."""
        return dt.timedelta(minutes=1) if self is Window.NOW else dt.timedelta(hours=1)

    def first_bucket(self, at: dt.datetime) -> dt.datetime:
        """The oldest bucket in the window: the one holding ``at - span``, so the window covers the span fully."""
        return floor_time(at - self.span, self.bucket)


def floor_time(at: dt.datetime, step: dt.timedelta) -> dt.datetime:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    seconds = int((at - epoch).total_seconds())
    return epoch + dt.timedelta(seconds=seconds - seconds % int(step.total_seconds()))


@dataclass(frozen=True, slots=True)
class Read:
    """One accepted beacon. ``reader`` is a salted hash that lives only until the back end has deduplicated it."""

    article_id: int
    section_id: int
    at: dt.datetime
    reader: bytes
    referrer: str = ""  # a domain, or "" for none


class BaseReadsBackend:
    """Counts reads and answers the rankings. Timestamps are aware datetimes; buckets are UTC-aligned."""

    def __init__(self, options: dict) -> None:
        self.options = options

    def salt(self, day: dt.date) -> bytes:
        """The random salt of ``day``; yesterday's is forgotten, so old hashes can never be linked again."""
        raise NotImplementedError

    def write(self, reads: Sequence[Read]) -> int:
        """Count a batch of reads, dropping a reader's repeat reads of an article within DEDUP_SECONDS.

        Returns the number counted. Either the whole batch is stored or none of it (then it raises).
        """
        raise NotImplementedError

    def top(
        self, *, window: Window, at: dt.datetime, section_id: int | None = None, limit: int = 7
    ) -> list[tuple[int, int]]:
        """[(article_id, reads)], most read first, ties by article id. Visibility is the caller's business."""
        raise NotImplementedError

    def series(self, *, article_id: int, start: dt.datetime, end: dt.datetime) -> dict[dt.datetime, int]:
        """Hourly reads of one article, {hour: reads} for the hours in [start, end] that have any."""
        raise NotImplementedError

    def referrers(
        self, *, start: dt.date, end: dt.date, article_id: int | None = None, limit: int = 20
    ) -> list[tuple[str, int]]:
        """[(domain, reads)] for the days in [start, end], site-wide or for one article, most first."""
        raise NotImplementedError

    def prune(self, *, at: dt.datetime) -> None:
        """Drop fine-grained counters that no window needs any more (the hourly history is kept)."""

    def clear(self) -> None:
        """Forget everything (tests and benchmarks only)."""
        raise NotImplementedError
