"""The Bank of Russia (cbr.ru): XML_daily.asp (all currencies for a day) and XML_dynamic.asp (one currency
over a date range). Documents are windows-1251, numbers use a decimal comma, and a rate is given for `Nominal`
units (100 Armenian drams, 10,000 dong); since 2022 `VunitRate` repeats it for one unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from django.utils.translation import gettext_noop

from newsdesk.fetching import ProviderError

from .base import RateProvider, RateRecord, checked_date, currency_code, number, parse_xml

# The Bank's own ids for the currencies whose history we keep (XML_dynamic.asp asks for these, not ISO codes).
BANK_IDS = {
    "USD": "R01235",
    "EUR": "R01239",
    "GBP": "R01035",
    "CHF": "R01775",
    "JPY": "R01820",
    "CNY": "R01375",
}


class CbrProvider(RateProvider):
    name = "cbr"
    label = gettext_noop("Bank of Russia")  # shown through the catalogue (converter._label)
    base = "RUB"
    history_currencies = tuple(BANK_IDS)
    default_url = "https://www.cbr.ru"

    def fetch_daily(self) -> list[RateRecord]:
        return self.parse(self.get("/scripts/XML_daily.asp"))

    def fetch_history(self, *, start: dt.date, end: dt.date) -> list[RateRecord]:
        records: list[RateRecord] = []
        for bank_id in BANK_IDS.values():
            query = urlencode(
                {"date_req1": f"{start:%d/%m/%Y}", "date_req2": f"{end:%d/%m/%Y}", "VAL_NM_RQ": bank_id}
            )
            records += self.parse(self.get(f"/scripts/XML_dynamic.asp?{query}"))
        return records

    def parse(self, body: bytes) -> list[RateRecord]:
        root = parse_xml(body)
        if root.tag != "ValCurs":
            raise ProviderError(f"expected a Bank of Russia <ValCurs> document, got <{root.tag}>")
        if root.find("Record") is not None or root.get("DateRange1"):
            return _dynamic(root)
        return _daily(root)


def _date(text: str | None, *, where: str) -> dt.date:
    try:
        return checked_date(dt.datetime.strptime((text or "").strip(), "%d.%m.%Y").date(), where=where)  # noqa: DTZ007
    except ValueError as exc:
        raise ProviderError(f"{where}: the date {text!r} is not DD.MM.YYYY") from exc


def _daily(root: Element) -> list[RateRecord]:
    day = _date(root.get("Date"), where="<ValCurs Date>")
    records = []
    for index, valute in enumerate(root.iter("Valute"), start=1):
        where = f"currency #{index} ({valute.get('ID', 'no ID')})"
        code = currency_code(valute.findtext("CharCode"), where=where)
        units, price = _units_price(valute, where=f"{code} on {day}")
        records.append(RateRecord(date=day, currency=code, units=units, price=price))
    if not records:
        raise ProviderError(f"the daily document for {day} lists no currencies (truncated?)")
    return records


def _dynamic(root: Element) -> list[RateRecord]:
    bank_id = root.get("ID", "")
    code = next((code for code, known in BANK_IDS.items() if known == bank_id), None)
    if code is None:
        raise ProviderError(
            f"the dynamics document is for {bank_id!r}, which is not one of {', '.join(BANK_IDS.values())}"
        )
    records = []
    for record in root.iter("Record"):
        day = _date(record.get("Date"), where=f"{code} record")
        units, price = _units_price(record, where=f"{code} on {day}")
        records.append(RateRecord(date=day, currency=code, units=units, price=price))
    return records  # an empty range (holidays) is a valid answer


def _units_price(element: Element, *, where: str) -> tuple[Decimal, Decimal]:
    units = number(element.findtext("Nominal"), where=f"{where}, Nominal", max_places=0)
    price = number(element.findtext("Value"), where=f"{where}, Value")
    unit_rate = element.findtext("VunitRate")
    if unit_rate is not None:
        published = number(unit_rate, where=f"{where}, VunitRate", max_places=12)
        # VunitRate is Value/Nominal, rounded by the Bank; a mismatch means a damaged document.
        if abs(price / units - published) > Decimal("0.0001") * published:
            raise ProviderError(f"{where}: VunitRate {unit_rate} does not match Value/Nominal")
    return units, price
