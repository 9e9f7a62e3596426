"""The contract of an exchange-rate provider: documents in, validated RateRecords out.

Parsing is all or nothing: a document with one bad record is refused whole with a message saying where,
so that a truncated or damaged file never half-replaces a day's rates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils import timezone

from newsdesk.fetching import ProviderError, fetch_provider

CODE = re.compile(r"^[A-Z]{3}$")
DECLARED_ENCODING = re.compile(
    rb"^(\s*<\?xml[^>]*encoding=[\"'])(?!utf-8)[A-Za-z0-9._-]+([\"'])", re.IGNORECASE
)
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
FUTURE_DAYS = 5  # providers set rates a few days ahead (the Bank of Russia on Friday for Saturday–Monday)


@dataclass(frozen=True)
class RateRecord:
    date: dt.date
    currency: str
    units: Decimal  # `units` of `currency` cost `price` of the base currency
    price: Decimal


class RateProvider:
    name = "base"
    label = ""
    base = ""
    history_currencies: tuple[str, ...] = ()
    quotes_per_base = False  # True: the provider publishes "1 base buys N units" (shown that way in history)
    default_url = ""

    def __init__(self, *, timeout: float = 10.0, user_agent: str = "", base_url: str = "", **options) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        self.base_url = (base_url or self.default_url).rstrip("/")

    def get(self, path: str) -> bytes:
        return fetch_provider(
            self.base_url + path,
            timeout=self.timeout,
            max_bytes=MAX_DOCUMENT_BYTES,
            user_agent=self.user_agent,
        )

    def fetch_daily(self) -> list[RateRecord]:
        raise NotImplementedError

    def fetch_history(self, *, start: dt.date, end: dt.date) -> list[RateRecord]:
        raise NotImplementedError

    def parse(self, body: bytes) -> list[RateRecord]:
        """Any document this provider publishes (daily or history), recognised by its content."""
        raise NotImplementedError


def parse_xml(body: bytes) -> Element:
    if not body.strip():
        raise ProviderError("the document is empty")
    try:
        return _parse(body)
    except ParseError as exc:
        relabelled = _as_utf8(body)
        if relabelled is None:
            raise ProviderError(
                f"the document is not well-formed XML (truncated or in another format?): {exc}"
            ) from exc
    try:  # re-saved as UTF-8 but still declaring windows-1251: read what the bytes really are
        return _parse(relabelled)
    except ParseError as exc:
        raise ProviderError(f"the document is not well-formed XML: {exc}") from exc


def _parse(body: bytes) -> Element:
    try:
        return SafeET.fromstring(body)
    except DefusedXmlException as exc:
        raise ProviderError(f"the document uses forbidden XML features ({exc.__class__.__name__})") from exc
    except (LookupError, ValueError) as exc:  # an unknown encoding declaration
        raise ProviderError(f"the document's encoding cannot be read: {exc}") from exc


def _as_utf8(body: bytes) -> bytes | None:
    """The body with its declaration saying UTF-8, if the bytes are UTF-8 but the declaration says otherwise."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    relabelled = DECLARED_ENCODING.sub(rb"\1UTF-8\2", body, count=1)
    return relabelled if relabelled != body else None


def number(text: str | None, *, where: str, max_places: int = 6) -> Decimal:
    """A positive decimal with a comma or a point as the decimal separator (the Bank of Russia uses commas)."""
    cleaned = (text or "").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ProviderError(f"{where}: {text!r} is not a number") from exc
    if not value.is_finite() or value <= 0:
        raise ProviderError(f"{where}: {text!r} is not a positive number")
    if value >= Decimal("1e14") or -int(value.as_tuple().exponent) > max_places:  # finite: checked above
        raise ProviderError(f"{where}: {text!r} has more digits than a rate can have")
    return value


def currency_code(text: str | None, *, where: str) -> str:
    code = (text or "").strip()
    if not CODE.match(code):
        raise ProviderError(f"{where}: {text!r} is not a currency code")
    return code


def checked_date(value: dt.date, *, where: str) -> dt.date:
    if value > timezone.localdate() + dt.timedelta(days=FUTURE_DAYS):
        raise ProviderError(f"{where}: the date {value:%Y-%m-%d} lies in the future")
    return value
