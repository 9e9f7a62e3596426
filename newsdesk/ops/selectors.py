"""Reads of operations: the audit log as CSV rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone

from .models import AuditEntry

CSV_COLUMNS = ["time", "actor", "action", "object_type", "object_id", "object", "detail", "request_id"]


def _safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets: a headline must never become one.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for entry in entries:
        writer.writerow([
            timezone.localtime(entry.at).isoformat(timespec="seconds"), _safe(entry.actor_name or "system"),
            entry.action, entry.object_type, entry.object_id, _safe(entry.object_repr), _safe(entry.detail),
            entry.request_id,
        ])  # fmt: skip
        yield flush()
