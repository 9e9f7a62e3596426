"""The reader site in Chromium, continued: the Web Share button and its fallback, the friendly 500 page under
axe-core, dark mode's colours, and the section filter, More news and article pages driven from the keyboard
alone with a visible focus indicator on every stop.

This module is also a test-only URLconf (``@pytest.mark.urls(__name__)``): the project's URLs plus one view that
raises, so that the real ``handler500`` renders the 500 page. Production URLs have no such route.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import path
from playwright.sync_api import expect

import newsdesk.urls
from newsdesk.news.models import Section
from tests.factories import ArticleFactory
from tests.site.conftest import make_articles
from tests.site.test_browser import SECTIONS, _assert_accessible, _context_page, _multi_page_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _server_error(request):
    raise RuntimeError("test-only failure: the friendly 500 page must answer it")


urlpatterns = [path("test-only/server-error/", _server_error), *newsdesk.urls.urlpatterns]
handler500 = newsdesk.urls.handler500


@pytest.fixture(autouse=True)
def sections():
    # Transactional tests flush the tables, the sections that migration 0002 creates included.
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


# --- colours ----------------------------------------------------------------------------------------------------


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(n) for n in re.findall(r"\d+", css)[:3])
    return r, g, b


def _luminance(css: str) -> float:
    """WCAG relative luminance of a computed ``rgb(...)`` colour: 0 is black, 1 is white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _body_colours(page) -> dict[str, str]:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.body); return {bg: s.backgroundColor, fg: s.color}; }"
    )


# --- the keyboard ---------------------------------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  const probe = document.createElement('span');
  probe.style.color = 'var(--focus)';
  document.body.appendChild(probe);
  const focusColour = getComputedStyle(probe).color;
  probe.remove();
  return {focusVisible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          colour: s.outlineColor, shadow: s.boxShadow, focusColour: focusColour,
          label: el.tagName + ' ' + (el.textContent || el.id).trim().slice(0, 40)};
}"""


def _assert_focus_visible(page) -> None:
    """The focused element shows the site's own indicator: a solid outline at least 2px wide in --focus."""
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["focusVisible"], focus
    outlined = (
        focus["style"] not in ("none", "") and focus["width"] >= 2 and focus["colour"] == focus["focusColour"]
    )
    assert outlined or focus["shadow"] != "none", focus


def _tab_to(page, locator, limit=300) -> None:
    """Press Tab, as a reader does, until focus lands on ``locator``; fail if it never does."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", target):
            _assert_focus_visible(page)
            return
    raise AssertionError(f"{limit} presses of Tab never reached {locator}")


# --- share ------------------------------------------------------------------------------------------------------

RECORD_SHARE = """
window.__shares = [];
Object.defineProperty(Navigator.prototype, 'share', {
  configurable: true, writable: true,
  value: function (data) { window.__shares.push(data); return Promise.resolve(); },
});
"""
NO_SHARE = "delete Navigator.prototype.share; delete navigator.share;"
FALLBACK_LINKS = ["Share by email", "Share on Telegram", "Share on X", "Share on Facebook"]


def _assert_fallback_links(page) -> None:
    for name in FALLBACK_LINKS:
        expect(page.locator("[data-share]").get_by_role("link", name=name)).to_be_visible()


def test_share_button_uses_the_web_share_api_from_the_keyboard(live_server, browser_page):
    article = ArticleFactory()
    page = browser_page
    page.add_init_script(RECORD_SHARE)
    page.goto(live_server.url + article.get_absolute_url())
    button = page.locator("[data-share]").get_by_role("button", name="Share")
    expect(button).to_be_visible()
    _tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_function("window.__shares.length === 1")
    page.keyboard.press("Space")
    page.wait_for_function("window.__shares.length === 2")
    shares = page.evaluate("window.__shares")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == settings.NEWSDESK_SITE_URL + article.get_absolute_url()
    assert shares == [{"title": page.title(), "url": canonical}] * 2
    assert shares[0]["title"].startswith(article.headline)
    _assert_fallback_links(page)  # the plain links stay beside the button
    _assert_accessible(page, "article with the Share button")


def test_without_the_web_share_api_only_the_plain_share_links_show(live_server, browser_page):
    article = ArticleFactory()
    page = browser_page
    page.add_init_script(NO_SHARE)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("'share' in navigator") is False
    page.wait_for_load_state("load")  # site.js (deferred) has run by now
    assert page.locator("[data-share] button, .share-button").count() == 0
    _assert_fallback_links(page)


# --- the 500 page ---------------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_500_page_is_friendly_styled_and_accessible_in_light_and_dark(live_server, chromium):
    for scheme in ("light", "dark"):
        context, page = _context_page(chromium, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        try:
            response = page.goto(live_server.url + "/test-only/server-error/")
            assert response.status == 500
            assert page.get_by_role("heading", level=1).inner_text() == "Something went wrong on our side"
            assert "RuntimeError" not in page.content()  # nothing of the failure leaks to the reader
            expect(page.get_by_role("link", name="front page")).to_have_attribute("href", "/")
            bg = _body_colours(page)["bg"]
            # The site's stylesheet is applied, in the scheme asked for.
            assert (_luminance(bg) > 0.9) if scheme == "light" else (_luminance(bg) < 0.05), (scheme, bg)
            _assert_accessible(page, f"500 ({scheme})")
        finally:
            context.close()


# --- dark mode --------------------------------------------------------------------------------------------------


def test_dark_mode_follows_prefers_color_scheme(live_server, browser_page):
    article = ArticleFactory()
    page = browser_page
    page.goto(live_server.url + article.get_absolute_url())
    page.emulate_media(color_scheme="light")
    light = _body_colours(page)
    page.emulate_media(color_scheme="dark")
    dark = _body_colours(page)
    assert light["bg"] != dark["bg"] and light["fg"] != dark["fg"], (light, dark)
    assert _luminance(light["bg"]) > 0.9, light
    assert _luminance(dark["bg"]) < 0.05, dark  # a dark background, not merely a different one
    assert _luminance(dark["fg"]) > _luminance(dark["bg"]), dark  # light text on it
    for scheme, colours in (("light", light), ("dark", dark)):
        assert _contrast(colours["fg"], colours["bg"]) >= 7, (scheme, colours)


# --- everything from the keyboard -------------------------------------------------------------------------------


def test_section_filter_from_the_keyboard(live_server, browser_page):
    in_world = make_articles(3, section=Section.objects.get(slug="world"))
    make_articles(3)
    page = browser_page
    page.goto(live_server.url + "/news/")
    details = page.locator("details.filter")
    assert details.get_attribute("open") is None
    _tab_to(page, details.locator("summary"))
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    world = page.get_by_label("World")
    _tab_to(page, world)
    page.keyboard.press("Space")
    assert world.is_checked()
    assert not page.get_by_label("Russian Politics & Diplomacy").is_checked()  # tabbed past, left alone
    _tab_to(page, page.get_by_role("button", name="Show these sections"))
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/news/?section=world")
    hrefs = page.eval_on_selector_all(
        "[data-feed] .card__headline a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == [a.get_absolute_url() for a in in_world]
    assert page.get_by_label("World").is_checked()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_more_news_from_the_keyboard(live_server, chromium, javascript):
    make_articles(45)
    context, page = _context_page(
        chromium, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    try:
        page.goto(live_server.url + "/news/")
        cards = page.locator("[data-feed] .card")
        expect(cards).to_have_count(30)
        _tab_to(page, page.get_by_role("link", name="More news"))
        page.keyboard.press("Enter")
        if javascript:
            expect(cards).to_have_count(45)
            assert page.url == live_server.url + "/news/"  # appended in place
            assert page.evaluate("document.activeElement.closest('[data-feed] .card') !== null")
            _assert_focus_visible(page)  # focus moved to the first new item, and shows
        else:
            page.wait_for_url(re.compile(r"/news/\?before=\d+-\d+$"))
            expect(cards).to_have_count(15)
    finally:
        context.close()


def test_article_pages_from_the_keyboard(live_server, browser_page):
    article = _multi_page_article()
    page = browser_page
    page.goto(live_server.url + article.get_absolute_url())
    count = page.locator(".pages p")
    assert count.inner_text() == "Page 1 of 3"
    _tab_to(page, page.get_by_role("link", name="Next page"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?page=2$"))
    assert count.inner_text() == "Page 2 of 3"
    assert "Exports to non-CIS" in page.locator(".article__body").inner_text()
    _tab_to(page, page.get_by_role("link", name="Next page"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?page=3$"))
    assert count.inner_text() == "Page 3 of 3"
    assert "Imports from China" in page.locator(".article__body").inner_text()
    assert page.get_by_role("link", name="Next page").count() == 0
    _tab_to(page, page.get_by_role("link", name="Previous page"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?page=2$"))
    assert count.inner_text() == "Page 2 of 3"
