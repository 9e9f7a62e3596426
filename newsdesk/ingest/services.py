"""Wire ingest: documents from files, folders, URLs and polled sources become articles, photos and "In other
media" links, and the quarantine's items are retried.

A document's items are written in batches (batch.py), each item that is not simply new through the one-item
path (items.py): a crash leaves no half-imported item, the rerun creates no duplicate, and a bad item is
quarantined (``IngestLog``) with its reason and never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from newsdesk.news.models import (
    Article,
)
from newsdesk.ops import metrics
from newsdesk.search.services import search_statistics_refresh

from .batch import BATCH_SIZE, Document, ingest_documents
from .fetch import FetchError, fetch
from .formats import FormatError, ItemRejected, Rejected, WireItem, parse_document
from .items import IngestReport, Routing, item_ingest
from .models import IngestLog, IngestSource
from .quarantine import REASON_CHARS, Refusals, bounded

logger = logging.getLogger(__name__)
Status = Article.Status
PROCESSED, FAILED = "processed", "failed"


# ---- entry points: paths, documents, sources, the quarantine ------------------------------------------------


def ingest_paths(
    *, paths: Iterable[str], routing: Routing, source: IngestSource | None = None, fmt: str = "auto"
) -> IngestReport:
    """Files, folders (their files, not recursing) and http(s) URLs, in the order given. Then the search
    engine's statistics, when the batch changed many documents (``search_statistics_refresh``)."""
    report = IngestReport()
    for location in paths:
        if re.match(r"^https?://", location):
            report.merge(_ingest_url(url=location, routing=routing, source=source, fmt=fmt))
            continue
        path = Path(location)
        files = _folder_files(path) if path.is_dir() else [path]
        for _files, _refused, result in ingest_file_groups(
            files=files, routing=routing, source=source, fmt=fmt
        ):
            report.merge(result)
    search_statistics_refresh()
    return report


def ingest_file(
    *, path: Path, routing: Routing, source: IngestSource | None, fmt: str = "auto"
) -> IngestReport:
    report = IngestReport()
    for _files, _refused, result in ingest_file_groups(files=[path], routing=routing, source=source, fmt=fmt):
        report.merge(result)
    return report


def ingest_file_groups(
    *, files: Iterable[Path], routing: Routing, source: IngestSource | None, fmt: str = "auto"
) -> Iterator[tuple[list[Path], set[Path], IngestReport]]:
    """Files in order, their items written in shared batches (batch.py): a wire that delivers one item per
    file costs per item what one document of many items does. Yields each group of files once it is written:
    (the files, those refused whole, the group's report)."""
    group: list[Path] = []
    documents: list = []
    refused: set[Path] = set()
    report, items = IngestReport(), 0
    for path in files:
        group.append(path)
        document = _file_document(path=path, source=source, fmt=fmt)
        if isinstance(document, IngestReport):
            refused.add(path)
            report.merge(document)
            continue
        documents.append(document)
        items += len(document.items)
        if items >= BATCH_SIZE:
            yield group, refused, _documents_ingest(documents, routing=routing, source=source, report=report)
            group, documents, refused, report, items = [], [], set(), IngestReport(), 0
    if group:
        yield group, refused, _documents_ingest(documents, routing=routing, source=source, report=report)


def _file_document(*, path: Path, source: IngestSource | None, fmt: str) -> Document | IngestReport:
    """The file's items as a batch.Document, or the report of its refusal."""
    try:
        size = path.stat().st_size
        if size > settings.NEWSDESK_INGEST_MAX_BYTES:
            raise FormatError(f"file is {size} bytes, over the limit of {settings.NEWSDESK_INGEST_MAX_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        return _document_refused(origin=str(path), reason=reason, source=source)
    except FormatError as exc:
        return _document_refused(origin=str(path), reason=str(exc), source=source, size=size)
    try:
        return _parsed_document(data=data, origin=str(path), source=source, fmt=fmt, base_dir=path.parent)
    except Exception as exc:  # one file must never stop the others: it is refused like an unreadable one
        logger.exception("ingest: %s failed", path)
        return _document_refused(origin=str(path), reason=f"internal error: {exc!r}", source=source)


def _documents_ingest(
    documents: list[Document], *, routing: Routing, source: IngestSource | None, report: IngestReport
) -> IngestReport:
    try:
        done = ingest_documents(documents, routing=routing, source=source)
        report.merge(done)
        metrics.ingest_counted(source=source, counts=done.counts)
    finally:
        for document in documents:
            document.refusals.close()
    return report


def ingest_document(
    *,
    data: bytes,
    origin: str,
    routing: Routing,
    source: IngestSource | None = None,
    fmt: str = "auto",
    base_dir: Path | None = None,
    content_type: str = "",
    fetched: bool = False,
) -> IngestReport:
    """One document's items, in batches (see batch.py); the refused ones go to the quarantine.

    ``fetched``: the document came over HTTP, so a reason never quotes its bytes (see newsdesk.fetching)."""
    document = _parsed_document(
        data=data, origin=origin, source=source, fmt=fmt, base_dir=base_dir, content_type=content_type,
        fetched=fetched,
    )  # fmt: skip
    if isinstance(document, IngestReport):
        return document
    return _documents_ingest([document], routing=routing, source=source, report=IngestReport())


def _parsed_document(
    *,
    data: bytes,
    origin: str,
    source: IngestSource | None,
    fmt: str = "auto",
    base_dir: Path | None = None,
    content_type: str = "",
    fetched: bool = False,
) -> Document | IngestReport:
    """The document's items (pictures first) as a batch.Document, or the report of its refusal."""
    if len(data) > settings.NEWSDESK_INGEST_MAX_BYTES:
        return _document_refused(
            origin=origin, source=source, reason=f"document is {len(data)} bytes, over the limit of "
            f"{settings.NEWSDESK_INGEST_MAX_BYTES}", size=len(data),
        )  # fmt: skip
    try:
        parsed = parse_document(
            data, fmt=fmt, base_dir=base_dir, content_type=content_type, quote=not fetched
        )
        items = _pictures_first(parsed)
    except FormatError as exc:
        return _document_refused(origin=origin, reason=str(exc), source=source, data=data)
    return Document(origin, items, Refusals(origin=origin, source=source, document=data))


def _pictures_first(parsed: Iterable[WireItem | Rejected]) -> list[WireItem | Rejected]:
    """Pictures before texts, so a package's text finds its photo already imported."""
    items = list(parsed)
    return sorted(items, key=lambda p: 0 if isinstance(p, WireItem) and p.kind == "picture" else 1)


def source_poll(*, source_id: int, force: bool = False) -> IngestReport | None:
    """Poll one source if it is due (or ``force``); None when another worker has it or it is not due.

    The conditional UPDATE is the claim: of several workers, exactly one moves ``next_poll_at`` on.
    """
    now = timezone.now()
    due = IngestSource.objects.filter(pk=source_id, enabled=True)
    if not force:
        due = due.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
    source = due.first()
    if source is None:
        return None
    next_at = now + dt.timedelta(minutes=source.interval_minutes)
    if not due.filter(next_poll_at=source.next_poll_at).update(next_poll_at=next_at):
        return None
    routing = Routing.for_source(source)
    if source.kind == IngestSource.Kind.URL:
        report = _ingest_url(url=source.location, routing=routing, source=source, fmt=source.format)
    else:
        report = _poll_folder(source=source, routing=routing)
    IngestSource.objects.filter(pk=source.pk).update(last_polled_at=now, last_result=str(report)[:500])
    return report


def quarantine_retry(*, entry_id: int) -> str:
    """Import a quarantined item again with its source's routing as it is now (after an editor fixed it)."""
    entry = IngestLog.objects.select_related("source").get(pk=entry_id)
    if entry.status != IngestLog.Status.QUARANTINED:
        return "unchanged"
    if entry.item is None:
        if entry.ref:
            raise ValidationError(
                f"{entry.ref}: this item was not kept whole (too large, or unreadable); fix it at the source "
                "and ingest it again."
            )
        raise ValidationError(
            "This entry is a whole document that could not be read; fix it at the source and ingest it again."
        )
    try:
        outcome = item_ingest(
            item=WireItem.from_json(entry.item), routing=Routing.for_source(entry.source), source=entry.source,
            origin=entry.origin,
        )  # fmt: skip
    except ItemRejected as exc:
        IngestLog.objects.filter(pk=entry.pk).update(
            reason=bounded(f"{exc} (retried {timezone.now():%Y-%m-%d %H:%M})", REASON_CHARS)
        )
        return "rejected"
    IngestLog.objects.filter(pk=entry.pk).update(status=IngestLog.Status.RETRIED, resolved_at=timezone.now())
    return outcome


# ---- documents that could not be read; folders and URLs ----------------------------------------------------


def _document_refused(
    *, origin: str, reason: str, source: IngestSource | None, data: bytes | None = None, size: int = 0
) -> IngestReport:
    refusals = Refusals(origin=origin, source=source)
    refusals.whole(reason=reason, data=data, size=size)
    refusals.close()
    report = IngestReport()
    report.add("documents refused")
    return report


def _folder_files(folder: Path) -> list[Path]:
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def _poll_folder(*, source: IngestSource, routing: Routing) -> IngestReport:
    """Each file is ingested (in batches shared with the files beside it), then moved to processed/ (or
    failed/, when the document itself was refused)."""
    folder = Path(source.location)
    report = IngestReport()
    if not folder.is_dir():
        return _document_refused(
            origin=str(folder), reason="the watched folder does not exist", source=source
        )
    groups = ingest_file_groups(
        files=_folder_files(folder), routing=routing, source=source, fmt=source.format
    )
    # A file that cannot be read or parsed is refused whole (_file_document): it never stops the folder.
    for files, refused, result in groups:
        report.merge(result)
        for file in files:  # once their batch is written: a crash before leaves them to the next poll
            report.merge(_file_done(file, folder=folder, failed=file in refused, source=source))
    return report


def _file_done(file: Path, *, folder: Path, failed: bool, source: IngestSource) -> IngestReport:
    target = folder / (FAILED if failed else PROCESSED)
    try:
        target.mkdir(exist_ok=True)
        shutil.move(file, target / file.name)
    except OSError as exc:  # left in place, it would be ingested again next poll (guids keep that safe)
        return _document_refused(
            origin=str(file), source=source,
            reason=f"ingested, but could not be moved to {target.name}/: {exc.strerror or exc}",
        )  # fmt: skip
    return IngestReport()


def _ingest_url(*, url: str, routing: Routing, source: IngestSource | None, fmt: str) -> IngestReport:
    etag = source.etag if source else ""
    last_modified = source.last_modified if source else ""
    try:
        fetched = fetch(
            url, etag=etag, last_modified=last_modified, timeout=settings.NEWSDESK_INGEST_TIMEOUT,
            max_bytes=settings.NEWSDESK_INGEST_MAX_BYTES,
        )  # fmt: skip
    except FetchError as exc:
        return _document_refused(origin=url, reason=str(exc), source=source)
    report = IngestReport()
    if fetched.not_modified:
        report.add("not modified")
        return report
    report = ingest_document(
        data=fetched.data,
        origin=url,
        routing=routing,
        source=source,
        fmt=fmt,
        content_type=fetched.content_type,
        fetched=True,
    )
    if source is not None and not report.counts.get("documents refused"):
        # Remember the validators only once the document was read, so a refused one is fetched again.
        IngestSource.objects.filter(pk=source.pk).update(
            etag=fetched.etag[:300], last_modified=fetched.last_modified[:100]
        )
    return report
