"""The design system in a real browser (docs/design.md): the masthead's size and menus, cards with photos, no
sideways scrolling; screenshots of the main page types at phone and desktop widths, light and dark, written to
``screenshots/`` (git-ignored; NEWSDESK_SCREENSHOTS names another folder) for people to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from newsdesk.news.models import Article

# The populated site of the accessibility tests (one per module): stories in every section, a lead photo on
# the top story, Most read, galleries, a search index. Imported fixtures, not tests.
from tests.site.test_a11y_populated import (  # noqa: F401
    _custom_properties,
    _media_root,
    _photo,
    contrast,
    site,
    transactional_db,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = Path(os.environ.get("NEWSDESK_SCREENSHOTS", settings.BASE_DIR / "screenshots"))
PAGES = {"home": "home", "feed": "feed", "article": "article", "search": "search"}


@pytest.fixture(scope="module")
def pictured(site, django_db_blocker):  # noqa: F811 - the imported fixture
    """The site, with lead photos on a few more stories: the home page's and the feed's cards show them."""
    with django_db_blocker.unblock():
        photo = _photo(
            "Trucks at the Kamaz plant", "Kamaz trucks at the plant in Naberezhnye Chelny", (1200, 800)
        )
        newest = Article.objects.filter(status=Article.Status.PUBLISHED, lead_photo=None).order_by(
            "-publish_at"
        )
        Article.objects.filter(pk__in=list(newest.values_list("pk", flat=True)[:8])).update(lead_photo=photo)
        cache.clear()  # kept pages made before the photos
    return site


@pytest.fixture(scope="module")
def pages(chromium):
    """One browser page per (width, scheme, JavaScript), reused across page types."""
    made = {}

    def page_for(width: int, scheme: str = "light", javascript: bool = True):
        key = (width, scheme, javascript)
        if key not in made:
            phone = width < 600
            context = chromium.new_context(
                viewport={"width": width, "height": 844 if phone else 900},
                is_mobile=phone,
                has_touch=phone,
                color_scheme=scheme,
                java_script_enabled=javascript,
            )
            context.set_default_timeout(15_000)
            made[key] = context.new_page()
        return made[key]

    yield page_for
    for page in made.values():
        page.context.close()


LAYOUT = """() => {
  const root = document.scrollingElement;
  const header = document.querySelector(".site-header").getBoundingClientRect();
  const images = [...document.querySelectorAll("main img")].filter((img) => !img.closest(".most-read"));
  const sections = [...document.querySelectorAll(".site-header .sections li")]
    .filter((li) => li.getClientRects().length).map((li) => Math.round(li.getBoundingClientRect().top));
  return {
    header: header.height,
    sideways: root.scrollWidth - root.clientWidth,
    images: images.length,
    sizeless: images.filter((img) => !img.getAttribute("width") || !img.getAttribute("height")).map((img) => img.src),
    noAlt: images.filter((img) => !img.hasAttribute("alt")).map((img) => img.src),
    leadImage: !!document.querySelector(".top-stories .card--lead img.card__photo"),
    cardImages: document.querySelectorAll(".card__media img").length,
    sectionRows: new Set(sections).size,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_layout_and_screenshot(pictured, pages, name, width, scheme):
    page = pages(width, scheme)
    response = page.goto(pictured[PAGES[name]])
    assert response.status == 200
    page.wait_for_load_state("load")
    layout = page.evaluate(LAYOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{width}-{scheme}.png", full_page=True)

    assert layout["sideways"] <= 0, f"{name} scrolls sideways by {layout['sideways']} px at {width}"
    assert layout["sizeless"] == [], "images without width and height shift the page when they arrive"
    assert layout["noAlt"] == []
    if width == 390:
        assert layout["header"] <= 120, f"the phone masthead is {layout['header']} px tall"
    else:
        assert layout["header"] <= 140, f"the desktop masthead is {layout['header']} px tall"
        assert layout["sectionRows"] == 1, "the desktop section links wrap"
        assert page.locator("#search-q").is_visible(), "the desktop search box is not shown"
        assert page.locator("#city-clock").is_visible(), "the desktop clock is not shown"
    if name == "home":
        assert layout["leadImage"], "the home page's lead story has no photo"
    if name == "article" and width == 1280:  # the sidebar's blocks beside the article
        assert page.locator(".layout__side .side-block").count() >= 3
    if name in {"home", "feed"}:
        assert layout["cardImages"] >= 3, f"{name} shows {layout['cardImages']} card photos"


@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scroll_at_320(pictured, pages, name):
    page = pages(320)
    page.goto(pictured[PAGES[name]])
    assert page.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth") <= 0


@pytest.mark.parametrize("javascript", [False, True])
def test_phone_masthead_is_one_row_whose_menu_and_search_open(pictured, pages, javascript):
    page = pages(390, javascript=javascript)
    page.goto(pictured["feed"])
    brand, search, menu = (
        page.locator(selector).bounding_box()
        for selector in (".brand", ".masthead__search > summary", ".masthead__menu > summary")
    )
    middles = [box["y"] + box["height"] / 2 for box in (brand, search, menu)]
    assert max(middles) - min(middles) < 8, f"the masthead's name, search and menu are not one row: {middles}"
    assert search["width"] >= 44 and menu["width"] >= 44 and menu["height"] >= 44  # tap targets
    assert not page.locator(".site-header .sections").is_visible()
    assert not page.locator("#city-clock").is_visible()

    page.locator(".masthead__menu > summary").click()
    assert page.get_by_role("navigation", name="Sections").get_by_role("link", name="World").is_visible()
    assert page.locator("#city-clock").is_visible()  # the clock and the converter live in the menu
    assert page.locator(".site-header .header-converter").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"menu-390-{'js' if javascript else 'no-js'}.png")
    if javascript:  # one open at a time, the field focused, Escape closes
        page.locator(".masthead__search > summary").click()
        expect(page.locator("#search-q")).to_be_focused()
        assert not page.locator(".masthead__menu").evaluate("details => details.open")
        page.keyboard.press("Escape")
        assert not page.locator(".masthead__search").evaluate("details => details.open")
    else:
        page.locator(".masthead__menu > summary").click()

    page.locator(".masthead__search > summary").click()
    page.fill("#search-q", "trucks")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=trucks")
    assert page.locator(".search-hits .card").count() > 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_masthead_and_rule_colours_meet_aa(scheme):
    """The tokens the palette test doesn't cover: the masthead's text on its band, the block headings' rule."""
    light, dark = _custom_properties((settings.BASE_DIR / "newsdesk/site/static/site/site.css").read_text())
    palette = light if scheme == "light" else dark
    assert contrast(palette["brand-ink"], palette["brand"]) >= 4.5
    assert contrast(palette["focus"], palette["brand"]) >= 3  # the focus ring on the band
    assert contrast(palette["rule"], palette["bg"]) >= 3
