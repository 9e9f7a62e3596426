"""Newsroom list pages: their number of queries does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.models import Article
from tests.factories import ArticleFactory, PersonFactory
from tests.news.images import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def queries_for(client, url, params=None) -> int:
    # A first request fills the process's caches (sections, prepared statements); the second one is the list
    # page's steady state.
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_articles(n: int, editor) -> None:
    person = PersonFactory()
    for article in ArticleFactory.create_batch(n):
        article.persons.add(person)
        article.lead = article.lead + " (updated)"
        services.article_save(article=article, by=editor)  # a revision each, with an author


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("admin:news_article_changelist", {}),
        ("admin:news_article_changelist", {"status__exact": "published"}),
        ("admin:news_article_changelist", {"urgency": "5", "section__id__exact": "1"}),
        ("admin:news_article_changelist", {"q": "Moscow"}),
        ("admin:news_revision_changelist", {}),
    ],
)
def test_list_query_count_does_not_depend_on_the_number_of_articles(editor_client, editor, name, params):
    url = reverse(name)
    make_articles(5, editor)
    few = queries_for(editor_client, url, params)
    make_articles(55, editor)
    assert Article.objects.count() == 60
    many = queries_for(editor_client, url, params)
    assert many == few, f"{few} queries for 5 articles, {many} for 60"


def test_article_list_filters_never_scan_the_article_table(editor_client):
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        editor_client.get(reverse("admin:news_article_changelist"))
    assert not [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"]]


def test_photo_list_query_count_does_not_depend_on_the_number_of_photos(editor_client):
    url = reverse("admin:news_photo_changelist")
    for _ in range(2):
        services.photo_create(
            image=upload(jpeg_bytes((300, 200))), caption="Kremlin", credit="© TASS", alt_text=""
        )
    few = queries_for(editor_client, url)
    for _ in range(8):
        services.photo_create(
            image=upload(jpeg_bytes((300, 200))), caption="Kremlin", credit="© TASS", alt_text=""
        )
    assert queries_for(editor_client, url) == few


def test_article_list_counts_up_to_its_cap_and_then_says_more_than(editor_client, monkeypatch):
    from newsdesk.newsroom.admin import CappedCountPaginator

    ArticleFactory.create_batch(5)
    url = reverse("admin:news_article_changelist")
    exact = editor_client.get(url).content.decode()
    assert "5 articles" in exact and "More than" not in exact
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    with CaptureQueriesContext(connection) as ctx:
        capped = editor_client.get(url).content.decode()
    assert "More than 3 articles" in capped and "5 articles" not in capped
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts  # never a count of the whole table
