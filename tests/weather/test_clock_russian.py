"""The city clock's script in Russian at a new year: it writes what the server writes ("1 января, 01:30 UTC+3",
the year only when it is not this year's in the time's own zone, "31 декабря 2016, 19:00 UTC+7"), with its labels
in the page's language.

The clock is rendered by the server with Russian active (the header of every Russian page has it) and served on
a page of its own, so the test does not depend on which pages an edition has; the browser's time is fixed at
22:30 UTC on 31 December 2016, when it is already 2017 in Moscow and Novosibirsk.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from newsdesk.weather import widgets
from tests.browser import axe_violations

from .test_browser import cities_with_weather  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_YEAR = dt.datetime(2016, 12, 31, 22, 30, tzinfo=dt.UTC)


def _page(clock: str) -> str:
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Часы</title>'
        '<link rel="stylesheet" href="/static/site/site.css"></head><body><main>'
        f"{clock}"
        '<p>Материал: <time class="new" datetime="2016-12-31T22:30:00+00:00">31 декабря, 22:30 UTC</time></p>'
        '<p>Материал: <time class="old" datetime="2016-12-31T12:00:00+00:00">31 декабря, 12:00 UTC</time></p>'
        "</main></body></html>"
    )


@pytest.mark.usefixtures("cities_with_weather")
def test_the_clock_writes_russian_times_at_a_new_year(live_server, browser_page):
    widgets.forget()
    with translation.override("ru"):
        html = _page(str(widgets.city_clock()))
    widgets.forget()
    page = browser_page
    address = f"{live_server.url}/clock-in-russian/"
    page.route(address, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.clock.set_fixed_time(NEW_YEAR)
    page.goto(address)
    page.wait_for_selector("#city-clock-select")
    clock = page.locator("#city-clock .city-clock__time")
    page.select_option("#city-clock-select", "moscow")
    assert clock.inner_text() == "1 января, 01:30 UTC+3"
    assert page.locator("label[for=city-clock-select]").inner_text() == "Город"
    assert page.locator("label[for=city-clock-times]").inner_text() == "Время материалов по этому городу"
    page.select_option("#city-clock-select", "novosibirsk")
    assert clock.inner_text() == "1 января, 05:30 UTC+7"
    # the city list the script reads is the edition's (?lang=ru): names and weather in Russian
    assert page.locator("#city-clock-select option:checked").inner_text() == "Новосибирск"
    assert page.locator("#city-clock .city-clock__weather").inner_text().startswith("−19 °C, небольшой снег")
    page.check("#city-clock-times")
    assert page.locator("time.new").inner_text() == "1 января, 05:30 UTC+7"
    # still 2016 in Novosibirsk at 19:00 on 31 December, a year that is no longer this year's there
    assert page.locator("time.old").inner_text() == "31 декабря 2016, 19:00 UTC+7"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]
