"""Searching, filtering and paging in a real Chromium, without JavaScript help; checked with axe-core."""

import pytest

from newsdesk.search.services import search_sync_pending
from tests.browser import axe_violations

from .conftest import story
from .test_contract import KAMAZ, RYABKOV


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_filter_and_page_in_chromium(live_server, browser_page):
    for n in range(12):
        story(f"Kamaz delivers trucks to customer {n}", KAMAZ, hours_ago=n + 1, section="economy")
    story("Moscow concerned over trucks policy of the US", RYABKOV, hours_ago=30)
    search_sync_pending()  # the worker's job
    page = browser_page
    page.goto(live_server.url + "/search/")
    page.fill("#q", "truck")
    page.click(".search-form button[type=submit]")
    assert "13 results for “truck”, page 1 of 2." in page.locator(".search-summary").inner_text()
    assert page.locator(".search-hits mark").first.inner_text().lower().startswith("truck")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]

    page.click(".search-facets a:has-text('Business & Economy')")
    assert "12 results" in page.locator(".search-summary").inner_text()
    assert page.locator(".search-facets a[aria-current]").count() == 1
    page.click(".pages a[rel=next]")
    assert "page 2 of 2" in page.locator(".search-summary").inner_text()
    assert page.locator(".search-hits > li").count() == 2
    assert "section=economy" in page.url and "page=2" in page.url

    page.fill("#q", "Kamaz truks")
    page.select_option("#sort", "date")
    page.click(".search-form button[type=submit]")
    page.click(".did-you-mean a")
    assert page.locator("#q").input_value() == "Kamaz trucks"
    assert page.locator(".search-hits > li").count() == 10

    # A common word only ("to": no index holds it): looked for as typed in headlines (the Business & Economy
    # filter still on), and said so; common words no headline or lead has ("to the"): the stories' text,
    # marked in an excerpt, and said so.
    for q, notice, marked in (
        ("to", "has only very common words", ".search-hits mark"),
        ("to the", "have them in their text", ".search-hits .search-excerpt mark"),
    ):
        page.fill("#q", q)
        page.click(".search-form button[type=submit]")
        assert f"12 results for “{q}”, page 1 of 2." in page.locator(".search-summary").inner_text()
        assert notice in page.locator(".search-common-words").inner_text()
        assert page.locator(marked).first.inner_text() == q
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_page_works_without_javascript(live_server, chromium):
    story("Kamaz delivers trucks to Philippines", KAMAZ)
    search_sync_pending()
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.fill("#search-q", "trucks")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=trucks")
    assert page.locator(".search-hits > li").count() == 1
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_russian_edition_search_in_chromium(live_server, browser_page):
    from .test_russian import PUTIN, SANCTIONS, russian

    russian("ЕС продлил санкции против России", SANCTIONS)
    russian("Путин провёл совещание в Кремле", PUTIN, hours_ago=2)
    russian(
        "Putin holds meeting on sanctions", "<p>Vladimir Putin (Путин) discussed санкции.</p>", language="en"
    )
    search_sync_pending()
    page = browser_page
    page.goto(live_server.url + "/ru/search/")
    page.fill("#q", "Путина")
    page.click(".search-form button[type=submit]")
    page.wait_for_url("**/ru/search/?q=*")
    assert page.locator(".search-hits > li").count() == 1  # the Russian story, not the English one
    assert page.locator(".search-hits mark").first.inner_text() == "Путин"
    assert page.locator("html").get_attribute("lang") == "ru"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]

    page.fill("#q", "санкцыи")  # one letter off: no story has it
    page.click(".search-form button[type=submit]")
    page.click(".did-you-mean a")
    assert page.locator("#q").input_value() == "санкции"
    assert page.locator(".search-hits mark").first.inner_text() == "санкции"
