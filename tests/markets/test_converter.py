"""The converter: amounts as readers type them, decimal cross rates, the GET form, the JSON endpoint and the
history pages — with hostile input and constant query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from newsdesk.markets import services
from newsdesk.markets.backends import RateRecord
from newsdesk.markets.rates import AmountError, Quote, convert, display, parse_amount

D = Decimal

# Bank of Russia, 2 November 2023 (cbr_XML_daily_2023-11-02): units, roubles.
CBR_2023_11_02 = {
    "USD": ("1", "93.2801"),
    "EUR": ("1", "98.4365"),
    "GBP": ("1", "113.1861"),
    "CHF": ("1", "102.6582"),
    "JPY": ("100", "61.6524"),
    "CNY": ("1", "12.7052"),
    "AMD": ("100", "23.1815"),
}
# ECB, 9 May 2025 (eurofxref-daily_2025-05-09): units per euro.
ECB_2025_05_09 = {"USD": "1.1252", "JPY": "163.36", "GBP": "0.84770", "CHF": "0.9353", "CNY": "8.1470"}


def store_cbr(day: dt.date, scale: Decimal = Decimal(1)) -> None:  # noqa: B008 (immutable)
    records = [
        RateRecord(date=day, currency=code, units=D(units), price=(D(price) * scale).quantize(D("0.0001")))
        for code, (units, price) in CBR_2023_11_02.items()
    ]
    services.rates_save(provider="cbr", records=records)


def store_ecb(day: dt.date) -> None:
    records = [RateRecord(date=day, currency=c, units=D(v), price=D(1)) for c, v in ECB_2025_05_09.items()]
    services.rates_save(provider="ecb", records=records)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def rates(db, today):
    store_cbr(today)
    store_cbr(today - dt.timedelta(days=3), scale=D("0.98"))
    store_ecb(today)


# ---- amounts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "noted"),
    [
        ("100", D("100"), False),
        (" 12.50 ", D("12.50"), False),
        ("1,000,000.25", D("1000000.25"), False),
        ("1 000", D("1000"), False),
        ("1\u00a0000,5", D("1000.5"), True),
        ("12,5", D("12.5"), True),
        ("0", D("0"), False),
        ("0.000001", D("0.000001"), False),
    ],
)
def test_amounts_are_read_as_readers_type_them(text, value, noted):
    amount, note = parse_amount(text)
    assert amount == value and isinstance(amount, Decimal)
    assert bool(note) is noted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount"),
        ("-5", "cannot be negative"),
        ("−5", "cannot be negative"),
        ("abc", "is not an amount"),
        ("1e6", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
        ("1.2.3", "is not an amount"),
        ("1,2,3", "is not an amount"),
        ("1,5.5", "is not an amount"),
        ("0x10", "is not an amount"),
        ("１２", "is not an amount"),  # full-width digits
        ("1000000000001", "too large"),
        ("9" * 39, "too large"),
        ("9" * 41, "too long"),
        ("1.0000001", "at most 6 digits"),
    ],
)
def test_bad_amounts_get_a_precise_message(text, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(text)


def test_cross_rates_go_through_the_base_in_exact_decimals():
    usd, eur, jpy = Quote(D(1), D("93.2801")), Quote(D(1), D("98.4365")), Quote(D(100), D("61.6524"))
    result, rate = convert(D(100), usd, eur)
    # 100 × 93.2801 / 98.4365 = 94.76170221... → half-even to 4 places.
    assert result == D("94.7617") and rate == D("0.947617")
    result, rate = convert(D(1), jpy, usd)  # Nominal 100: one yen is 0.616524 roubles
    assert result == D("0.0066") and rate == D("0.006609")
    assert convert(D("12.5"), usd, usd) == (D("12.5000"), D("1.000000"))


def test_rounding_is_half_to_even_once_at_the_end():
    one, eight = Quote(D(1), D(1)), Quote(D(8), D(1))
    assert convert(D("0.0005"), one, one)[0] == D("0.0005")
    # 0.00025 / ... exactly halfway cases go to the even digit.
    assert convert(D("0.00125"), one, Quote(D(1), D(1)))[0] == D("0.0012")
    assert convert(D("0.00135"), one, one)[0] == D("0.0014")
    assert convert(D(1), one, eight)[0] == D("8.0000")


def test_display_keeps_small_values_readable():
    assert display(D("9212.3400")) == "9,212.34"
    assert display(D("0.0066")) == "0.0066"
    assert display(D("5.0000")) == "5.00"


# ---- the page without JavaScript ----------------------------------------------------------------------------


class Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self._stack: list[str | None] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        if tag == "option" and "selected" in attrs and self._select:
            self.selected[self._select] = attrs["value"]
        if tag not in {"input", "link", "meta", "br", "option", "line", "circle", "polyline"}:
            self._stack.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in {"input", "link", "meta", "br", "option", "line", "circle", "polyline"} and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for name in self._stack:
            if name:
                self.ids[name] = self.ids.get(name, "") + data


def page(client, **params):
    response = client.get("/markets/", params)
    parsed = Texts()
    parsed.feed(response.content.decode())
    return response, parsed


@pytest.mark.django_db
def test_without_rates_the_page_says_so(client):
    response, _ = page(client)
    assert response.status_code == 200
    assert "No exchange rates have been fetched yet" in response.content.decode()
    # and how an administrator turns the providers on
    assert "NEWSDESK_RATES_BACKENDS=cbr,ecb" in response.content.decode()
    assert "newsdesk fetch_rates" in response.content.decode()
    assert client.get("/markets/convert.json", {"amount": "1"}).status_code == 400


def test_the_form_converts_with_the_bank_of_russia_by_default(client, rates, today):
    response, parsed = page(client, amount="100", **{"from": "USD", "to": "EUR"})
    assert response.status_code == 200
    assert parsed.ids["converter-result"] == "100 USD = 94.7617 EUR"
    assert parsed.ids["converter-rate"].startswith("1 USD = 0.947617 EUR · Bank of Russia rate of ")
    assert parsed.selected == {"from": "USD", "to": "EUR", "date": today.isoformat(), "provider": "cbr"}


def test_the_ecb_converts_through_the_euro(client, rates):
    _, parsed = page(client, amount="1000", provider="ecb", **{"from": "USD", "to": "GBP"})
    # 1000 × 0.84770 / 1.1252 = 753.37717739...
    assert parsed.ids["converter-result"] == "1,000 USD = 753.3772 GBP"


def test_swap_without_javascript_redirects_to_the_swapped_form(client, rates):
    response = client.get("/markets/", {"amount": "5", "from": "USD", "to": "CNY", "swap": "1"})
    assert response.status_code == 302
    assert "from=CNY" in response["Location"] and "to=USD" in response["Location"]
    _, parsed = page(client, amount="5", **{"from": "CNY", "to": "USD"})
    assert parsed.ids["converter-result"].startswith("5 CNY = ")


def test_a_day_without_rates_uses_the_last_earlier_one_and_says_which(client, rates, today):
    day = today - dt.timedelta(days=2)
    response, parsed = page(client, amount="100", date=day.isoformat(), **{"from": "USD", "to": "RUB"})
    assert response.status_code == 200
    earlier = today - dt.timedelta(days=3)
    assert f"the rates of {earlier.day} {earlier:%B %Y} are used" in parsed.ids["converter-notes"]
    assert parsed.ids["converter-result"] == "100 USD = 9,141.45 RUB"  # 100 × 91.4145


def test_a_decimal_comma_is_accepted_and_the_reading_is_shown(client, rates):
    _, parsed = page(client, amount="12,5", **{"from": "USD", "to": "RUB"})
    # 12.5 × 93.2801 = 1166.00125: exactly halfway, so half-to-even keeps the 2.
    assert parsed.ids["converter-result"] == "12.50 USD = 1,166.0012 RUB"
    assert "was read as 12.5" in parsed.ids["converter-notes"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"amount": "-1"}, "cannot be negative"),
        ({"amount": "10" * 30}, "too long"),
        ({"amount": "ten"}, "is not an amount"),
        ({"amount": "1" * 15}, "too large"),
        ({"from": "XYZ"}, "Unknown currency “XYZ”"),
        ({"to": "<b>x</b>"}, "Unknown currency"),
        ({"date": "2017-05-30"}, "within the last 7 days"),
        ({"date": "yesterday"}, "is not a date"),
        ({"date": "2024-02-30"}, "is not a date"),
        ({"provider": "fed"}, "There are no rates from “fed”"),
    ],
)
def test_bad_input_gets_a_400_with_a_clear_message(client, rates, params, message):
    response, parsed = page(client, **params)
    assert response.status_code == 400
    assert message in parsed.ids["converter-errors"]
    assert "<b>x</b>" not in response.content.decode()
    reply = client.get("/markets/convert.json", params)
    assert reply.status_code == 400
    assert any(message in text for text in reply.json()["errors"].values())


def test_a_date_with_no_rate_at_or_before_it_is_explained(client, db, today):
    store_cbr(today)
    day = today - dt.timedelta(days=6)
    _, parsed = page(client, date=day.isoformat())
    assert "There are no Bank of Russia rates on or before" in parsed.ids["converter-errors"]


def test_the_json_endpoint_answers_in_exact_strings(client, rates, today):
    data = client.get("/markets/convert.json", {"amount": "100", "from": "USD", "to": "EUR"}).json()
    assert data == {
        "provider": "cbr",
        "provider_label": "Bank of Russia",
        "amount": "100",
        "from": "USD",
        "to": "EUR",
        "result": "94.7617",
        "rate": "0.947617",
        "rate_date": today.isoformat(),
        "requested_date": today.isoformat(),
        "text": "100 USD = 94.7617 EUR",
        "rate_text": "1 USD = 0.947617 EUR",
        "source_text": f"Bank of Russia rate of {today.day} {today:%B %Y}",
        "notes": [],
    }


def test_the_converter_costs_the_same_queries_however_many_rates(
    client, rates, today, django_assert_num_queries
):
    with django_assert_num_queries(3):  # providers, the rate date, that date's rates
        client.get("/markets/convert.json", {"amount": "1"})
    for back in range(4, 60):
        store_cbr(today - dt.timedelta(days=back))
    with django_assert_num_queries(3):
        client.get("/markets/convert.json", {"amount": "1"})
    with django_assert_num_queries(4):  # the same, plus the site header's sections
        client.get("/markets/", {"amount": "1"})


# ---- history -----------------------------------------------------------------------------------------------


def test_history_is_a_server_drawn_chart_with_a_table(client, rates, today, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rates, and the site header's sections
        response = client.get("/markets/history/cbr/USD/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "<polyline points=" in html
    assert "RUB for 1 USD" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert html.count('<th scope="row"><time') == 2
    assert "93.2801" in html and "91.4145" in html and "+1.8656" in html


def test_ecb_history_is_shown_as_the_ecb_publishes_it(client, rates):
    html = client.get("/markets/history/ecb/USD/").content.decode()
    assert "USD for 1 EUR" in html and "1.1252" in html


@pytest.mark.parametrize(
    "path",
    [
        "/markets/history/cbr/XYZ/",
        "/markets/history/fed/USD/",
        "/markets/history/ecb/EUR/",
        "/markets/history/newsdesk.markets.backends.cbr.CbrProvider/USD/",  # never imported from a URL
        "/markets/history/os.system/USD/",
    ],
)
def test_history_of_something_we_do_not_keep_is_404(client, rates, path):
    assert client.get(path).status_code == 404


def test_history_without_data_says_so(client, db):
    response = client.get("/markets/history/cbr/CHF/")
    assert response.status_code == 200
    assert "No Bank of Russia rates for CHF have been fetched yet" in response.content.decode()
