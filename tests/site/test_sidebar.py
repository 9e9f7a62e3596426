"""The article page's sidebar, as the agency's own pages have it: the news feed (live), Photo (galleries with
counts), Infographics, Most read (site-wide) and Top stories — kept apart from the page, filled per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.analytics import services as analytics
from newsdesk.analytics.backends import Read, get_backend
from newsdesk.analytics.widgets import box_cache_clear
from newsdesk.news import services
from newsdesk.news.models import Article, Section
from newsdesk.newsroom.roles import EDITOR
from tests.factories import ArticleFactory, user_with_role
from tests.site.test_pages import make_gallery, make_infographic

pytestmark = pytest.mark.django_db

BLOCKS = ["News feed", "Photo", "Infographics", "Most read", "Top stories"]


@pytest.fixture
def most_read_counted(settings):
    settings.ANALYTICS = {**settings.ANALYTICS, "BACKEND": "database", "FLUSH_INTERVAL": 0}
    analytics.reset_state()
    box_cache_clear()
    yield
    analytics.reset_state()
    box_cache_clear()


def _read(article, n=3):
    at = timezone.now() - dt.timedelta(minutes=5)
    get_backend().write(
        [Read(article.pk, article.section_id, at, f"r{article.pk}-{i}".encode()) for i in range(n)]
    )


def _site(*, read: bool = True):
    world = Section.objects.get(slug="world")
    economy = Section.objects.get(slug="economy")
    top = ArticleFactory(top_story_rank=1, headline="Putin and Macron meet at Versailles", section=world)
    article = ArticleFactory(headline="Russia's foreign trade down 11.9% in 2016", section=economy)
    latest = ArticleFactory(headline="Kamaz to supply 1,000 trucks to the Philippines", section=world)
    make_gallery(photos=3)
    make_infographic()
    if read:
        _read(top, 5)
    return article, top, latest


def _headings(page) -> list[str]:
    return [h.get_text(strip=True) for h in page.select(".sidebar h2")]


def test_article_page_shows_the_five_blocks_in_the_seed_order(client, soup, most_read_counted):
    article, top, latest = _site()
    page = soup(client.get(article.get_absolute_url()))
    assert _headings(page) == BLOCKS
    side = page.select_one(".sidebar")
    feed = [a.get_text() for a in side.select(".side-block--feed .card__headline a")]
    assert feed[:2] == [latest.headline, article.headline]  # newest first, the page's own article included
    assert side.select_one(".side-block--feed [data-live]") is not None  # live.js updates the list below it
    assert side.select_one(".side-block--photo .tile__count").get_text() == "3 photos"
    assert side.select_one(".side-block--infographics li a")["href"] == "/infographics/gas-pipelines-2018/"
    assert "in " not in side.select_one("#most-read-title").get_text()  # site-wide, not the article's section
    assert [a.get_text() for a in side.select("[data-most-read] #most-read-now a")] == [top.headline]
    assert [a.get_text() for a in side.select(".side-block--top a")] == [top.headline]


def test_a_published_story_shows_in_the_sidebar_at_once(client, soup, django_capture_on_commit_callbacks):
    article, _top, _latest = _site(read=False)
    client.get(article.get_absolute_url())  # page and sidebar kept
    draft = ArticleFactory(
        headline="Kremlin confirms the Hamburg meeting",
        status=Article.Status.DRAFT,
        publish_at=None,
        first_published_at=None,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the after-publish effects
        services.article_publish(article=draft, by=None)
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".side-block--feed .card__headline a").get_text() == draft.headline


def test_shared_caches_keep_an_article_page_a_minute_and_the_home_page_an_hour(client):
    """No purge reaches an article page when another story is published: its sidebar may be a minute old."""
    from newsdesk.site.fragments import ARTICLE_SHARED_MAX_AGE

    article, _, _ = _site(read=False)
    article_page, home = client.get(article.get_absolute_url()), client.get("/")
    assert (
        f"s-maxage={ARTICLE_SHARED_MAX_AGE}" in article_page["Cache-Control"] and ARTICLE_SHARED_MAX_AGE == 60
    )
    assert "s-maxage=3600" in home["Cache-Control"]


def test_the_sidebar_adds_no_query_to_a_kept_article_page(client, most_read_counted):
    article, top, _latest = _site()
    client.get(top.get_absolute_url())  # keeps the sidebar and the Most read box
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(article.get_absolute_url())
    assert b"Top stories" in response.content and b"data-most-read" in response.content
    assert len(ctx.captured_queries) == 2  # the article's state and the sections, as without a sidebar


def test_the_newsroom_preview_shows_the_same_sidebar(client, soup, most_read_counted):
    article, _top, _latest = _site()
    public = soup(client.get(article.get_absolute_url())).select_one(".sidebar")
    client.force_login(user_with_role(EDITOR))
    preview = soup(client.get(reverse("admin:news_article_preview", args=[article.pk])))
    assert _headings(preview) == BLOCKS
    assert str(preview.select_one(".sidebar")) == str(public)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_at_1280_the_five_blocks_stand_beside_the_article(live_server, browser_page, most_read_counted):
    from tests.browser import axe_violations
    from tests.site.test_browser import SECTIONS

    for order, (name, slug) in enumerate(SECTIONS, start=1):  # a transactional test's flush removed them
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    article, _top, _latest = _site()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + article.get_absolute_url())
    headings = page.locator(".sidebar h2")
    assert headings.all_inner_texts() == BLOCKS
    article_box = page.locator("article.article").bounding_box()
    for n in range(len(BLOCKS)):
        block = headings.nth(n).bounding_box()
        assert block["x"] >= article_box["x"] + article_box["width"], BLOCKS[n]  # a column on the right
        assert block["width"] > 0 and block["height"] > 0, BLOCKS[n]
    # no sideways scroll, and accessible in light and dark
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = axe_violations(page)
        assert violations == [], (
            scheme,
            [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in violations],
        )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_urgent_story_joins_the_sidebar_feed_of_an_open_article(live_server, browser_page, settings):
    settings.NEWSDESK_LIVE_POLL_SECONDS = 0.5
    settings.NEWSDESK_LIVE_TRANSPORT = "poll"
    world, _ = Section.objects.get_or_create(slug="world", defaults={"name": "World"})
    article = ArticleFactory(section=world, headline="Putin and Macron meet at Versailles")
    page = browser_page
    with page.expect_response(lambda response: "/live/events" in response.url):
        page.goto(live_server.url + article.get_absolute_url())
    urgent = ArticleFactory(section=world, headline="Kremlin confirms the Hamburg meeting", urgency=1,
                            status=Article.Status.DRAFT, publish_at=None, first_published_at=None)  # fmt: skip
    services.article_publish(article=urgent, by=None)
    page.locator(".side-block--feed .cards a", has_text=urgent.headline).wait_for(timeout=5000)
