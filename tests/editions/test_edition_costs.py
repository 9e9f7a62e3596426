"""The edition switch costs nothing (issue 23): every reader page type reads the database as often in the
Russian edition (/ru/…) as in the English one, with comparable data in each — Russian text in the Russian
edition, so its search runs through the Russian analysis, did-you-mean and the any-words fallback included.
tests/site/test_queries.py keeps the English counts themselves (and that they do not grow with the archive)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.news import selectors
from newsdesk.news.models import Article, Section
from newsdesk.search.services import search_sync_pending
from tests.factories import PersonFactory, TopicFactory
from tests.site.conftest import make_articles

pytestmark = pytest.mark.django_db

RU_LEAD = (
    "Заместитель министра иностранных дел России Сергей Рябков отметил, что при прежней администрации США "
    "двусторонние отношения опустились до низшей точки"
)
RU_BODY = "<p>Москва обеспокоена отсутствием серьёзного прорыва в российско-американских отношениях.</p>"
RU_HEADLINE = "Рябков: отношения России и США остаются сложными"
# What a reader types in each edition, word for word alike: all the words found, some of them (the fallback's
# second statement), a misspelt name (did you mean), and a filtered search.
SEARCHES = {
    "search": ("Ryabkov relations", "Рябков отношения"),
    "search_some_words": ("Ryabkov typhoon", "Рябков тайфун"),
    "search_misspelt": ("Ryabkof", "Рябкоф"),
}


def _count(client, url: str, status: int = 200) -> tuple[int, list[str]]:
    """The queries of a warm page, the fewer of two counted visits (tests/site/test_queries.py says why)."""
    client.get(url)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == status, url
        counts.append([query["sql"][:160] for query in ctx.captured_queries])
    fewer = min(counts, key=len)
    return len(fewer), fewer


def _editions(ru_sections):
    from tests.site.test_pages import make_gallery, make_infographic

    person, topic = PersonFactory(name="Sergey Ryabkov", slug="sergey-ryabkov"), TopicFactory()
    politics = Section.objects.get(slug="politics", language="en")
    # Created in turns, so the two editions' stories sit alike among the ids (PostgreSQL's search walks
    # windows of ids from the newest: a block of the other edition's ids above them would cost a window more).
    english, russian, newest = [], [], timezone.now() - dt.timedelta(minutes=1)
    for n in range(12):
        at = newest - dt.timedelta(minutes=7 * n)
        english += make_articles(1, section=politics, newest=at)
        russian += make_articles(1, section=ru_sections["politika"], newest=at, language="ru")
    Article.objects.filter(pk__in=[a.pk for a in russian]).update(
        headline=RU_HEADLINE, lead=RU_LEAD, body=RU_BODY
    )
    for article in (*english[:3], *russian[:3]):
        article.persons.add(person)
        article.topics.add(topic)
    Article.objects.filter(pk__in=[english[0].pk, russian[0].pk]).update(top_story_rank=1)
    galleries = make_gallery(slug="lavrov-birthday"), make_gallery(slug="lavrov-den-rozhdeniya")
    galleries[1].section = ru_sections["politika"]
    galleries[1].save()
    infographics = make_infographic(slug="gas-pipelines"), make_infographic(slug="gazoprovody")
    infographics[1].section = ru_sections["politika"]
    infographics[1].save()
    search_sync_pending()  # the worker's job: what was written reaches the index
    english, russian = (list(Article.objects.filter(pk__in=[a.pk for a in s]).order_by("-publish_at")) for s in (english, russian))  # fmt: skip
    return person, topic, english, russian


def test_every_reader_page_type_reads_the_database_as_often_in_both_editions(
    client, ru_sections, monkeypatch
):
    from newsdesk.analytics.widgets import box_cache_clear

    # Most read's box is kept a few seconds in the process: kept for the test, so each page is counted warm.
    monkeypatch.setattr("newsdesk.analytics.widgets.EMPTY_FRONT_TTL", 3600.0)
    monkeypatch.setattr("newsdesk.analytics.widgets.FRONT_TTL", 3600.0)
    # And none kept from an earlier test: fresh for the real FRONT_TTL, it served the warm request and expired
    # before the counted one on a loaded machine (the box's three windows read again: 6 queries against 3).
    box_cache_clear()
    person, topic, english, russian = _editions(ru_sections)
    day = timezone.localdate(english[0].publish_at)

    def cursor(articles):
        return selectors.FeedCursor(publish_at=articles[6].publish_at, id=articles[6].id).encode()

    pages = {
        "home": ("/", "/ru/"),
        "feed": ("/news/", "/ru/news/"),
        "filtered": ("/news/?section=politics", "/ru/news/?section=politika"),
        "deep": (f"/news/?before={cursor(english)}", f"/ru/news/?before={cursor(russian)}"),
        "section": ("/section/politics/", "/ru/section/politika/"),
        "person": (person.get_absolute_url(), "/ru" + person.get_absolute_url()),
        "topic": (topic.get_absolute_url(), "/ru" + topic.get_absolute_url()),
        "archive": (f"/news/{day:%Y/%m/%d}/", f"/ru/news/{day:%Y/%m/%d}/"),
        "article": (english[1].get_absolute_url(), russian[1].get_absolute_url()),
        "galleries": ("/galleries/", "/ru/galleries/"),
        "gallery": ("/galleries/lavrov-birthday/", "/ru/galleries/lavrov-den-rozhdeniya/"),
        "infographics": ("/infographics/", "/ru/infographics/"),
        "infographic": ("/infographics/gas-pipelines/", "/ru/infographics/gazoprovody/"),
        "feed_rss": ("/feeds/news.rss", "/ru/feeds/news.rss"),
        "sitemap": ("/sitemap-news.xml", "/ru/sitemap-news.xml"),
        "search_empty": ("/search/", "/ru/search/"),
        "search_filtered": ("/search/?q=Ryabkov&section=politics", "/ru/search/?q=Рябков&section=politika"),
        "api_search": ("/api/v1/search?q=Ryabkov", "/api/v1/search?q=Рябков&language=ru"),
    }
    pages |= {name: (f"/search/?q={en}", f"/ru/search/?q={ru}") for name, (en, ru) in SEARCHES.items()}
    counts, reads = {}, {}
    for name, (en_url, ru_url) in pages.items():
        (en, en_sql), (ru, ru_sql) = _count(client, en_url), _count(client, ru_url)
        counts[name], reads[name] = (en, ru), (en_sql, ru_sql)
    assert {name: ru for name, (_, ru) in counts.items()} == {name: en for name, (en, _) in counts.items()}, (
        counts,
        reads,
    )


def test_the_searches_counted_find_alike_in_both_editions(client, ru_sections):
    """The searches above take the same paths in both editions: hits with all the words, the fallback, a
    suggestion — so equal counts compare like with like."""
    _editions(ru_sections)
    for name, (en, ru) in SEARCHES.items():
        en_data = client.get("/api/v1/search", {"q": en}).json()
        ru_data = client.get("/api/v1/search", {"q": ru, "language": "ru"}).json()
        assert en_data["total"] == ru_data["total"] == (0 if name == "search_misspelt" else 12), name
        assert en_data["any_words"] == ru_data["any_words"] == (name == "search_some_words"), name
        assert en_data["all_words"] == ru_data["all_words"], name
        assert bool(en_data["did_you_mean"]) == bool(ru_data["did_you_mean"]) == (name == "search_misspelt")


def test_a_cold_article_reads_the_database_as_often_in_both_editions(client, ru_sections):
    """An article's first render (its kept page not made yet) and its next one, per edition."""
    _, _, english, russian = _editions(ru_sections)
    counts = {}
    for language, articles in (("en", english), ("ru", russian)):
        client.get(articles[5].get_absolute_url())  # per-process boxes and content types, in this edition
        visits = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(articles[4].get_absolute_url()).status_code == 200
            visits.append(len(ctx.captured_queries))
        counts[language] = tuple(visits)
    assert counts["ru"] == counts["en"], counts
    assert counts["en"][0] > counts["en"][1]  # the first visit was a cold render, the second a kept page
