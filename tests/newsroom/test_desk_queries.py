"""The desk, the article list and the edit form read a fixed number of queries, however many items there are:
the same count with 5 items of each kind as with 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.ingest.models import IngestedItem, IngestSource
from newsdesk.news import services
from newsdesk.news.models import Article, Correction, Section
from newsdesk.newsroom.models import EditLock
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    """The page's steady state: the first requests fill the process's caches, until two requests in a row
    agree."""
    counts = []
    for _ in range(6):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        if len(counts) >= 2 and counts[-1] == counts[-2]:
            break
    return counts[-1]


def fill_desk(n: int, *, editor, reporter) -> Article:
    """``n`` items in every queue: wire items with their ingest records, items in review, drafts, scheduled,
    published, corrected and withdrawn stories, spiked items; some open in someone's form."""
    now = timezone.now()
    source, _ = IngestSource.objects.get_or_create(
        name="AP wire", defaults={"kind": "folder", "location": "/nowhere"}
    )
    unpublished = {"publish_at": None, "first_published_at": None}
    start = Article.objects.count()
    for i in range(start, start + n):
        wire = ArticleFactory(status="review", urgency=1 + i % 3, **unpublished)
        IngestedItem.objects.create(guid=f"urn:ap:{i}", version=2, source=source, article=wire)
        ArticleFactory(status="review", created_by=reporter, **unpublished)
        ArticleFactory(status="draft", created_by=editor, **unpublished)
        ArticleFactory(status="scheduled", publish_at=now + dt.timedelta(minutes=10 + i))
        published = ArticleFactory(publish_at=now - dt.timedelta(minutes=i + 1))
        Correction.objects.create(article=published, note=f"Corrected the figure ({i}).")
        ArticleFactory(status="review", spiked_at=now, **unpublished)
        EditLock.objects.create(article=published, user=reporter, token="x" * 32, since=now, seen=now)
    return published


@pytest.fixture
def grow(editor, reporter):
    def grow(n: int) -> Article:
        return fill_desk(n, editor=editor, reporter=reporter)

    return grow


@pytest.mark.parametrize(
    "params", [{}, {"section": "politics"}, {"part": "queues"}], ids=["all", "section", "refresh"]
)
def test_the_desk_reads_the_same_queries_with_5_and_50_items_per_queue(editor_client, grow, params):
    url = reverse("newsroom:desk")
    grow(5)
    few = queries(editor_client, url, params)
    grow(45)
    assert (
        Article.objects.filter(status="review", spiked_at__isnull=True, created_by__isnull=True).count() == 50
    )
    many = queries(editor_client, url, params)
    assert many == few, f"{few} queries with 5 items per queue, {many} with 50"


def test_the_article_list_reads_the_same_queries_with_5_and_50_items(editor_client, grow):
    url = reverse("admin:news_article_changelist")
    grow(5)
    few = queries(editor_client, url)
    grow(45)
    assert queries(editor_client, url) == few


def test_the_edit_form_reads_the_same_queries_with_5_and_50_items(editor_client, editor, grow):
    article = grow(5)
    for n in range(4):
        services.article_correct(article=article, by=editor, note=f"Corrected the figure, again ({n}).")
    url = reverse("admin:news_article_change", args=[article.pk])
    few = queries(editor_client, url)
    grow(45)
    for n in range(45):
        services.article_correct(article=article, by=editor, note=f"Corrected the figure, once more ({n}).")
    assert article.corrections.count() == 50
    assert queries(editor_client, url) == few


def test_a_desk_refresh_with_nothing_new_reads_no_queue(editor_client, grow, desk_minute):
    grow(5)
    url = reverse("newsroom:desk")
    etag = editor_client.get(url, {"part": "queues"})["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        response = editor_client.get(url, {"part": "queues"}, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert not [q for q in ctx.captured_queries if 'FROM "news_article"' in q["sql"]]
    assert Section.objects.exists()
