"""The database back end (SQLite or PostgreSQL): batched upserts of counters; deduplication in process memory.

Reads reach ``write`` in batches from the per-process buffer (newsdesk.analytics.buffer), never one write per
read. Each batch is one transaction of three ``INSERT … ON CONFLICT DO UPDATE`` statements, which both
SQLite (≥ 3.24) and PostgreSQL understand.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Sum

from ..memory import DailySalt, SeenReaders
from ..models import HourReads, MinuteReads, ReferrerReads
from .base import DEDUP_SECONDS, BaseReadsBackend, Read, Window, floor_time

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
# Minute counters serve only "Now"; keep a margin for clocks and slow flushes.
MINUTE_RETENTION = dt.timedelta(hours=3)


def _upsert_sql(model, keys: list[str]) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in [*keys, "reads"])
    placeholders = ", ".join(["%s"] * (len(keys) + 1))
    conflict = ", ".join(quote(c) for c in keys)
    # Only quoted table/column names from our own models are interpolated; the values are parameters.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET reads = {table}.reads + excluded.reads"
    )


class DatabaseBackend(BaseReadsBackend):
    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self._salt = DailySalt()
        self.seen = SeenReaders(window=DEDUP_SECONDS, max_entries=int(options.get("MAX_READERS", 2_000_000)))

    def salt(self, day: dt.date) -> bytes:
        return self._salt.get(day)

    def write(self, reads: Sequence[Read]) -> int:
        keys = [(r.reader, r.at.timestamp()) for r in reads]
        positions = self.seen.unseen(keys)
        fresh = [reads[i] for i in positions]
        if fresh:
            self._store(fresh)
        self.seen.add(keys[i] for i in positions)
        return len(fresh)

    def _store(self, reads: list[Read]) -> None:
        ops = connection.ops
        minutes = Counter((r.article_id, floor_time(r.at, MINUTE)) for r in reads)
        hours = Counter((r.article_id, floor_time(r.at, HOUR)) for r in reads)
        referrers = Counter(
            (r.article_id, r.at.astimezone(dt.UTC).date(), r.referrer) for r in reads if r.referrer
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                _upsert_sql(MinuteReads, ["article_id", "minute"]),
                [(a, ops.adapt_datetimefield_value(m), n) for (a, m), n in minutes.items()],
            )
            cursor.executemany(
                _upsert_sql(HourReads, ["article_id", "hour"]),
                [(a, ops.adapt_datetimefield_value(h), n) for (a, h), n in hours.items()],
            )
            if referrers:
                cursor.executemany(
                    _upsert_sql(ReferrerReads, ["article_id", "day", "domain"]),
                    [(a, ops.adapt_datefield_value(d), domain, n) for (a, d, domain), n in referrers.items()],
                )

    def top(
        self, *, window: Window, at: dt.datetime, section_id: int | None = None, limit: int = 7
    ) -> list[tuple[int, int]]:
        model, field = (MinuteReads, "minute") if window is Window.NOW else (HourReads, "hour")
        rows = model.objects.filter(**{f"{field}__gte": window.first_bucket(at), f"{field}__lte": at})
        if section_id is not None:
            rows = rows.filter(article__section_id=section_id)
        totals = rows.values("article_id").annotate(total=Sum("reads")).order_by("-total", "article_id")
        return [(row["article_id"], row["total"]) for row in totals[:limit]]

    def series(self, *, article_id: int, start: dt.datetime, end: dt.datetime) -> dict[dt.datetime, int]:
        rows = HourReads.objects.filter(
            article_id=article_id, hour__gte=floor_time(start, HOUR), hour__lte=end
        )
        return dict(rows.values_list("hour", "reads"))

    def referrers(
        self, *, start: dt.date, end: dt.date, article_id: int | None = None, limit: int = 20
    ) -> list[tuple[str, int]]:
        rows = ReferrerReads.objects.filter(day__gte=start, day__lte=end)
        if article_id is not None:
            rows = rows.filter(article_id=article_id)
        totals = rows.values("domain").annotate(total=Sum("reads")).order_by("-total", "domain")
        return [(row["domain"], row["total"]) for row in totals[:limit]]

    def prune(self, *, at: dt.datetime) -> None:
        MinuteReads.objects.filter(minute__lt=at - MINUTE_RETENTION).delete()

    def clear(self) -> None:
        for model in (MinuteReads, HourReads, ReferrerReads):
            model.objects.all().delete()
        self.seen = SeenReaders(window=DEDUP_SECONDS, max_entries=self.seen.max_entries)
