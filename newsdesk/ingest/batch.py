"""Bulk import: a document's new stories are written a batch at a time, with the per-item path's semantics.

The per-item path (``items.item_ingest``) costs a transaction and some twenty queries an item. Most items of
a large delivery are simply new stories, so those are checked in Python and written together, through the news
app's ``articles_ingest``: a batch's articles, their persons and topics, first revisions, ingest records, search
documents and the publishing pipeline's changes in one transaction — so a visible item is never missing from
search, and what must follow its publication (purge, live feed, pings) is never lost. An item that is not
simply new — a guid seen before (same version, update, withdrawal), a body we already have (linked), a picture,
a link, a text with photos — takes the per-item path at its place in the document, after the new stories
before it are written, so the outcome is what item by item
gives. A batch whose transaction fails is imported again item by item (one bad item never stops the others, and
its reason is precise); a crash leaves whole batches only, and the rerun finds their guids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.news import services as news
from newsdesk.news.models import Article, Person, Section, Topic
from newsdesk.search.services import search_index_articles

from . import items
from .formats import ItemRejected, Rejected, WireItem
from .items import IngestReport, Routing
from .models import IngestedItem, IngestSource
from .quarantine import Refusals

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000  # measured: fewer, larger batches share more of the search index's word list work
NAMES_PER_QUERY = 200  # person names per query: SQLite parses at most 1,000 ORs


@dataclass
class Document:
    """One document's parsed items and its quarantine writer (which its caller closes). Several documents'
    items share batches: a wire that delivers one item per file costs what one document of many items does."""

    origin: str
    items: list[WireItem | Rejected]
    refusals: Refusals


@dataclass
class _New:
    item: WireItem
    document: Document
    article: Article
    body_hash: str
    routing: Routing
    twin: _Twin | None = None  # a second copy of a story: linked to the first, no article of its own
    record: IngestedItem | None = None


@dataclass
class _Twin:
    """The first copy of a body: an ingest record in the database, or a new story earlier in the batch."""

    record_id: int | None = None
    article_id: int | None = None
    first: _New | None = None


def ingest_documents(
    documents: list[Document], *, routing: Routing, source: IngestSource | None
) -> IngestReport:
    """The documents' items in order, BATCH_SIZE at a time whichever document they come from."""
    report = IngestReport()
    entries = [(item, document) for document in documents for item in document.items]
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: no ids back
        for item, document in entries:
            report.add(items.item_outcome(
                item, origin=document.origin, routing=routing, source=source, refusals=document.refusals
            ))  # fmt: skip
        return report
    for start in range(0, len(entries), BATCH_SIZE):
        _Batch(routing=routing, source=source, report=report).run(entries[start : start + BATCH_SIZE])
    return report


class _Batch:
    def __init__(self, *, routing: Routing, source: IngestSource | None, report: IngestReport):
        self.routing, self.source, self.report = routing, source, report
        self.pending: list[_New] = []
        self.documents: dict[int, Document] = {}

    def run(self, entries: list[tuple[WireItem | Rejected, Document]]) -> None:
        self.documents = {id(document): document for _, document in entries}
        texts = [item for item, _ in entries if isinstance(item, WireItem)]
        hashes = [items.body_hash(item.body_html) for item in texts]
        self._preload(texts, hashes)
        seen_guids: set[str] = set()
        digests = iter(hashes)
        for parsed, document in entries:
            if isinstance(parsed, Rejected):
                self._refuse(document, parsed.ref, parsed.reason, parsed.item)
                continue
            digest = next(digests)
            simple = self._simply_new(parsed, digest, seen_guids)
            seen_guids.add(parsed.guid)
            if simple:
                self._add(parsed, document, digest)
            else:
                self.touched.add(digest)  # the per-item path may give this body a first copy: ask it again
                self._flush()  # what came before it is written first: the outcome is the item-by-item one
                self.report.add(self._one_by_one(parsed, document))
        self._flush()

    def _one_by_one(self, item: WireItem, document: Document) -> str:
        return items.item_outcome(
            item, origin=document.origin, routing=self.routing, source=self.source, refusals=document.refusals
        )

    def _preload(self, texts: list[WireItem], hashes: list[str]) -> None:
        self.known = set(
            IngestedItem.objects.filter(guid__in=[t.guid for t in texts]).values_list("guid", flat=True)
        )
        firsts = IngestedItem.objects.filter(
            body_hash__in=[h for h in hashes if h], article__isnull=False, duplicate_of__isnull=True
        ).values_list("body_hash", "pk", "article_id")  # newest first, as items._twin picks
        self.twins: dict[str, _Twin] = {}
        for digest, record_id, article_id in firsts:
            self.twins.setdefault(digest, _Twin(record_id=record_id, article_id=article_id))
        self.touched: set[str] = set()
        self.sections = {section.name.lower(): section for section in Section.objects.all()}
        self.now = timezone.now()

    def _simply_new(self, item: WireItem, digest: str, seen_guids: set) -> bool:
        """A story to create or to link to its first copy: what item_ingest sends to _article_create."""
        if item.kind in ("picture", "link") or (
            item.kind == "feed" and self.routing.mode == IngestSource.Mode.LINKS
        ):
            return False
        if item.pubstatus != "usable" or item.photo_guids:
            return False
        if item.guid in self.known or item.guid in seen_guids:
            return False
        return not digest or digest not in self.touched

    def _add(self, item: WireItem, document: Document, digest: str) -> None:
        try:
            items.check_item(item)
            routing = items.routed(item, self.routing, self.sections)
            body = items.check_copy(item, routing)
            article = items.new_article(item, routing, now=self.now)
            article.body = body
            # The newsroom's own rule (publish time, first publication, backfill), as article_save applies it.
            news.article_prepare(article=article, status=items.new_status(routing), now=self.now)
        except ValidationError as exc:
            self._refuse(
                document, item.guid, f"the article would be invalid: {'; '.join(exc.messages)}", item
            )
        except ItemRejected as exc:
            self._refuse(document, item.guid, str(exc), item)
        else:
            new = _New(
                item=item, document=document, article=article, body_hash=digest, routing=routing,
                twin=self.twins.get(digest),
            )  # fmt: skip
            if digest and new.twin is None:
                self.twins[digest] = _Twin(first=new)
            self.pending.append(new)

    def _refuse(self, document: Document, ref: str, reason: str, item: WireItem | None) -> None:
        document.refusals.item(ref=ref, reason=reason, item=item)
        self.report.add("rejected")

    def _flush_refusals(self) -> None:
        for document in self.documents.values():
            document.refusals.flush()

    def _flush(self) -> None:
        self._flush_refusals()
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                _write(pending, source=self.source, now=self.now)
        except Exception:  # the batch again, item by item: each gets its own outcome and precise reason
            logger.warning(
                "ingest: a batch of %d items from %s failed; importing them one by one",
                len(pending), pending[0].document.origin, exc_info=True,
            )  # fmt: skip
            for new in pending:
                self.report.add(self._one_by_one(new.item, new.document))
            self.twins = {d: t for d, t in self.twins.items() if t.first not in pending}
            self.touched |= {new.body_hash for new in pending}
            _index_fallen_back(pending)
            self._flush_refusals()
            return
        for new in pending:
            self.report.add("linked" if new.twin else "created")
            if new.body_hash and new.twin is None and new.record is not None:
                self.twins[new.body_hash] = _Twin(record_id=new.record.pk, article_id=new.article.pk)


def _write(group: list[_New], *, source: IngestSource | None, now) -> None:
    """Articles (with their persons, topics, revisions and pipeline changes: news' articles_ingest), ingest
    records and search documents, in the caller's transaction: a few statements in all."""
    pending = [new for new in group if new.twin is None]
    topics, persons = _tags(pending)
    articles = news.articles_ingest(
        new=[
            news.NewArticle(
                article=new.article,
                slug=items.wanted_slug(new.item, new.article.public_id),
                guid=new.item.guid,
                note=f"ingested from {new.document.origin}",
                topic_ids=[topic.pk for topic in topics[n]],
                person_ids=[person.pk for person in persons[n]],
            )
            for n, new in enumerate(pending)
        ],
        now=now,
    )
    records = [_record(new, source=source, article_id=new.article.pk) for new in pending]
    for new, record in zip(pending, records, strict=True):
        new.record = record
    IngestedItem.objects.bulk_create(records)
    linked = []
    for new in group:  # a second copy: linked to the first, as items._article_create does
        if new.twin is None:
            continue
        first = new.twin.first
        new.record = _record(
            new, source=source, article_id=first.article.pk if first else new.twin.article_id,
            duplicate_of_id=first.record.pk if first and first.record else new.twin.record_id,
        )  # fmt: skip
        linked.append(new.record)
    IngestedItem.objects.bulk_create(linked)
    # In the batch's transaction: once an item is visible it is searchable, even after a crash (drafts too:
    # the newsroom searches them). Measured: the same cost as indexing after commit (README "Wire ingest").
    tagged = {new.article.pk: (persons[n], topics[n]) for n, new in enumerate(pending)}
    search_index_articles(article_ids=[article.pk for article in articles], loaded=articles, tagged=tagged)


def _record(new: _New, *, source: IngestSource | None, **ids: int | None) -> IngestedItem:
    item = new.item
    return IngestedItem(
        guid=item.guid,
        version=item.version,
        source=source,
        body_hash=new.body_hash,
        url=item.url[:500],
        **ids,
    )


def _index_fallen_back(pending: list[_New]) -> None:
    """The per-item path indexes only what it publishes; what it created for this batch is indexed as the batch
    would have been (a failure here is repaired by the search sync)."""
    created = IngestedItem.objects.filter(
        guid__in=[new.item.guid for new in pending], article__isnull=False, duplicate_of__isnull=True
    ).values_list("article_id", flat=True)
    transaction.on_commit(partial(search_index_articles, article_ids=list(created)), robust=True)


def _tags(pending: list[_New]) -> tuple[list[list[Topic]], list[list[Person]]]:
    """Topics and persons for each item, as items._tag finds them, from one query each for the batch."""
    if not pending:
        return [], []
    codes = sorted({code for new in pending for code in new.item.subjects})
    names = sorted({name for new in pending for name in new.item.topics})
    query = items.topics_query(codes=codes, names=names, topic_map=pending[0].routing.topic_map)
    topics = list(Topic.objects.filter(query)) if codes or names else []
    people = sorted({name for new in pending for name in new.item.persons})
    found: dict[int, Person] = {}
    for start in range(0, len(people), NAMES_PER_QUERY):
        chunk = items.persons_query(people[start : start + NAMES_PER_QUERY])
        found |= {person.pk: person for person in Person.objects.filter(chunk)} if chunk else {}
    matched_topics = [[topic for topic in topics if _topic_matches(topic, new)] for new in pending]
    matched_persons = [items.persons_matched(new.item.persons, list(found.values())) for new in pending]
    return matched_topics, matched_persons


def _topic_matches(topic: Topic, new: _New) -> bool:
    item, topic_map = new.item, new.routing.topic_map
    return (
        any(topic_map.get(code) == topic.slug for code in item.subjects)
        or bool(topic.mediatopic_code and topic.mediatopic_code in item.subjects)
        or topic.name in item.topics
    )
