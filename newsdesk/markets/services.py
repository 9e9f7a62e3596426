"""Writes: fetching rates from the providers and importing provider documents, all or nothing per document."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from newsdesk.fetching import ProviderError

from .backends import RateRecord, configured_providers, get_provider
from .models import Rate

logger = logging.getLogger(__name__)

HISTORY_DAYS = 90


@dataclass
class RatesReport:
    saved: dict[str, int] = field(default_factory=dict)  # provider → rows written
    failed: dict[str, str] = field(default_factory=dict)  # "provider daily" → why


def rates_refresh(*, providers: list[str] | None = None, history: bool = True) -> RatesReport:
    """Fetch today's rates (and the recent history) of each provider; a failure keeps the stored rates."""
    report = RatesReport()
    today = timezone.localdate()
    for alias in providers if providers is not None else configured_providers():
        provider = get_provider(alias)
        _run(report, alias, "daily", provider.fetch_daily)
        if history:
            start = today - dt.timedelta(days=HISTORY_DAYS)
            _run(report, alias, "history", functools.partial(provider.fetch_history, start=start, end=today))
    return report


def _run(report: RatesReport, alias: str, kind: str, job: Callable[[], list[RateRecord]]) -> None:
    try:
        saved = rates_save(provider=alias, records=job())
    except ProviderError as exc:
        logger.warning("rates: %s %s failed: %s", alias, kind, exc)
        report.failed[f"{alias} {kind}"] = str(exc)
    else:
        report.saved[alias] = report.saved.get(alias, 0) + saved


def rates_import(*, provider: str, body: bytes) -> int:
    """Store a saved provider document (daily or history); a bad one raises ProviderError and writes nothing."""
    return rates_save(provider=provider, records=get_provider(provider).parse(body))


def rates_save(*, provider: str, records: list[RateRecord]) -> int:
    if not records:
        return 0
    now = timezone.now()
    rows = {
        (record.date, record.currency): Rate(
            provider=provider,
            date=record.date,
            currency=record.currency,
            units=record.units,
            price=record.price,
            fetched_at=now,
        )
        for record in records
    }
    with transaction.atomic():
        Rate.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["provider", "date", "currency"],
            update_fields=["units", "price", "fetched_at"],
            batch_size=500,
        )
    return len(rows)
