"""The newsroom's audience view: top articles per window and section, per-article chart and table, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsdesk.analytics.backends import Read, get_backend
from newsdesk.news.models import Section
from tests.factories import ArticleFactory, user_with_role

pytestmark = pytest.mark.django_db
AUDIENCE = "/newsroom/audience/"


def reads(article, n, *, ago=dt.timedelta(minutes=5), referrer=""):
    at = timezone.now() - ago
    get_backend().write(
        [
            Read(article.pk, article.section_id, at, f"{article.pk}:{ago}:{i}".encode(), referrer)
            for i in range(n)
        ]
    )


@pytest.fixture
def editor(client):
    client.force_login(user_with_role("Editor"))
    return client


def test_needs_a_newsroom_login(client):
    response = client.get(AUDIENCE)
    assert response.status_code == 302 and "/newsroom/login/" in response["Location"]


def test_top_articles_per_window_and_section(editor, site_backend):
    politics, economy = ArticleFactory(), ArticleFactory(section=Section.objects.get(slug="economy"))
    reads(politics, 3, referrer="news.google.com"), reads(economy, 5, ago=dt.timedelta(hours=5))
    html = BeautifulSoup(editor.get(AUDIENCE, {"window": "now"}).content, "html.parser")
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")] for tr in html.select(".audience-top tbody tr")
    ]
    assert rows == [["1", politics.headline, politics.section.name, "Published", "3"]]
    assert html.select_one(".audience-referrers td").get_text() == "news.google.com"
    week = BeautifulSoup(editor.get(AUDIENCE, {"window": "week"}).content, "html.parser")
    assert [tr.select("td")[1].get_text(strip=True) for tr in week.select(".audience-top tbody tr")] == [
        economy.headline, politics.headline,
    ]  # fmt: skip
    only_economy = BeautifulSoup(
        editor.get(AUDIENCE, {"window": "week", "section": "economy"}).content, "html.parser"
    )
    shown = only_economy.get_text()  # parsed, so headlines with apostrophes compare unescaped
    assert economy.headline in shown
    assert politics.headline not in shown


def test_csv_export_is_parseable_and_formula_safe(editor, db):
    article = ArticleFactory(headline='=HYPERLINK("http://evil.example") Kremlin comments')
    reads(article, 2)
    response = editor.get(AUDIENCE, {"window": "today", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["rank", "public_id", "headline", "section", "status", "reads"]
    assert rows[1][0] == "1" and rows[1][1] == str(article.public_id) and rows[1][5] == "2"
    assert rows[1][2].startswith("'=")


@pytest.mark.parametrize(
    "query",
    [
        {"window": "year"},
        {"section": "no-such-section"},
        {"format": "xlsx"},
        {"window": "x" * 10_000},
        {"window": "\x00"},
    ],
)
def test_bad_filters_are_a_400_with_a_message(editor, query):
    response = editor.get(AUDIENCE, query)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_per_article_chart_table_and_referrers(editor, site_backend):
    article = ArticleFactory()
    reads(article, 4, ago=dt.timedelta(minutes=1), referrer="t.co")
    reads(article, 2, ago=dt.timedelta(hours=3))
    response = editor.get(f"{AUDIENCE}article/{article.pk}/")
    html = BeautifulSoup(response.content, "html.parser")
    svg = html.select_one("svg.audience-chart")
    assert svg["role"] == "img" and "6 reads in all" in svg.select_one("desc").get_text()
    assert len(svg.select("rect")) == 48
    cells = [[td.get_text() for td in tr.select("td")] for tr in html.select("details table tbody tr")]
    # Hour buckets: the newest reads sit in one of the last two hours (the clock may just have turned).
    assert len(cells) == 48 and "4" in [c[1] for c in cells[-2:]] and sum(int(c[1]) for c in cells) == 6
    assert ["t.co", "4"] in [
        [td.get_text() for td in tr.select("td")] for tr in html.select(".audience-referrers tr")
    ]
    monthly = BeautifulSoup(
        editor.get(f"{AUDIENCE}article/{article.pk}/", {"range": "30d"}).content, "html.parser"
    )
    assert 30 <= len(monthly.select("svg rect")) <= 31  # local days over 720 hours


def test_per_article_csv(editor, db):
    article = ArticleFactory()
    reads(article, 3, ago=dt.timedelta(minutes=1))
    response = editor.get(f"{AUDIENCE}article/{article.pk}/", {"range": "7d", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["start", "reads"] and len(rows) == 1 + 7 * 24
    assert "3" in [row[1] for row in rows[-2:]] and sum(int(row[1]) for row in rows[1:]) == 3
    assert dt.datetime.fromisoformat(rows[-1][0]).utcoffset() is not None


@pytest.mark.parametrize("query", [{"range": "1y"}, {"format": "pdf"}])
def test_per_article_bad_range_is_a_400(editor, query):
    article = ArticleFactory()
    assert editor.get(f"{AUDIENCE}article/{article.pk}/", query).status_code == 400


def test_unknown_article_is_a_404(editor):
    assert editor.get(f"{AUDIENCE}article/987654/").status_code == 404


def test_audience_is_listed_on_the_newsroom_index(editor):
    response = editor.get("/newsroom/")
    assert "Audience" in response.content.decode()
    assert editor.get("/newsroom/analytics/hourreads/").url == AUDIENCE


def test_query_count_does_not_grow_with_articles(editor, django_assert_max_num_queries, db):
    for article in [ArticleFactory() for _ in range(40)]:
        reads(article, 1)
    with django_assert_max_num_queries(8):  # session, user, ranking, articles, referrers
        assert editor.get(AUDIENCE, {"window": "today"}).status_code == 200


def test_referrers_of_the_last_hour_survive_utc_midnight(editor, site_backend, monkeypatch):
    """Referrers are counted per UTC day: at 00:00:30 the last hour's reads are on yesterday's count."""
    article = ArticleFactory()
    midnight = timezone.now().astimezone(dt.UTC).replace(hour=0, minute=0, second=30, microsecond=0)
    get_backend().write(
        [Read(article.pk, article.section_id, midnight - dt.timedelta(minutes=5), b"late", "t.co")]
    )
    monkeypatch.setattr("newsdesk.analytics.views.timezone.now", lambda: midnight)
    html = BeautifulSoup(editor.get(AUDIENCE, {"window": "now"}).content, "html.parser")
    assert html.select_one(".audience-referrers td").get_text() == "t.co"
    yesterday = midnight - dt.timedelta(days=1)
    assert f"since {yesterday:%B} {yesterday.day} (UTC days)" in html.get_text()
