"""The city clock in Chromium: right without JavaScript, ticking and remembering the reader's city with it,
and article times shown in that city's zone on request — all accessible (axe-core)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from newsdesk.news.models import Section
from newsdesk.weather import services
from newsdesk.weather.backends import Observation
from newsdesk.weather.models import City
from tests.browser import axe_violations
from tests.factories import ArticleFactory

from .test_clock import ensure_cities

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def clock_texts(zone: str) -> set[str]:
    """What the clock may show right now (the minute may turn over while the test runs)."""
    now = timezone.now()
    texts = set()
    for moment in (now - dt.timedelta(seconds=30), now, now + dt.timedelta(seconds=30)):
        local = moment.astimezone(zoneinfo.ZoneInfo(zone))
        offset = int(local.utcoffset().total_seconds() // 3600)
        texts.add(f"{local:%B} {local.day}, {local:%H:%M} UTC+{offset}")  # this year's: no year
    return texts


@pytest.fixture
def cities_with_weather():
    ensure_cities()
    for slug, value, condition in [("moscow", "12.4", "overcast"), ("novosibirsk", "-18.6", "light snow")]:
        observation = Observation(Decimal(value), condition, timezone.now())
        services.reading_save(city=City.objects.get(slug=slug), provider="openmeteo", observation=observation)
    services.weather_snapshot_store()


@pytest.fixture
def no_js_page(chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_without_javascript_the_clock_is_right_and_the_city_page_picks(
    live_server, no_js_page, cities_with_weather
):
    page = no_js_page
    page.goto(live_server.url + "/weather/")
    assert page.locator("#city-clock .city-clock__time").inner_text() in clock_texts("Europe/Moscow")
    assert page.locator("#city-clock .city-clock__weather").inner_text().startswith("+12 °C, overcast")
    page.select_option("#city-choice", "novosibirsk")
    page.get_by_role("button", name="Choose the city").click()
    assert "Your city is now Novosibirsk" in page.locator("main").inner_text()
    assert "−19 °C, light snow" in page.locator("main").inner_text()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["newsdesk_city"] == "novosibirsk"


def test_a_city_picked_with_javascript_survives_a_reload(live_server, browser_page, cities_with_weather):
    page = browser_page
    page.goto(live_server.url + "/weather/")
    page.wait_for_selector("#city-clock-select")
    page.select_option("#city-clock-select", "novosibirsk")
    clock = page.locator("#city-clock .city-clock__time")
    assert clock.inner_text() in clock_texts("Asia/Novosibirsk")
    assert page.locator("#city-clock .city-clock__weather").inner_text().startswith("−19 °C, light snow")
    page.reload()
    page.wait_for_selector("#city-clock-select")
    assert page.locator("#city-clock-select").input_value() == "novosibirsk"
    assert clock.inner_text() in clock_texts("Asia/Novosibirsk")
    # The server sent the same HTML as to anyone (Moscow); the browser applied the choice.
    html = page.request.get(live_server.url + "/weather/").text()
    assert 'data-zone="Europe/Moscow"' in html
    # It ticks: the datetime attribute moves on every second.
    first = clock.get_attribute("datetime")
    page.wait_for_function(
        "(first) => document.querySelector('#city-clock .city-clock__time').getAttribute('datetime') !== first",
        arg=first,
    )
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_article_times_can_follow_the_city_and_always_show_their_zone(
    live_server, browser_page, cities_with_weather
):
    # A transactional test before this one may have flushed the migration's sections.
    section, _ = Section.objects.get_or_create(
        slug="politics", defaults={"name": "Russian Politics & Diplomacy"}
    )
    article = ArticleFactory(section=section, publish_at=dt.datetime(2017, 5, 30, 8, 41, tzinfo=dt.UTC))
    page = browser_page
    page.goto(live_server.url + article.get_absolute_url())
    when = page.locator(".article__time time").first
    assert when.inner_text() == "May 30, 2017, 11:41 UTC+3"
    page.wait_for_selector("#city-clock-select")
    page.select_option("#city-clock-select", "ekaterinburg")
    page.check("#city-clock-times")
    assert when.inner_text() == "May 30, 2017, 13:41 UTC+5"
    page.reload()
    page.wait_for_selector("#city-clock-times:checked")
    assert when.inner_text() == "May 30, 2017, 13:41 UTC+5"
    page.uncheck("#city-clock-times")
    assert when.inner_text() == "May 30, 2017, 11:41 UTC+3"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_when_the_city_list_cannot_be_loaded_the_rendered_clock_stays(
    live_server, browser_page, cities_with_weather
):
    page = browser_page
    page.route("**/weather/cities.json", lambda route: route.fulfill(status=503, body="down"))
    page.goto(live_server.url + "/weather/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#city-clock .city-clock__time").inner_text() in clock_texts("Europe/Moscow")
    assert page.locator("#city-clock-select").count() == 0
