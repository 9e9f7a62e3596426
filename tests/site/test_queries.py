"""Every reader page reads the database a fixed number of times, whether it holds 3 articles or 2,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.news.models import Section
from tests.factories import PersonFactory, TopicFactory
from tests.site.conftest import make_articles
from tests.site.test_pages import make_gallery, make_infographic

pytestmark = pytest.mark.django_db

# What each page takes (site pages only; boxes other apps place in the slots come on top of these and are
# counted by their own tests). The sections are read once per request, by a compiled query (the header, the
# feed filter and section pages share it); the article page is counted warm: its state and the sections, the
# rest kept with the page (cold, and with Read also links: test_article_cache.py).
CEILINGS = {
    "home": 16, "feed": 3, "filtered": 4, "deep": 3, "section": 3, "person": 4, "topic": 4, "archive": 3,
    "article": 2, "gallery": 3, "galleries": 3, "infographic": 2,
}  # fmt: skip


def _urls(person, topic, article, deep_cursor, gallery, infographic, day):
    return {
        "home": "/",
        "feed": "/news/",
        "filtered": "/news/?section=politics&section=world",
        "deep": f"/news/?before={deep_cursor}",
        "section": "/section/world/",
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "archive": f"/news/{day:%Y/%m/%d}/",
        "article": article.get_absolute_url(),
        "gallery": gallery.get_absolute_url() + "2/",
        "galleries": "/galleries/",
        "infographic": infographic.get_absolute_url(),
    }


def _count(client, url) -> int:
    client.get(url)  # first visits fill per-process caches (content types, cached boxes); count a warm page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _build(count, person, topic):
    politics, world = Section.objects.get(slug="politics"), Section.objects.get(slug="world")
    articles = make_articles(count // 2, section=politics) + make_articles(count - count // 2, section=world)
    for article in articles[:: max(1, count // 10)]:
        article.persons.add(person)
        article.topics.add(topic)
    return articles


def test_query_counts_do_not_grow_with_the_number_of_articles(client):
    from newsdesk.news import selectors

    person, topic = PersonFactory(), TopicFactory()
    gallery, infographic = make_gallery(photos=3), make_infographic()
    small = _build(6, person, topic)
    cursor = selectors.FeedCursor(publish_at=small[-1].publish_at, id=small[-1].id).encode()
    day = small[0].publish_at.date()
    before = {
        name: _count(client, url)
        for name, url in _urls(person, topic, small[0], cursor, gallery, infographic, day).items()
    }
    big = _build(2000, person, topic)
    deep = big[1500]
    cursor = selectors.FeedCursor(publish_at=deep.publish_at, id=deep.id).encode()
    after = {
        name: _count(client, url)
        for name, url in _urls(person, topic, big[0], cursor, gallery, infographic, day).items()
    }
    assert after == before
    for name, count in after.items():
        assert count <= CEILINGS[name], (name, count)


def test_filtered_feed_page_is_three_queries(client, django_assert_num_queries):
    make_articles(50)
    client.get("/news/")  # warm the content types and other per-process caches
    with django_assert_num_queries(3):  # the sections (header and filter), the page's keys, its cards
        client.get("/news/?section=politics")
