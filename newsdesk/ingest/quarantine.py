"""Writing the quarantine (``IngestLog``) so that it stays small whatever a provider sends.

- A refused item keeps a bounded excerpt of its JSON, a sha256 digest and its size; the whole parsed item is kept
  for retry only when it is small enough to be imported (a larger one would be refused again). A reason is cut
  to REASON_CHARS: some quote a provider's value, which can be megabytes.
- The same refusal again — same source, same digest, still quarantined — adds to its row's count and last-seen
  time instead of adding a row, so a feed polled every five minutes with one bad item keeps one row.
- One document lists at most NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT refused items one by one; one more row
  counts the rest, with their most common reasons.

What a fetched document said is never stored: a whole refused document keeps only its digest and size (a feed
URL redirected somewhere else must not have us keep that place's answer).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .formats import WireItem
from .models import IngestLog, IngestSource

logger = logging.getLogger(__name__)
EXCERPT_CHARS = 4096
REASON_CHARS = 1000
KEEP_SLACK = 64 * 1024  # an item's JSON carries more than the text the item size limit counts


def bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def digest_of(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def item_record(item: WireItem) -> tuple[dict | None, str, str, int]:
    """What the quarantine keeps of an item: the item (None when too large to retry), excerpt, digest, size."""
    data = item.to_json()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    raw = text.encode()
    keep = data if len(raw) <= settings.NEWSDESK_INGEST_MAX_ITEM_BYTES + KEEP_SLACK else None
    return keep, text[:EXCERPT_CHARS], digest_of(raw), len(raw)


@dataclass
class Refusals:
    """The refusals of one document (or one fetch, or one folder file), written in bulk with de-duplication."""

    origin: str
    source: IngestSource | None
    document: bytes | None = None  # the document's bytes, when read: names its summary row
    limit: int | None = None
    pending: list[IngestLog] = field(default_factory=list)
    listed: int = 0
    over: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.origin = self.origin[:500]
        if self.limit is None:
            self.limit = settings.NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT

    def item(self, *, ref: str, reason: str, item: WireItem | None = None) -> None:
        """One refused item; past the document's limit it is only counted."""
        reason = bounded(reason, REASON_CHARS)
        if self.limit is not None and self.listed >= self.limit:
            self.over[bounded(reason, 200)] += 1
            return
        self.listed += 1
        logger.warning("ingest: refused %s from %s: %s", ref[:300] or "an item", self.origin, reason)
        if item is not None:
            kept, excerpt, digest, size = item_record(item)
            if kept is None:
                reason = bounded(
                    f"{reason} (the item is {size:,} bytes: too large to keep for retry)", REASON_CHARS
                )
        else:  # refused while parsing: named by its place in this document
            kept, excerpt, digest, size = None, "", digest_of(f"{self.origin}\0{ref}\0{reason}"), 0
        self.pending.append(
            self._entry(ref=ref, reason=reason, item=kept, excerpt=excerpt, digest=digest, size=size)
        )

    def whole(self, *, reason: str, data: bytes | None = None, size: int = 0) -> None:
        """The whole document refused (unreadable, too large, not fetched): its digest and size, no content."""
        reason = bounded(reason, REASON_CHARS)
        logger.warning("ingest: refused document %s: %s", self.origin, reason)
        digest = digest_of(data) if data is not None else digest_of(f"{self.origin}\0{reason}")
        size = len(data) if data is not None else size
        self.pending.append(
            self._entry(ref="", reason=reason, item=None, excerpt="", digest=digest, size=size)
        )

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        write(pending, source=self.source)

    def close(self) -> None:
        """What is pending, and one row for the items past the limit."""
        if self.over:
            skipped = sum(self.over.values())
            common = "; ".join(f"{reason} ({n:,})" for reason, n in self.over.most_common(3))
            reason = bounded(
                f"{skipped:,} more refused items of this document are counted here, not listed (the first "
                f"{self.listed:,} are listed one by one). Most often: {common}. Fix the cause and ingest the "
                "document again.",
                REASON_CHARS,
            )
            logger.warning("ingest: refused %d more items from %s", skipped, self.origin)
            key = digest_of(self.document) if self.document is not None else self.origin
            entry = self._entry(
                ref="", reason=reason, item=None, excerpt="", digest=digest_of(f"more\0{key}"), size=0
            )
            entry.count = skipped
            self.pending.append(entry)
            self.over = Counter()
        self.flush()

    def _entry(self, *, ref: str, **fields) -> IngestLog:
        now = timezone.now()
        return IngestLog(
            source=self.source, origin=self.origin, ref=ref[:300], created_at=now, last_seen_at=now, **fields
        )


def write(entries: list[IngestLog], *, source: IngestSource | None) -> None:
    """New rows for new refusals; a refusal already quarantined for this source counts on its row."""
    if not entries:
        return
    groups: dict[str, list[IngestLog]] = {}
    for entry in entries:
        groups.setdefault(entry.digest, []).append(entry)
    rows = IngestLog.objects.filter(status=IngestLog.Status.QUARANTINED, digest__in=list(groups))
    rows = rows.filter(source=source) if source is not None else rows.filter(source__isnull=True)
    existing = dict(rows.order_by("digest", "id").values_list("digest", "pk"))  # the newest row of each
    new = []
    for digest, group in groups.items():
        last, count = group[-1], sum(entry.count for entry in group)
        if digest in existing:
            IngestLog.objects.filter(pk=existing[digest]).update(
                count=F("count") + count, last_seen_at=last.last_seen_at, reason=last.reason,
                origin=last.origin, ref=last.ref,
            )  # fmt: skip
            continue
        first = group[0]
        first.count, first.reason, first.last_seen_at = count, last.reason, last.last_seen_at
        new.append(first)
    IngestLog.objects.bulk_create(new)
