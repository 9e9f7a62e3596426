"""The European Central Bank's euro reference rates: eurofxref-daily.xml, eurofxref-hist-90d.xml, and the
CSV (or its ZIP, eurofxref.zip) that the same page offers. The ECB publishes "1 euro = rate units"."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from django.utils.translation import gettext_noop

from newsdesk.fetching import ProviderError

from .base import RateProvider, RateRecord, checked_date, currency_code, number, parse_xml

NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"
MAX_CSV_BYTES = 1024 * 1024
ONE = Decimal("1")


class EcbProvider(RateProvider):
    name = "ecb"
    label = gettext_noop("European Central Bank")  # shown through the catalogue (converter._label)
    base = "EUR"
    history_currencies = ("USD", "GBP", "CHF", "JPY", "CNY")
    quotes_per_base = True
    default_url = "https://www.ecb.europa.eu"

    def fetch_daily(self) -> list[RateRecord]:
        return self.parse(self.get("/stats/eurofxref/eurofxref-daily.xml"))

    def fetch_history(self, *, start: dt.date, end: dt.date) -> list[RateRecord]:
        records = self.parse(self.get("/stats/eurofxref/eurofxref-hist-90d.xml"))
        return [record for record in records if start <= record.date <= end]

    def parse(self, body: bytes) -> list[RateRecord]:
        if body.startswith(b"PK\x03\x04"):
            return _csv(_unzip(body))
        if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return _xml(body)
        return _csv(body)


def _xml(body: bytes) -> list[RateRecord]:
    root = parse_xml(body)
    if root.tag != "{http://www.gesmes.org/xml/2002-08-01}Envelope":
        raise ProviderError(f"expected the ECB's gesmes:Envelope, got <{root.tag}>")
    records = []
    for day_cube in root.iter(f"{NS}Cube"):
        if "time" not in day_cube.attrib:
            continue
        day = _date(day_cube.get("time"), "%Y-%m-%d")
        for cube in day_cube.findall(f"{NS}Cube"):
            code = currency_code(cube.get("currency"), where=f"a currency on {day}")
            rate = number(cube.get("rate"), where=f"{code} on {day}")
            records.append(RateRecord(date=day, currency=code, units=rate, price=ONE))
    if not records:
        raise ProviderError("the ECB document has no rates (truncated?)")
    return records


def _unzip(body: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise ProviderError("the ZIP should hold exactly one CSV file")
            if members[0].file_size > MAX_CSV_BYTES:
                raise ProviderError("the CSV inside the ZIP is too large")
            return archive.read(members[0])
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ProviderError(f"the ZIP is damaged: {exc}") from exc


def _csv(body: bytes) -> list[RateRecord]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProviderError("the document is neither XML nor a UTF-8 CSV") from exc
    rows = [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)
    ]
    if len(rows) < 2 or rows[0][:1] != ["Date"]:
        raise ProviderError("the CSV has no 'Date, USD, …' header and rows (truncated or not the ECB's?)")
    header = rows[0]
    records = []
    for row in rows[1:]:
        day = _date(row[0], "%d %B %Y")
        for code, value in zip(header[1:], row[1:], strict=False):
            if not code or value in {"", "N/A"}:  # the ECB writes a trailing ", " and N/A for gaps
                continue
            code = currency_code(code, where="the CSV header")
            records.append(
                RateRecord(date=day, currency=code, units=number(value, where=f"{code} on {day}"), price=ONE)
            )
    return records


def _date(text: str | None, pattern: str) -> dt.date:
    try:
        return checked_date(dt.datetime.strptime((text or "").strip(), pattern).date(), where="ECB")  # noqa: DTZ007
    except ValueError as exc:
        raise ProviderError(f"the date {text!r} does not read as {pattern}") from exc
