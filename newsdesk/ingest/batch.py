"""Bulk import: a document's new stories are written a batch at a time, with the per-item path's semantics.

The per-item path (``services.item_ingest``) costs a transaction and some twenty queries an item. Most items of
a large delivery are simply new stories, so those are checked in Python and written together: a batch's
articles, their persons and topics, first revisions and ingest records in one transaction, indexed for search
in one go once it commits. An item that is not simply new — a guid seen before (same version, update,
withdrawal), a body we already have (linked), a picture, a link, a text with photos — takes the per-item path
at its place in the document, after the new stories before it are written, so the outcome is what item by item
gives. A batch whose transaction fails is imported again item by item (one bad item never stops the others, and
its reason is precise); a crash leaves whole batches only, and the rerun finds their guids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from newsdesk.news import services as news
from newsdesk.news.models import Article, Person, Revision, Section, Topic, new_public_id
from newsdesk.search.services import search_index_article, search_index_articles

from . import services
from .formats import ItemRejected, Rejected, WireItem
from .models import IngestedItem, IngestSource
from .quarantine import Refusals
from .services import IngestReport, Routing

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000  # measured: fewer, larger batches share more of the search index's word list work
# Foreign keys are checked by the database on insert; the per-item path checks them with a query each.
NOT_VALIDATED = ["section", "lead_photo", "created_by"]
NAMES_PER_QUERY = 200  # person names per query: SQLite parses at most 1,000 ORs


@dataclass
class _New:
    item: WireItem
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


def ingest_items(
    items: list[WireItem | Rejected],
    *,
    origin: str,
    routing: Routing,
    source: IngestSource | None,
    refusals: Refusals | None = None,
) -> IngestReport:
    """``refusals``: the document's quarantine writer (its caller closes it); without one, one of our own."""
    own = refusals is None
    refusals = Refusals(origin=origin, source=source) if own else refusals
    report = IngestReport()
    try:
        if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35: no ids back
            for item in items:
                outcome = services.item_outcome(
                    item, origin=origin, routing=routing, source=source, refusals=refusals
                )
                report.add(outcome)
            return report
        for start in range(0, len(items), BATCH_SIZE):
            batch = _Batch(origin=origin, routing=routing, source=source, report=report, refusals=refusals)
            batch.run(items[start : start + BATCH_SIZE])
        return report
    finally:
        if own:
            refusals.close()


class _Batch:
    def __init__(
        self,
        *,
        origin: str,
        routing: Routing,
        source: IngestSource | None,
        report: IngestReport,
        refusals: Refusals,
    ):
        self.origin, self.routing, self.source, self.report = origin, routing, source, report
        self.pending: list[_New] = []
        self.refusals = refusals

    def run(self, items: list[WireItem | Rejected]) -> None:
        texts = [item for item in items if isinstance(item, WireItem)]
        hashes = [services.body_hash(item.body_html) for item in texts]
        self._preload(texts, hashes)
        seen_guids: set[str] = set()
        digests = iter(hashes)
        for parsed in items:
            if isinstance(parsed, Rejected):
                self._refuse(parsed.ref, parsed.reason, parsed.item)
                continue
            digest = next(digests)
            simple = self._simply_new(parsed, digest, seen_guids)
            seen_guids.add(parsed.guid)
            if simple:
                self._add(parsed, digest)
            else:
                self.touched.add(digest)  # the per-item path may give this body a first copy: ask it again
                self._flush()  # what came before it is written first: the outcome is the item-by-item one
                self.report.add(
                    services.item_outcome(
                        parsed,
                        origin=self.origin,
                        routing=self.routing,
                        source=self.source,
                        refusals=self.refusals,
                    )  # fmt: skip
                )
        self._flush()

    def _preload(self, texts: list[WireItem], hashes: list[str]) -> None:
        self.known = set(
            IngestedItem.objects.filter(guid__in=[t.guid for t in texts]).values_list("guid", flat=True)
        )
        firsts = IngestedItem.objects.filter(
            body_hash__in=[h for h in hashes if h], article__isnull=False, duplicate_of__isnull=True
        ).values_list("body_hash", "pk", "article_id")  # newest first, as services._twin picks
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

    def _add(self, item: WireItem, digest: str) -> None:
        try:
            services.check_item(item)
            routing = services.routed(item, self.routing, self.sections)
            body = services.check_copy(item, routing)
            article = services.new_article(item, routing, now=self.now)
            article.body = body
            # The newsroom's own rule (publish time, first publication), as article_save applies it.
            news._apply_status(article, services.new_status(routing), now=self.now)
            article.full_clean(exclude=NOT_VALIDATED, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self._refuse(item.guid, f"the article would be invalid: {'; '.join(exc.messages)}", item)
        except ItemRejected as exc:
            self._refuse(item.guid, str(exc), item)
        else:
            new = _New(
                item=item, article=article, body_hash=digest, routing=routing, twin=self.twins.get(digest)
            )
            if digest and new.twin is None:
                self.twins[digest] = _Twin(first=new)
            self.pending.append(new)

    def _refuse(self, ref: str, reason: str, item: WireItem | None) -> None:
        self.refusals.item(ref=ref, reason=reason, item=item)
        self.report.add("rejected")

    def _flush(self) -> None:
        self.refusals.flush()
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                _write(pending, source=self.source, origin=self.origin, now=self.now)
        except Exception:  # the batch again, item by item: each gets its own outcome and precise reason
            logger.warning(
                "ingest: a batch of %d items from %s failed; importing them one by one",
                len(pending), self.origin, exc_info=True,
            )  # fmt: skip
            for new in pending:
                self.report.add(
                    services.item_outcome(
                        new.item,
                        origin=self.origin,
                        routing=self.routing,
                        source=self.source,
                        refusals=self.refusals,
                    )  # fmt: skip
                )
            self.twins = {d: t for d, t in self.twins.items() if t.first not in pending}
            self.touched |= {new.body_hash for new in pending}
            _index_fallen_back(pending)
            self.refusals.flush()
            return
        for new in pending:
            self.report.add("linked" if new.twin else "created")
            if new.body_hash and new.twin is None:
                self.twins[new.body_hash] = _Twin(record_id=new.record.pk, article_id=new.article.pk)


def _write(group: list[_New], *, source: IngestSource | None, origin: str, now) -> None:
    """Articles, their topics and persons, first revisions and ingest records: a few statements in all."""
    pending = [new for new in group if new.twin is None]
    _settle_identities(pending)
    note = f"ingested from {origin}"[:200]
    # As article_save records it: before persons and topics are added.
    snapshots = [{**news.snapshot(new.article), "persons": [], "topics": []} for new in pending]
    articles = Article.objects.bulk_create([new.article for new in pending])
    _tag(pending)
    Revision.objects.bulk_create(
        Revision(article=article, changed_fields=["created"], snapshot=snapshot, note=note)
        for article, snapshot in zip(articles, snapshots, strict=True)
    )
    for new in pending:
        new.record = _record(new, source=source, article_id=new.article.pk)
    IngestedItem.objects.bulk_create([new.record for new in pending])
    twins = [new for new in group if new.twin is not None]
    for new in twins:  # linked to the first copy, as services._article_create does
        first = new.twin.first
        new.record = _record(
            new, source=source, article_id=first.article.pk if first else new.twin.article_id,
            duplicate_of_id=first.record.pk if first else new.twin.record_id,
        )  # fmt: skip
    IngestedItem.objects.bulk_create([new.record for new in twins])
    visible = [article.pk for article in articles if article.visible_at(now)]
    transaction.on_commit(partial(_after_commit, articles, visible), robust=True)


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


def _after_commit(articles: list[Article], visible: list[int]) -> None:
    """The whole batch into the search index at once (drafts too: the newsroom searches them); the other
    after-publish hooks (cache purge, live feed, pings) for each article readers can see."""
    search_index_articles(article_ids=[article.pk for article in articles], loaded=articles)
    for hook in news.after_publish_hooks:
        if hook is not search_index_article:
            for article_id in visible:
                hook(article_id)


def _index_fallen_back(pending: list[_New]) -> None:
    """The per-item path indexes only what it publishes; what it created for this batch is indexed as the batch
    would have been (a failure here is repaired by the search sync)."""
    created = IngestedItem.objects.filter(
        guid__in=[new.item.guid for new in pending], article__isnull=False, duplicate_of__isnull=True
    ).values_list("article_id", flat=True)
    transaction.on_commit(partial(search_index_articles, article_ids=list(created)), robust=True)


def _settle_identities(pending: list[_New]) -> None:
    """Public id, slug and guid, unique as the per-item path makes them, from three queries for the batch.

    Public ids are random in 900 million: among some 20,000 articles two alike are likely (the birthday
    paradox), so the batch's are checked too, not left to fail the batch's insert."""
    ids = [new.article.public_id for new in pending]
    taken_ids = set(Article.objects.filter(public_id__in=ids).values_list("public_id", flat=True))
    for new in pending:
        while new.article.public_id in taken_ids:
            new.article.public_id = new_public_id()
        taken_ids.add(new.article.public_id)
    bases = [services.wanted_slug(n.item, n.article.public_id) for n in pending]
    taken_slugs = set(Article.objects.filter(slug__in=bases).values_list("slug", flat=True))
    guids = [n.item.guid for n in pending]
    taken_guids = set(Article.objects.filter(guid__in=guids).values_list("guid", flat=True))
    for new, base in zip(pending, bases, strict=True):
        article = new.article
        article.slug = base if base not in taken_slugs else services.slug_with_id(base, article.public_id)
        taken_slugs.add(article.slug)
        if new.item.guid in taken_guids:
            article.guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:{article.public_id}"
        else:
            article.guid = new.item.guid  # the provider's guid travels on, as in the per-item path


def _tag(pending: list[_New]) -> None:
    """Topics and persons as services._tag finds them, from one query each for the whole batch."""
    if not pending:
        return
    codes = sorted({code for new in pending for code in new.item.subjects})
    names = sorted({name for new in pending for name in new.item.topics})
    query = services.topics_query(codes=codes, names=names, topic_map=pending[0].routing.topic_map)
    topics = list(Topic.objects.filter(query)) if codes or names else []
    people = sorted({name for new in pending for name in new.item.persons})
    found: dict[int, Person] = {}
    for start in range(0, len(people), NAMES_PER_QUERY):
        chunk = services.persons_query(people[start : start + NAMES_PER_QUERY])
        found |= {person.pk: person for person in Person.objects.filter(chunk)} if chunk else {}
    topic_rows, person_rows = [], []
    for new in pending:
        article_id = new.article.pk
        topic_rows += [
            Article.topics.through(article_id=article_id, topic_id=topic.pk)
            for topic in topics
            if _topic_matches(topic, new)
        ]
        person_rows += [
            Article.persons.through(article_id=article_id, person_id=person.pk)
            for person in services.persons_matched(new.item.persons, list(found.values()))
        ]
    Article.topics.through.objects.bulk_create(topic_rows)
    Article.persons.through.objects.bulk_create(person_rows)


def _topic_matches(topic: Topic, new: _New) -> bool:
    item, topic_map = new.item, new.routing.topic_map
    return (
        any(topic_map.get(code) == topic.slug for code in item.subjects)
        or bool(topic.mediatopic_code and topic.mediatopic_code in item.subjects)
        or topic.name in item.topics
    )
