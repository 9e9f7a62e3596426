"""The Most read box is the same in every process: kept in the cache they share (files in the data dir, or Redis),
never one process's empty box beside another's full one, and once shown it does not disappear."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsdesk.analytics import widgets
from newsdesk.analytics.backends import Read, get_backend
from tests.factories import ArticleFactory

# Another thread: its own database connection and its own cache client (Django's are per thread).
pytestmark = pytest.mark.django_db(transaction=True)


class Process:
    """What one server process has of its own: the box it keeps in memory, and (run in its own thread) its
    cache client and database connection."""

    def __init__(self) -> None:
        self.front: dict = {}

    def box(self) -> str:
        out: list[str] = []

        def run():
            saved, widgets._front = widgets._front, self.front
            try:
                out.append(str(widgets.most_read_box()))
            finally:
                widgets._front = saved

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        return out[0]


@pytest.fixture(params=["files", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            **settings.CACHES,
            "shared": {"BACKEND": "newsdesk.edge.cache.DegradingRedisCache", "LOCATION": url},
        }
    widgets.box_cache_clear()
    yield request.param
    widgets.box_cache_clear()


def _reads(article, n, *, ago=dt.timedelta(minutes=5)):
    at = timezone.now() - ago
    get_backend().write(
        [Read(article.pk, article.section_id, at, f"{article.pk}:{i}".encode()) for i in range(n)]
    )


def _headlines(html: str) -> list[str]:
    return [a.get_text() for a in BeautifulSoup(html, "html.parser").select("#most-read-now a")]


def _expire(monkeypatch, seconds: float) -> None:
    """Move both clocks the box looks at past its freshness, as a minute passing would."""
    now_wall, now_mono = widgets.time.time(), widgets.time.monotonic()

    class Clock:
        @staticmethod
        def time():
            return now_wall + seconds

        @staticmethod
        def monotonic():
            return now_mono + seconds

    monkeypatch.setattr(widgets, "time", Clock)


def test_two_processes_show_the_same_box(shared_cache, monkeypatch):
    a, b = Process(), Process()
    article = ArticleFactory(headline="Putin and Macron meet at Versailles")
    assert a.box() == ""  # no reads yet: no box, and that answer is kept for every process
    _reads(article, 3)
    assert b.box() == ""  # the other process agrees with the first instead of showing its own newer box
    _expire(monkeypatch, widgets.BOX_TTL + 1)
    shown = b.box()
    assert _headlines(shown) == [article.headline]
    assert a.box() == shown  # the first process shows the box the second rendered, not its own empty one


def test_a_box_once_shown_never_disappears(shared_cache, monkeypatch):
    a, b = Process(), Process()
    article = ArticleFactory(headline="Putin and Macron meet at Versailles")
    _reads(article, 3)
    assert _headlines(a.box()) == [article.headline]
    get_backend().clear()  # every window empty (a week without reads, or the counters lost)
    _expire(monkeypatch, widgets.BOX_TTL + 1)
    for process in (a, b):
        html = process.box()
        assert "data-most-read" in html, "the box stays"
        assert _headlines(html) == [] and "No reads counted in the last 60 minutes." in html
