"""Reads: the Most read rankings (through the visibility gate) and the newsroom's audience figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from newsdesk.news.models import Article, Section

from .backends import Window, get_backend
from .backends.base import floor_time

HOUR = dt.timedelta(hours=1)
# Ask the back end for more than we show: some of the top may have been withdrawn since they were read.
OVERFETCH = 3
EDITION_OVERFETCH = 5


@dataclass(frozen=True, slots=True)
class Ranked:
    article: Article
    reads: int


def _section_id(section: Section | int | None) -> int | None:
    if section is None or isinstance(section, int):
        return section
    return section.pk


def most_read(
    *,
    window: Window | str,
    section: Section | int | None = None,
    limit: int = 7,
    at: dt.datetime | None = None,
) -> list[Ranked]:
    """The ``limit`` most read published articles in ``window`` (now / today / week), site-wide or in a section."""
    return most_read_boards(windows=[Window(window)], section=section, limit=limit, at=at)[Window(window)]


def most_read_boards(
    *,
    windows: list[Window] | None = None,
    section: Section | int | None = None,
    limit: int = 7,
    at: dt.datetime | None = None,
    visible_only: bool = True,
    language: str | None = None,
) -> dict[Window, list[Ranked]]:
    """Several windows at once with one article query: one back-end ranking per window, then the gate (and the
    edition: ``language``, for the reader pages' boxes; the counters count the whole site)."""
    at = at or timezone.now()
    windows = windows or list(Window)
    section_id = _section_id(section)
    backend = get_backend()
    # The site-wide ranking holds every edition's articles: one edition's box reads further down it.
    depth = limit * OVERFETCH * (EDITION_OVERFETCH if language is not None and section_id is None else 1)
    candidates = {w: backend.top(window=w, at=at, section_id=section_id, limit=depth) for w in windows}
    ids = {article_id for rows in candidates.values() for article_id, _ in rows}
    articles = Article.objects.published(at=at) if visible_only else Article.objects.all()
    if section_id is not None:
        articles = articles.filter(section_id=section_id)
    elif language is not None:
        articles = articles.filter(language=language)
    found = articles.for_cards().in_bulk(ids) if ids else {}
    return {w: [Ranked(found[a], n) for a, n in rows if a in found][:limit] for w, rows in candidates.items()}


@dataclass(frozen=True, slots=True)
class Point:
    start: dt.datetime
    reads: int


def article_series(
    *, article: Article, hours: int, at: dt.datetime | None = None, daily: bool = False
) -> list[Point]:
    """Reads of one article over the last ``hours`` hours, hour by hour (or day by day, in local days), gaps as 0."""
    at = at or timezone.now()
    last = floor_time(at, HOUR)
    first = last - HOUR * (hours - 1)
    stored = get_backend().series(article_id=article.pk, start=first, end=at)
    points = [Point(first + HOUR * i, stored.get(first + HOUR * i, 0)) for i in range(hours)]
    return _by_local_day(points) if daily else points


def _by_local_day(points: list[Point]) -> list[Point]:
    days: dict[dt.date, int] = {}
    for point in points:
        day = timezone.localtime(point.start).date()
        days[day] = days.get(day, 0) + point.reads
    zone = timezone.get_current_timezone()
    return [Point(dt.datetime.combine(day, dt.time(), tzinfo=zone), n) for day, n in days.items()]


def referring_sites(
    *, hours: int, article: Article | None = None, limit: int = 20, at: dt.datetime | None = None
) -> tuple[dt.date, list[tuple[str, int]]]:
    """Referring domains on every UTC day the last ``hours`` touch, site-wide or for one article.

    Referrers are counted per UTC day, so a window that began yesterday (five minutes after midnight,
    "the last hour" did) reads yesterday's count too. Returns the first day counted and the domains.
    """
    at = at or timezone.now()
    end = at.astimezone(dt.UTC).date()
    start = (at - dt.timedelta(hours=hours)).astimezone(dt.UTC).date()
    return start, get_backend().referrers(
        start=start, end=end, article_id=article.pk if article else None, limit=limit
    )
