"""Reads for ingest: which sources are due, what waits in the quarantine."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import IngestLog, IngestSource


def sources_due(*, at: dt.datetime | None = None) -> list[int]:
    at = at or timezone.now()
    due = IngestSource.objects.filter(enabled=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=at)
    )
    return list(due.values_list("pk", flat=True))


def quarantine(*, source_id: int | None = None) -> QuerySet[IngestLog]:
    entries = IngestLog.objects.filter(status=IngestLog.Status.QUARANTINED).select_related("source")
    return entries.filter(source_id=source_id) if source_id else entries
