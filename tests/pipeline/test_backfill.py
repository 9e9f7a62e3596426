"""Backfill is not news: items first published longer ago than NEWSDESK_BACKFILL_AGE are listed and found by
their own dates, but never announced live, never pinged to hubs, never a home block or top story on their own;
new items in the same batch are announced."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.live.models import LiveEvent
from newsdesk.news import selectors
from newsdesk.news.models import Article
from newsdesk.pipeline.models import Change
from newsdesk.search.selectors import search_articles

pytestmark = pytest.mark.django_db


def item(guid: str, headline: str, when: dt.datetime) -> dict:
    body = (
        f"<p>{headline}. Oil prices moved on the news, traders in London and New York said on the day, and "
        f"analysts expect the market to settle within the week ({guid}).</p>"
    )
    stamp = when.isoformat()
    return {
        "uri": guid,
        "headline": headline,
        "body_html": body,
        "firstcreated": stamp,
        "versioncreated": stamp,
    }


ARCHIVE = [
    item("urn:1987:1", "Saudi crude output steady in February", dt.datetime(1987, 3, 2, 9, 0, tzinfo=dt.UTC)),
    item("urn:1987:2", "OPEC ministers to meet in Vienna", dt.datetime(1987, 3, 3, 14, 30, tzinfo=dt.UTC)),
]


def ingest(items: list[dict], sections, django_capture_on_commit_callbacks) -> None:
    routing = Routing(section=sections["world"], status=Article.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_document(data=json.dumps(items).encode(), origin="wire.json", routing=routing)


def announced() -> set[str]:
    return set(LiveEvent.objects.values_list("data__headline", flat=True))


def test_backfill_is_listed_and_searchable_but_never_news(sections, hub, django_capture_on_commit_callbacks):
    ingest(ARCHIVE, sections, django_capture_on_commit_callbacks)
    assert not Change.objects.exists()  # every effect ran (the search index, Read also, purge ...)
    assert Article.objects.filter(is_backfill=True).count() == 2
    assert announced() == set()
    assert hub.received == []
    assert selectors.section_blocks(sections=[sections["world"]]) == []
    assert selectors.top_story_cards() == []
    # Listed by their own dates, and found.
    assert [card.headline for card in selectors.feed_page().articles] == [
        "OPEC ministers to meet in Vienna",
        "Saudi crude output steady in February",
    ]
    assert [hit.article.headline for hit in search_articles(q="OPEC Vienna").hits] == [
        "OPEC ministers to meet in Vienna"
    ]


def test_new_items_in_a_batch_with_backfill_are_announced(sections, hub, django_capture_on_commit_callbacks):
    fresh = item("urn:now:1", "Oil jumps as OPEC agrees output cut", timezone.now() - dt.timedelta(minutes=5))
    older = item("urn:1987:3", "Kuwait says OPEC quota is fair", dt.datetime(1987, 3, 4, 8, 0, tzinfo=dt.UTC))
    ingest([*ARCHIVE, fresh, older], sections, django_capture_on_commit_callbacks)
    assert announced() == {"Oil jumps as OPEC agrees output cut"}
    new = Article.objects.get(guid="urn:now:1")
    assert new.is_backfill is False
    # One ping, for the new story's feeds.
    assert len(hub.received) == 1 and any(url.endswith("/feeds/section/world.rss") for url in hub.received[0])
    assert [
        (s.slug, [a.pk for a in cards]) for s, cards in selectors.section_blocks(sections=[sections["world"]])
    ] == [("world", [new.pk])]


def test_the_age_is_a_setting(sections, hub, settings, django_capture_on_commit_callbacks):
    settings.NEWSDESK_BACKFILL_AGE = 100 * 365 * 86400  # a century: 1987 is still news
    ingest(ARCHIVE[:1], sections, django_capture_on_commit_callbacks)
    assert announced() == {"Saudi crude output steady in February"}


def test_a_newsroom_story_backdated_beyond_the_age_is_not_announced(
    sections, django_capture_on_commit_callbacks
):
    from newsdesk.news import services
    from tests.factories import ArticleFactory

    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, by=None, at=timezone.now() - dt.timedelta(days=2))
    draft.refresh_from_db()
    assert draft.is_backfill is True and announced() == set()
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=story, by=None)
    assert announced() == {story.headline}
