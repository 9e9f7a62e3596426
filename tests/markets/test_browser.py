"""The converter in Chromium: a plain GET form without JavaScript, instant answers and swapping with it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from newsdesk.markets.rates import Quote, convert, display
from tests.browser import axe_violations

from .test_converter import CBR_2023_11_02, store_cbr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expected(amount: str, source: str, target: str) -> str:
    quote = {code: Quote(Decimal(units), Decimal(price)) for code, (units, price) in CBR_2023_11_02.items()}
    result, _ = convert(Decimal(amount), quote[source], quote[target])
    return f"{display(Decimal(amount))} {source} = {display(result)} {target}"


@pytest.fixture
def rates():
    store_cbr(timezone.localdate())


@pytest.fixture
def no_js_page(chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_without_javascript_the_form_converts_and_swaps(live_server, no_js_page, rates):
    page = no_js_page
    page.goto(live_server.url + "/markets/")
    page.fill("#amount", "250")
    page.select_option("#from", "USD")
    page.select_option("#to", "EUR")
    page.get_by_role("button", name="Convert").click()
    assert page.locator("#converter-result").inner_text() == expected("250", "USD", "EUR")
    page.get_by_role("button", name="Swap the currencies").click()
    assert page.locator("#from").input_value() == "EUR" and page.locator("#to").input_value() == "USD"
    assert page.locator("#converter-result").inner_text() == expected("250", "EUR", "USD")
    page.fill("#amount", "-3")
    page.get_by_role("button", name="Convert").click()
    assert "The amount cannot be negative." in page.locator("#converter-errors").inner_text()


def test_with_javascript_it_answers_as_you_type_and_swaps_in_place(live_server, browser_page, rates):
    page = browser_page
    page.goto(live_server.url + "/markets/")
    page.evaluate("window.stillHere = true")  # gone if the page navigated
    page.select_option("#to", "CNY")
    page.fill("#amount", "1 500,5")
    result = page.locator("#converter-result")
    page.wait_for_function(
        "(text) => document.getElementById('converter-result').textContent === text",
        arg=expected("1500.5", "USD", "CNY"),
    )
    assert "was read as 1500.5" in page.locator("#converter-notes").inner_text()
    page.click("#swap")
    page.wait_for_function(
        "(text) => document.getElementById('converter-result').textContent === text",
        arg=expected("1500.5", "CNY", "USD"),
    )
    assert page.locator("#from").input_value() == "CNY" and page.locator("#to").input_value() == "USD"
    assert page.evaluate("window.stillHere") is True
    assert "from=CNY" in page.url  # the address follows, so a reload or a shared link shows the same
    page.fill("#amount", "lots")
    page.wait_for_function(
        "() => document.getElementById('converter-errors').textContent.includes('is not an amount')"
    )
    assert result.inner_text() == ""
    assert page.locator("#amount").get_attribute("aria-invalid") == "true"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_history_page_is_accessible(live_server, browser_page, rates):
    browser_page.goto(live_server.url + "/markets/history/cbr/USD/")
    assert browser_page.locator("svg[role=img] title").count() == 1
    assert browser_page.locator("table tbody tr").count() == 1
    violations = axe_violations(browser_page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_the_error_box_takes_no_room_until_there_is_an_error(live_server, browser_page, rates):
    browser_page.goto(live_server.url + "/markets/")
    assert not browser_page.locator("#converter-errors").is_visible()
