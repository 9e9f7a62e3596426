"""A page deep in the feed costs the database what page 1 costs: the cursor is an index range, not an offset.

Counted in SQLite virtual-machine steps (sqlite3's progress handler), not in seconds, so it is exact and
does not depend on the machine's load.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.news import selectors
from newsdesk.news.models import Article, Section
from tests.site.conftest import make_articles

pytestmark = [pytest.mark.django_db]
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="counts SQLite VM steps; PostgreSQL is covered by the query counts"
)


def _vm_steps(fn) -> int:
    steps = 0

    def tick():
        nonlocal steps
        steps += 1
        return 0

    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(tick, 100)
    try:
        fn()
    finally:
        raw.set_progress_handler(None, 0)
    return steps


FILTERS = {"all": [], "one section": ["world"], "three sections": ["world", "politics", "sport"]}


def _sections(slugs):
    return [Section.objects.get(slug=slug).id for slug in slugs] or None


@sqlite_only
@pytest.mark.parametrize("filter_name", FILTERS)
def test_page_deep_in_the_feed_costs_what_page_one_costs(filter_name):
    for slug in ("politics", "world", "sport"):
        make_articles(2000, section=Section.objects.get(slug=slug))
    sections = _sections(FILTERS[filter_name])
    pages, cursor = 0, None
    while pages < 150:  # walk to page 150 (4,500 items deep when unfiltered)
        page = selectors.feed_page(limit=30, section_ids=sections, cursor=cursor)
        if page.next_cursor is None:
            break
        cursor, pages = page.next_cursor, pages + 1
    first = _vm_steps(lambda: selectors.feed_page(limit=30, section_ids=sections))
    deep = _vm_steps(lambda: selectors.feed_page(limit=30, section_ids=sections, cursor=cursor))
    assert pages >= 60
    # An OFFSET, or a range that starts at "now", would walk thousands of rows for the deep page.
    assert deep <= first * 1.5 + 5, (first, deep)


HOME_AND_FEED = {
    "feed": lambda: selectors.feed_page(limit=30),
    "section feed": lambda: selectors.feed_page(limit=30, section_ids=_sections(["world"])),
    "filtered feed": lambda: selectors.feed_page(limit=30, section_ids=_sections(["world", "sport"])),
    "home latest": lambda: selectors.feed_page(limit=12),
    "home top stories": lambda: selectors.top_story_cards(),
    "home section blocks": lambda: selectors.section_blocks(sections=Section.objects.all()),
    "home page lists": lambda: selectors.home_page(sections=Section.objects.all()),
}


@sqlite_only
@pytest.mark.parametrize("name", HOME_AND_FEED)
def test_first_pages_cost_the_same_in_a_small_and_a_large_database(name):
    world, sport = Section.objects.get(slug="world"), Section.objects.get(slug="sport")
    for section in (world, sport):
        make_articles(60, section=section, top_story_rank=None)
    Article.objects.filter(pk__in=Article.objects.values("pk")[:3]).update(top_story_rank=1)
    small = _vm_steps(HOME_AND_FEED[name])
    for section in (world, sport):
        make_articles(3000, section=section, newest=timezone.now() - dt.timedelta(days=60))
    large = _vm_steps(HOME_AND_FEED[name])
    assert large <= small * 1.5 + 5, (small, large)


@sqlite_only
def test_feed_query_reads_through_the_feed_indexes():
    make_articles(50)
    world = Section.objects.get(slug="world")
    keys = selectors.FeedKeys(at=timezone.now(), cursor=selectors.FeedCursor.decode("1496133660000000-42"))
    for sections, index in ((None, "article_feed"), ([world.id], "article_section_recent")):
        plan = (
            selectors._keys_filter(keys, section_ids=sections).values_list(*selectors.CARD_ROW)[:31].explain()
        )
        assert f"USING INDEX {index}" in plan, plan
        assert "SCAN news_article" not in plan and "news_section" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan for the same keys")
@pytest.mark.parametrize("deep", [False, True])
def test_postgresql_reads_feed_keys_as_index_ranges_that_stop_early(deep):
    world = Section.objects.get(slug="world")
    articles = make_articles(4000, section=world)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
    keys = selectors.FeedKeys(at=timezone.now())
    if deep:
        keys = selectors.FeedKeys(
            at=keys.at,
            cursor=selectors.FeedCursor(publish_at=articles[3500].publish_at, id=articles[3500].id),
        )
    for groups in ([None], [[world.id]]):
        parts = [
            selectors._keys_filter(keys, section_ids=group, status=status).values_list(*selectors.CARD_ROW)[
                :31
            ]
            for group in groups
            for status in Article.Status.values
        ]
        plan = parts[0].union(*parts[1:], all=True).explain(analyze=True)
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
        scanned = [
            int(n)
            for n in re.findall(r"Index (?:Only )?Scan .*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", plan)
        ]
        assert scanned and max(scanned) <= 31, plan
