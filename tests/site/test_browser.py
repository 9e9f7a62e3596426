"""The reader site in Chromium: feed and More news with and without JavaScript, the section filter kept on
the next visit, article pages, the gallery from the keyboard, phones, the reader's zone, and axe-core."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from newsdesk.news import services
from newsdesk.news.models import Article, Gallery, GalleryPhoto, Section
from tests.browser import axe_violations
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload
from tests.site.conftest import make_articles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UTC = dt.UTC
SECTIONS = [
    ("Russian Politics & Diplomacy", "politics"), ("World", "world"), ("Business & Economy", "economy"),
    ("Military & Defense", "defense"), ("Science & Space", "science"), ("Society & Culture", "society"),
    ("Sport", "sport"), ("Press Review", "pressreview"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def sections():
    # Transactional tests flush the tables, the sections that migration 0002 creates included.
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


@pytest.fixture
def nojs_page(chromium):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _context_page(chromium, **options):
    context = chromium.new_context(bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _assert_accessible(page, label):
    violations = axe_violations(page)
    assert violations == [], (
        label,
        [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in violations],
    )


def _cards(page):
    return page.locator("[data-feed] .card")


# --- feed and More news --------------------------------------------------------------------------------------


def test_more_news_appends_in_place_with_javascript(live_server, browser_page):
    make_articles(45)
    page = browser_page
    page.goto(live_server.url + "/news/")
    assert _cards(page).count() == 30
    page.get_by_role("link", name="More news").click()
    page.wait_for_function("document.querySelectorAll('[data-feed] .card').length === 45")
    assert page.url == live_server.url + "/news/"  # appended, not navigated
    assert page.locator("[data-more]").count() == 0  # the end of the feed
    focused = page.evaluate("document.activeElement.closest('.card') !== null")
    assert focused, "focus moves to the first new item for keyboard and screen-reader users"
    assert page.locator("[data-more-status]").inner_text() == "15 more news items loaded."
    ids = page.eval_on_selector_all("[data-feed] .day__title", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "merged day groups never duplicate ids"


def test_more_news_is_a_plain_link_without_javascript(live_server, nojs_page):
    make_articles(45)
    page = nojs_page
    page.goto(live_server.url + "/news/")
    assert _cards(page).count() == 30
    page.get_by_role("link", name="More news").click()
    page.wait_for_url(re.compile(r"/news/\?before=\d+-\d+$"))
    assert _cards(page).count() == 15


def test_feed_days_and_times_are_the_agencys_whatever_the_readers_zone(live_server, chromium):
    """As the agency prints them: the newsroom's zone (TIME_ZONE), not the browser's; a reader's own city's
    zone only when they choose it (the city clock, tests/weather/test_browser.py)."""
    article = ArticleFactory(
        publish_at=dt.datetime(2017, 5, 30, 3, 41, tzinfo=UTC)
    )  # 06:41 Moscow, 23:41 on 29 May in New York
    context, page = _context_page(chromium, timezone_id="America/New_York", locale="en-US")
    try:
        page.goto(live_server.url + "/news/")
        assert page.locator(".day__title").inner_text().lower() == "30 may 2017"
        assert page.locator("[data-feed] time").inner_text() == "06:41 UTC+3"
        page.goto(live_server.url + article.get_absolute_url())
        assert page.locator(".article__time time").first.inner_text() == "May 30, 2017, 06:41 UTC+3"
    finally:
        context.close()


# --- the section filter ------------------------------------------------------------------------------------------


def _choose_world(page, live_server):
    page.goto(live_server.url + "/news/")
    page.locator("details.filter summary").click()
    page.get_by_label("World").check()
    page.get_by_role("button", name="Show these sections").click()
    page.wait_for_url(live_server.url + "/news/?section=world")


def _filtered_fixture():
    world = Section.objects.get(slug="world")
    return make_articles(3, section=world), make_articles(3)


def test_filter_with_javascript_is_kept_on_the_next_visit(live_server, browser_page):
    in_world, _ = _filtered_fixture()
    page = browser_page
    _choose_world(page, live_server)
    hrefs = page.eval_on_selector_all(
        "[data-feed] .card__headline a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == [a.get_absolute_url() for a in in_world]
    page.goto(live_server.url + "/news/")  # the next visit: site.js applies the remembered choice
    page.wait_for_url(live_server.url + "/news/?section=world")
    assert page.get_by_label("World").is_checked()
    _assert_accessible(page, "filtered feed")


def test_filter_without_javascript_is_kept_through_my_sections(live_server, nojs_page):
    in_world, _ = _filtered_fixture()
    page = nojs_page
    _choose_world(page, live_server)
    assert _cards(page).count() == len(in_world)
    page.goto(live_server.url + "/news/")
    page.get_by_role("link", name="Open my sections").click()
    page.wait_for_url(live_server.url + "/news/?section=world")
    page.get_by_role("link", name="Show all sections").click()
    page.wait_for_url(live_server.url + "/news/")
    assert _cards(page).count() == 6


# --- articles -------------------------------------------------------------------------------------------------


def _multi_page_article():
    body = (
        "<p>Russia's foreign trade went down 11.9% in 2016, to $470 bln, the Federal Customs Service said.</p>"
        '<hr class="page-break"><p>Exports to non-CIS countries fell the most.</p>'
        '<hr class="page-break"><p>Imports from China rose for the first time in three years.</p>'
    )
    return ArticleFactory(headline="Russia's foreign trade down 11.9%, to $470 bln in 2016", body=body)


def test_reading_an_article_across_its_pages(live_server, browser_page):
    article = _multi_page_article()
    page = browser_page
    page.goto(live_server.url + "/news/")
    page.get_by_role("link", name=article.headline, exact=True).click()
    assert page.locator(".pages p").inner_text() == "Page 1 of 3"
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    assert page.locator(".pages p").inner_text() == "Page 2 of 3"
    assert "Exports to non-CIS" in page.locator(".article__body").inner_text()
    _assert_accessible(page, "multi-page article, page 2")
    page.get_by_role("link", name="Page 3").click()
    assert page.locator(".pages [aria-current=page]").inner_text() == "3"


# --- the gallery viewer ---------------------------------------------------------------------------------------

CAPTIONS = [
    "Russian Foreign Minister Sergey Lavrov at a news conference in Moscow",
    "Sergey Lavrov and US Secretary of State Rex Tillerson in Moscow",
    "Sergey Lavrov at the Russian Foreign Ministry",
]


def _gallery():
    gallery = Gallery.objects.create(
        title="Russia's top diplomat Sergey Lavrov celebrates his birthday",
        slug="lavrov-birthday",
        is_published=True,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    for n, caption in enumerate(CAPTIONS):
        photo = services.photo_create(
            image=image_upload(size=(1200, 800)),
            caption=caption,
            credit="© Valery Sharifulin/TASS",
            alt_text=caption,
        )
        GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=n)
    return gallery


def test_gallery_viewer_from_the_keyboard(live_server, browser_page):
    gallery = _gallery()
    page = browser_page
    page.goto(live_server.url + gallery.get_absolute_url())
    count = page.locator("[data-viewer-count]")
    assert count.inner_text() == "1 of 3"
    page.keyboard.press("ArrowRight")
    assert count.inner_text() == "2 of 3"
    assert page.locator("[data-viewer-image]").get_attribute("alt") == CAPTIONS[1]
    assert page.url.endswith(gallery.get_absolute_url() + "2/")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # already the last photo: stays
    assert count.inner_text() == "3 of 3"
    assert page.locator("[data-viewer-next]").is_hidden()
    page.keyboard.press("ArrowLeft")
    assert count.inner_text() == "2 of 3"
    page.locator("[data-viewer-prev]").focus()
    page.keyboard.press("Enter")
    assert count.inner_text() == "1 of 3"
    _assert_accessible(page, "gallery")


def test_gallery_viewer_swipes_on_a_phone(live_server, phone_page):
    gallery = _gallery()
    page = phone_page
    page.goto(live_server.url + gallery.get_absolute_url())
    box = page.locator("[data-viewer-image]").bounding_box()
    y = box["y"] + box["height"] / 2
    touch = page.context.new_cdp_session(page)  # a real touch sequence, as a finger makes it
    points = [box["x"] + box["width"] * f for f in (0.8, 0.65, 0.5, 0.35, 0.2)]
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0], "y": y}]})
    for x in points[1:]:
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("document.querySelector('[data-viewer-count]').textContent === '2 of 3'")


def test_gallery_without_javascript_pages_through_links(live_server, nojs_page):
    gallery = _gallery()
    page = nojs_page
    page.goto(live_server.url + gallery.get_absolute_url())
    page.get_by_role("link", name="Next photo").click()
    page.wait_for_url(live_server.url + gallery.get_absolute_url() + "2/")
    assert page.locator("[data-viewer-count]").inner_text() == "2 of 3"


# --- every page type: accessible, and no sideways scrolling on a phone ------------------------------------------


def _every_page_type():
    photo = services.photo_create(
        image=image_upload(size=(1600, 900)),
        caption="White House in Washington",
        credit="© AP Photo/Carolyn Kaster",
        alt_text="The White House seen from the South Lawn",
    )
    person = PersonFactory(name="Sergey Ryabkov", description="Russian Deputy Foreign Minister")
    topic = TopicFactory(name="Russia-US relations")
    article = ArticleFactory(lead_photo=photo, top_story_rank=1, urgency=1)
    article.persons.add(person)
    article.topics.add(topic)
    make_articles(40)
    withdrawn = ArticleFactory()
    services.article_withdraw(article=withdrawn, by=None, note="The report was based on a forged letter.")
    multi = _multi_page_article()
    gallery = _gallery()
    day = timezone.localdate()
    return {
        "home": "/",
        "feed": "/news/",
        "filtered feed": "/news/?section=politics&section=world",
        "article": article.get_absolute_url(),
        "multi-page article": multi.get_absolute_url() + "?page=2",
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "section": "/section/politics/",
        "archive": f"/news/{day:%Y/%m/%d}/",
        "gallery": gallery.get_absolute_url(),
        "galleries": "/galleries/",
        "404": "/no-such-page/",
        "410": withdrawn.get_absolute_url(),
        "400": "/news/?before=damaged",
    }


def test_every_page_type_has_no_wcag_violations_in_light_and_dark(live_server, chromium):
    urls = _every_page_type()
    for scheme in ("light", "dark"):
        context, page = _context_page(chromium, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        try:
            for name, url in urls.items():
                page.goto(live_server.url + url)
                _assert_accessible(page, f"{name} ({scheme})")
        finally:
            context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_no_page_scrolls_sideways(live_server, chromium, width, tmp_path):
    urls = _every_page_type()
    context, page = _context_page(chromium, viewport={"width": width, "height": 800}, is_mobile=width < 600)
    try:
        for name, url in urls.items():
            page.goto(live_server.url + url)
            page.screenshot(path=str(tmp_path / f"{name.replace(' ', '-')}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, width, overflow)
    finally:
        context.close()


def test_keyboard_focus_is_visible(live_server, browser_page):
    ArticleFactory()
    page = browser_page
    page.goto(live_server.url + "/news/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_site_works_with_the_strict_content_security_policy(live_server, chromium):
    gallery = _gallery()
    make_articles(35)
    context = chromium.new_context()  # CSP enforced: any inline script or style would be refused and reported
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(live_server.url + "/news/")
        page.get_by_role("link", name="More news").click()
        # expect() polls without eval, which the enforced CSP would refuse.
        expect(page.locator("[data-feed] .card")).to_have_count(35)
        page.goto(live_server.url + gallery.get_absolute_url())
        page.keyboard.press("ArrowRight")
        assert page.locator("[data-viewer-count]").inner_text() == "2 of 3"
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


def test_scheduled_article_is_not_in_the_browser_feed(live_server, browser_page):
    ArticleFactory(
        headline="Kremlin mum on prospects of Russia-US ties", status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=3),
    )  # fmt: skip
    browser_page.goto(live_server.url + "/news/")
    assert "Kremlin mum" not in browser_page.locator("main").inner_text()
