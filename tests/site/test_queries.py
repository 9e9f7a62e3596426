"""Every reader page reads the database a fixed number of times, whether it holds 3 articles or 2,000."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Section
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload
from tests.site.conftest import make_articles
from tests.site.test_pages import make_gallery, make_infographic

pytestmark = pytest.mark.django_db

# What each page takes (site pages only; boxes other apps place in the slots come on top of these and are
# counted by their own tests). The sections are read once per request, by a compiled query (the header, the
# feed filter and section pages share it); the article page is counted warm: its state and the sections, the
# rest kept with the page (cold, and with Read also links: test_article_cache.py). The home page reads the
# sections, then its article lists in one statement (the ranked stories, the latest, one index range per
# section: news.selectors.home_page), the galleries and infographics in another, then the galleries' covers
# and every card's photo (the top stories', the latest's, each block's first); a feed page reads its cards in
# one statement too (a filtered feed, one index range per section), their sections taken from the header's, then
# the photos of the cards that have one, in one read (none when no card has a photo). The withdrawn page reads its state, the
# sections, the article and its corrections (the notice), nothing else.
CEILINGS = {
    "home": 4, "feed": 3, "filtered": 3, "deep": 3, "section": 3, "person": 4, "topic": 4, "archive": 3,
    "article": 2, "article_page_2": 2, "withdrawn": 4, "not_found": 2, "gallery": 3, "galleries": 3,
    "infographic": 2, "infographics": 2,
}  # fmt: skip
STATUS = {"withdrawn": 410, "not_found": 404}


@dataclass
class Fixed:
    """What both databases share: the home page's top stories and galleries, and the pages of single items."""

    person: object
    topic: object
    gallery: object
    infographic: object
    multi_page: object
    withdrawn: object


def _fixed() -> Fixed:
    """Several galleries and top stories with lead photos, so that a query per item would show on the home page."""
    galleries = [make_gallery(photos=2, slug=f"lavrov-birthday-{n}") for n in range(4)]
    for rank in range(1, 6):
        photo = services.photo_create(
            image=image_upload(size=(800, 450)),
            caption="Russian Foreign Minister Sergey Lavrov",
            credit="© Valery Sharifulin/TASS",
            alt_text="Sergey Lavrov at a news conference",
        )
        ArticleFactory(top_story_rank=rank, lead_photo=photo)
    infographics = [make_infographic(slug=f"gas-pipelines-{n}") for n in range(3)]
    withdrawn = ArticleFactory()
    services.article_withdraw(article=withdrawn, by=None, note="The report was based on a forged letter.")
    return Fixed(
        person=PersonFactory(),
        topic=TopicFactory(),
        gallery=galleries[0],
        infographic=infographics[0],
        multi_page=ArticleFactory(body=MULTI_PAGE_BODY),
        withdrawn=withdrawn,
    )


MULTI_PAGE_BODY = (
    "<p>Russia's foreign trade went down 11.9% in 2016.</p>"
    '<hr class="page-break"><p>Exports to non-CIS countries fell the most.</p>'
    '<hr class="page-break"><p>Imports from China rose.</p>'
)


def _urls(fixed: Fixed, article, deep_cursor, day):
    return {
        "home": "/",
        "feed": "/news/",
        "filtered": "/news/?section=politics&section=world",
        "deep": f"/news/?before={deep_cursor}",
        "section": "/section/world/",
        "person": fixed.person.get_absolute_url(),
        "topic": fixed.topic.get_absolute_url(),
        "archive": f"/news/{day:%Y/%m/%d}/",
        "article": article.get_absolute_url(),
        "article_page_2": fixed.multi_page.get_absolute_url() + "?page=2",
        "withdrawn": fixed.withdrawn.get_absolute_url(),
        "not_found": "/news/999999999/no-such-article/",
        "gallery": fixed.gallery.get_absolute_url() + "2/",
        "galleries": "/galleries/",
        "infographic": fixed.infographic.get_absolute_url(),
        "infographics": "/infographics/",
    }


def _count(client, name, url) -> int:
    """The queries of a warm page: first visits fill per-process caches (content types, cached boxes), and a
    box kept for seconds may be read again on a loaded machine (the PostgreSQL run once counted the archive at 6,
    then 3), so the fewer of two counted visits is the page's steady state. A page whose queries grow with the
    archive grows in both."""
    client.get(url)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == STATUS.get(name, 200), url
        counts.append(len(ctx.captured_queries))
    return min(counts)


def _build(count, person, topic):
    politics, world = Section.objects.get(slug="politics"), Section.objects.get(slug="world")
    articles = make_articles(count // 2, section=politics) + make_articles(count - count // 2, section=world)
    for article in articles[:: max(1, count // 10)]:
        article.persons.add(person)
        article.topics.add(topic)
    # Every third with a lead photo: each page lists cards with photos, so a read per photo would show.
    photo = services.photo_create(
        image=image_upload(size=(800, 450)), caption="Kamaz trucks", credit="TASS", alt_text="Trucks"
    )
    Article.objects.filter(pk__in=[a.pk for a in articles[::3]]).update(lead_photo=photo)
    return articles


def test_query_counts_do_not_grow_with_the_number_of_articles(client, monkeypatch):
    from newsdesk.news import selectors

    # Most read's box is kept a few seconds in the process ("no box yet" one second): on a loaded machine the
    # counted request, a moment after the warm one, read the counters again (archive: 6 queries, not 3).
    monkeypatch.setattr("newsdesk.analytics.widgets.EMPTY_FRONT_TTL", 3600.0)
    monkeypatch.setattr("newsdesk.analytics.widgets.FRONT_TTL", 3600.0)

    fixed = _fixed()
    small = _build(6, fixed.person, fixed.topic)
    cursor = selectors.FeedCursor(publish_at=small[-1].publish_at, id=small[-1].id).encode()
    day = timezone.localdate(small[0].publish_at)  # the archive counts days in the site's zone
    before = {name: _count(client, name, url) for name, url in _urls(fixed, small[0], cursor, day).items()}
    big = _build(2000, fixed.person, fixed.topic)
    deep = big[1500]
    cursor = selectors.FeedCursor(publish_at=deep.publish_at, id=deep.id).encode()
    after = {name: _count(client, name, url) for name, url in _urls(fixed, big[0], cursor, day).items()}
    assert after == before
    for name, count in after.items():
        assert count <= CEILINGS[name], (name, count)


def test_home_shows_what_the_counts_are_taken_on(client, soup):
    """The home page counted above really shows several top stories, galleries and infographics."""
    _fixed()
    page = soup(client.get("/"))
    assert len(page.select(".top-stories .card")) == 5 and page.select_one(".top-stories .card__photo")
    assert len(page.select(".tiles .tile")) == 3
    assert len(page.select("a[href^='/infographics/gas-pipelines-']")) == 3


def test_filtered_feed_page_is_two_queries(client, django_assert_num_queries):
    make_articles(50)
    client.get("/news/")  # warm the content types and other per-process caches
    with django_assert_num_queries(2):  # the sections (header, filter, the cards' sections), the page's cards
        client.get("/news/?section=politics&section=world")


def test_feed_cards_show_their_photos_from_one_read(client, soup, django_assert_num_queries):
    """Cards with a lead photo show it as a thumbnail with its renditions and its shape; one read for all."""
    # Yesterday at noon, local time: twelve stories 7 minutes apart in one day's group of the feed (from now they
    # straddled midnight in the small hours, and the first photo card of the second day's group was eager too).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    articles = make_articles(12, newest=noon)
    photo = services.photo_create(
        image=image_upload(size=(1600, 900)), caption="Kamaz", credit="TASS", alt_text="Kamaz trucks"
    )
    Article.objects.filter(pk__in=[a.pk for a in articles[:8]]).update(lead_photo=photo)
    client.get("/news/")
    with django_assert_num_queries(3):  # the sections, the cards, the cards' photos
        page = soup(client.get("/news/"))
    images = page.select(".card--media .card__media img")
    assert len(images) == 8
    for image in images:
        assert image["width"] == "1600" and image["height"] == "900" and image["alt"] == "Kamaz trucks"
        assert "480w" in image["srcset"] and "1600w" in image["srcset"]
    assert [image.get("loading") for image in images[:3]] == [None, None, "lazy"]  # above the fold: at once
    assert len(page.select(".card:not(.card--media)")) == 4  # the rest are compact text cards


def test_section_page_leads_with_its_newest_story_large(client, soup):
    politics = Section.objects.get(slug="politics")
    articles = make_articles(4, section=politics)
    photo = services.photo_create(
        image=image_upload(size=(1600, 900)), caption="Kremlin", credit="TASS", alt_text="The Kremlin"
    )
    Article.objects.filter(pk=articles[0].pk).update(lead_photo=photo)
    page = soup(client.get("/section/politics/"))
    lead = page.select_one(".card--lead")
    assert lead.select_one("a").get_text() == articles[0].headline
    assert lead.select_one("img.card__photo")["fetchpriority"] == "high"
    assert lead.select_one(".card__lead")  # its standfirst
    assert len(page.select(".card--lead")) == 1
