"""One contract for every read-counting back end: the database (SQLite/PostgreSQL) and a real Redis."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from newsdesk.analytics.backends import Read, Window, load_backend
from newsdesk.analytics.backends.base import floor_time
from newsdesk.news.models import Section
from tests.factories import ArticleFactory


def reader(name: str) -> bytes:
    return hashlib.blake2b(name.encode(), digest_size=12).digest()


@pytest.fixture
def at():
    # Mid-hour, mid-minute: window edges are then easy to reason about.
    return floor_time(timezone.now(), dt.timedelta(hours=1)) + dt.timedelta(minutes=30, seconds=15)


@pytest.fixture
def backend(site_backend):
    return site_backend


@pytest.fixture
def articles(db):
    politics = Section.objects.get(slug="politics")
    economy = Section.objects.get(slug="economy")
    return {
        "a": ArticleFactory(section=politics),
        "b": ArticleFactory(section=politics),
        "c": ArticleFactory(section=economy),
    }


def read(article, at, who, referrer=""):
    return Read(article.pk, article.section_id, at, reader(f"{who}:{article.pk}"), referrer)


def test_counts_and_ranks_most_read_first_ties_by_id(backend, articles, at):
    a, b, c = articles["a"], articles["b"], articles["c"]
    reads = [read(a, at, f"r{i}") for i in range(3)] + [
        read(b, at, "r1"),
        read(c, at, "r1"),
        read(c, at, "r2"),
    ]
    assert backend.write(reads) == 6
    top = backend.top(window=Window.NOW, at=at)
    assert top == [(a.pk, 3), (c.pk, 2), (b.pk, 1)]
    assert backend.top(window=Window.NOW, at=at, limit=1) == [(a.pk, 3)]


def test_equal_counts_are_ordered_by_article_id(backend, articles, at):
    ids = sorted(article.pk for article in articles.values())
    backend.write([read(article, at, "same") for article in articles.values()])
    assert backend.top(window=Window.TODAY, at=at, limit=2) == [(ids[0], 1), (ids[1], 1)]


def test_one_read_per_reader_per_article_per_30_minutes(backend, articles, at):
    a, b = articles["a"], articles["b"]
    assert backend.write([read(a, at, "x"), read(a, at, "x")]) == 1  # a repeat inside one batch
    assert backend.write([read(a, at + dt.timedelta(minutes=29), "x")]) == 0
    assert backend.write([read(b, at + dt.timedelta(minutes=29), "x")]) == 1  # another article counts
    assert backend.write([read(a, at + dt.timedelta(minutes=31), "x")]) == 1
    assert backend.top(window=Window.TODAY, at=at + dt.timedelta(minutes=31)) == sorted(
        [(a.pk, 2), (b.pk, 1)], key=lambda row: (-row[1], row[0])
    )


def test_windows_now_today_week(backend, articles, at):
    a, b, c = articles["a"], articles["b"], articles["c"]
    backend.write([
        read(a, at - dt.timedelta(minutes=10), "1"),
        read(b, at - dt.timedelta(hours=3), "1"),
        read(c, at - dt.timedelta(days=3), "1"),
        read(c, at - dt.timedelta(days=9), "2"),
    ])  # fmt: skip
    assert backend.top(window=Window.NOW, at=at) == [(a.pk, 1)]
    assert sorted(backend.top(window=Window.TODAY, at=at)) == sorted([(a.pk, 1), (b.pk, 1)])
    assert sorted(backend.top(window=Window.WEEK, at=at)) == sorted([(a.pk, 1), (b.pk, 1), (c.pk, 1)])


def test_now_is_the_last_60_minutes(backend, articles, at):
    a = articles["a"]
    backend.write([read(a, at - dt.timedelta(minutes=59), "1"), read(a, at - dt.timedelta(minutes=62), "2")])
    assert backend.top(window=Window.NOW, at=at) == [(a.pk, 1)]


def test_section_rankings(backend, articles, at):
    a, c = articles["a"], articles["c"]
    backend.write([read(a, at, "1"), read(c, at, "1"), read(c, at, "2")])
    assert backend.top(window=Window.NOW, at=at, section_id=a.section_id) == [(a.pk, 1)]
    assert backend.top(window=Window.WEEK, at=at, section_id=c.section_id) == [(c.pk, 2)]


def test_hourly_series(backend, articles, at):
    a = articles["a"]
    hour = floor_time(at, dt.timedelta(hours=1))
    backend.write([read(a, at, "1"), read(a, at, "2"), read(a, at - dt.timedelta(hours=2), "3")])
    assert backend.series(article_id=a.pk, start=hour - dt.timedelta(hours=5), end=at) == {
        hour - dt.timedelta(hours=2): 1,
        hour: 2,
    }
    assert backend.series(article_id=a.pk, start=hour, end=at) == {hour: 2}


def test_referrers_by_domain(backend, articles, at):
    a, b = articles["a"], articles["b"]
    backend.write([
        read(a, at, "1", "news.google.com"), read(a, at, "2", "news.google.com"),
        read(b, at, "1", "t.co"), read(b, at, "2"),
    ])  # fmt: skip
    day = at.astimezone(dt.UTC).date()
    assert backend.referrers(start=day, end=day) == [("news.google.com", 2), ("t.co", 1)]
    assert backend.referrers(start=day, end=day, article_id=b.pk) == [("t.co", 1)]
    assert backend.referrers(start=day + dt.timedelta(days=1), end=day + dt.timedelta(days=1)) == []


def test_daily_salt_is_random_per_day_and_stable_within_it(backend):
    today = dt.date(2017, 5, 30)
    salt = backend.salt(today)
    assert len(salt) >= 16 and backend.salt(today) == salt
    assert backend.salt(today + dt.timedelta(days=1)) != salt


def test_salt_is_shared_by_every_process_only_with_redis(backend_name, backend, settings):
    # A second back end object stands for a second server process.
    other = load_backend(settings.ANALYTICS)
    day = dt.date(2017, 5, 31)
    assert (other.salt(day) == backend.salt(day)) is (backend_name == "redis")


def test_empty_batch_and_clear(backend, articles, at):
    assert backend.write([]) == 0
    backend.write([read(articles["a"], at, "1")])
    backend.clear()
    assert backend.top(window=Window.WEEK, at=at) == []
    assert backend.write([read(articles["a"], at, "1")]) == 1  # clear forgets the readers too


def test_prune_keeps_what_the_windows_need(backend, articles, at):
    a = articles["a"]
    backend.write([read(a, at - dt.timedelta(minutes=5), "1"), read(a, at - dt.timedelta(hours=5), "2")])
    backend.prune(at=at)
    assert backend.top(window=Window.NOW, at=at) == [(a.pk, 1)]
    assert backend.top(window=Window.TODAY, at=at) == [(a.pk, 2)]
