"""Reads for the converter and the history pages; each is one or two queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max

from .models import Rate
from .rates import Quote

HISTORY_ROWS = 90


def providers_with_rates() -> list[str]:
    return sorted(Rate.objects.values_list("provider", flat=True).distinct())


def rates_date(*, provider: str, on: dt.date) -> dt.date | None:
    """The provider's last rate date on or before `on` (a weekend or holiday uses the rates set before it)."""
    last: dt.date | None = Rate.objects.filter(provider=provider, date__lte=on).aggregate(last=Max("date"))[
        "last"
    ]
    return last


def quotes_on(*, provider: str, date: dt.date, base: str) -> dict[str, Quote]:
    """Every currency's quote on that date, plus the base currency itself (1 = 1)."""
    rows = Rate.objects.filter(provider=provider, date=date).values_list("currency", "units", "price")
    quotes = {currency: Quote(units=units, price=price) for currency, units, price in rows}
    quotes[base] = Quote(units=Decimal(1), price=Decimal(1))
    return quotes


def currency_history(*, provider: str, currency: str, limit: int = HISTORY_ROWS) -> list[Rate]:
    """The last `limit` rates of a currency, oldest first."""
    rows = Rate.objects.filter(provider=provider, currency=currency).order_by("-date")[:limit]
    return list(reversed(rows))
