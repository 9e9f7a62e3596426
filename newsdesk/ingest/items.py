"""Wire ingest, one item at a time: an item becomes an article, a photo or "In other media" links.

Each item is imported in its own transaction — a crash (even ``kill -9``) leaves no half-imported item, and
the rerun finds the guid and creates no duplicate. A bad item is quarantined (``IngestLog``) with its reason
and never stops the others. Articles are written through newsdesk.news.services, as the newsroom does. The
bulk path (batch.py) builds on this one; documents, folders, URLs and sources are services.py's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.news import services as news
from newsdesk.news.html import html_to_text, sanitize_html
from newsdesk.news.models import (
    Article,
    Correction,
    OtherMediaLink,
    Person,
    Photo,
    Section,
    Topic,
    edition_for,
    new_public_id,
)
from newsdesk.news.nesting import MAX_DEPTH, too_deep

from .formats import ItemRejected, Rejected, WireItem
from .matching import matching_articles
from .models import IngestedItem, IngestSource
from .quarantine import Refusals

logger = logging.getLogger(__name__)
Status = Article.Status
DUPLICATE_MIN_CHARS = 200  # shorter bodies ("Photo.", one-line briefs) are too alike to call duplicates


@dataclass
class Routing:
    """Where items go and how: from a source's settings, or from the command line."""

    section: Section | None = None
    status: str = Status.REVIEW
    topic_map: dict = field(default_factory=dict)
    mode: str = IngestSource.Mode.COPY
    outlet: str = ""

    @classmethod
    def for_source(cls, source: IngestSource | None) -> Routing:
        if source is None:
            return cls()
        return cls(
            section=source.default_section, status=source.default_status, topic_map=source.topic_map or {},
            mode=source.mode, outlet=source.outlet,
        )  # fmt: skip


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)

    def add(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n

    def merge(self, other: IngestReport) -> None:
        self.counts.update(other.counts)

    def __str__(self) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.counts.items())) or "nothing to do"


def item_outcome(
    parsed: WireItem | Rejected,
    *,
    origin: str,
    routing: Routing,
    source: IngestSource | None,
    refusals: Refusals,
) -> str:
    """One item's outcome; a refusal goes to ``refusals`` (the document's quarantine writer)."""
    if isinstance(parsed, Rejected):
        refusals.item(ref=parsed.ref, reason=parsed.reason, item=parsed.item)
    else:
        try:
            return _item_ingest_retrying(item=parsed, routing=routing, source=source, origin=origin)
        except ItemRejected as exc:
            refusals.item(ref=parsed.guid, reason=str(exc), item=parsed)
        except Exception as exc:  # one bad item never stops the others; the reason is logged precisely
            logger.exception("ingest: item %s from %s failed", parsed.guid, origin)
            refusals.item(ref=parsed.guid, reason=f"internal error: {exc!r}", item=parsed)
    return "rejected"


def _item_ingest_retrying(*, item: WireItem, routing: Routing, source, origin: str) -> str:
    try:
        return item_ingest(item=item, routing=routing, source=source, origin=origin)
    except IntegrityError:
        # Another worker stored the same guid between our read and our write: read it again.
        return item_ingest(item=item, routing=routing, source=source, origin=origin)


# ---- one item ---------------------------------------------------------------------------------------------


@transaction.atomic
def item_ingest(*, item: WireItem, routing: Routing, source: IngestSource | None, origin: str) -> str:
    """guid + version decide: new → create; same version → nothing; newer → update; older → ignored;
    canceled → withdrawn. Returns the outcome's name for the report."""
    check_item(item)
    record = IngestedItem.objects.select_for_update().filter(guid=item.guid).first()
    if record is not None:
        return _known(record, item=item, routing=routing, origin=origin)
    if item.pubstatus != "usable":
        return "ignored"  # the withdrawal of a story we never had: nothing to withdraw
    if item.kind == "picture":
        return _picture_create(item, source=source)
    if item.kind == "link" or (item.kind == "feed" and routing.mode == IngestSource.Mode.LINKS):
        return _links_create(item, routing=routing, source=source)
    return _article_create(item, routing=routing, source=source, origin=origin)


def check_item(item: WireItem) -> None:
    if not item.guid or len(item.guid) > 300:
        raise ItemRejected("the item has no guid, or one longer than 300 characters")
    size = len(item.body_html.encode()) + len(item.lead.encode()) + len(item.headline.encode())
    if size > settings.NEWSDESK_INGEST_MAX_ITEM_BYTES:
        raise ItemRejected(
            f"item text is {size} bytes, over the limit of {settings.NEWSDESK_INGEST_MAX_ITEM_BYTES}"
        )
    if too_deep(item.body_html) or too_deep(item.lead):  # checked before sanitizing, which would take minutes
        raise ItemRejected(f"the item's HTML nests more than {MAX_DEPTH} levels deep; no story needs that")


def _known(record: IngestedItem, *, item: WireItem, routing: Routing, origin: str) -> str:
    if item.version < record.version:
        return "older"
    if item.version == record.version and item.pubstatus == "usable":
        return "unchanged"
    IngestedItem.objects.filter(pk=record.pk).update(version=item.version, updated_at=timezone.now())
    if record.duplicate_of_id or record.article_id is None:
        return "unchanged"  # links, photos and second copies of a story follow their first copy
    article = Article.objects.select_for_update().get(pk=record.article_id)
    if item.pubstatus != "usable":
        return _article_withdraw(article, item=item, routing=routing)
    return _article_update(article, item=item, routing=routing, origin=origin)


def _article_create(item: WireItem, *, routing: Routing, source, origin: str) -> str:
    routing = routed(item, routing)
    check_copy(item, routing)
    digest = body_hash(item.body_html)
    twin = _twin(digest)
    if twin is not None:
        IngestedItem.objects.create(
            guid=item.guid, version=item.version, source=source, article_id=twin.article_id, body_hash=digest,
            duplicate_of=twin, url=item.url[:500],
        )  # fmt: skip
        return "linked"
    article = new_article(item, routing)
    if (
        article.public_id == item_public_id(item)
        and Article.objects.filter(public_id=article.public_id).exists()
    ):
        article.public_id = new_public_id()  # our item's public id is taken (by the original, still here)
    article.slug = _unique_slug(wanted_slug(item, article.public_id), article.public_id)
    if not Article.objects.filter(guid=item.guid).exists():
        article.guid = item.guid  # the provider's guid travels on: our feeds and the wire API show it
    _save(article, status=new_status(routing), note=f"ingested from {origin}"[:200])
    _tag(article, item, routing)
    IngestedItem.objects.create(
        guid=item.guid,
        version=item.version,
        source=source,
        article=article,
        body_hash=digest,
        url=item.url[:500],
    )
    return "created"


def check_copy(item: WireItem, routing: Routing) -> str:
    """The reason an item cannot become an article, or its sanitized body."""
    if not item.headline.strip():
        raise ItemRejected("the item has no headline")
    body = sanitize_html(item.body_html)
    if not html_to_text(body):
        raise ItemRejected("the item has no body text")
    if routing.section is None:
        raise ItemRejected("no section to put it in: set the source's default section (or pass --section)")
    return body


def routed(item: WireItem, routing: Routing, sections: dict[str, Section] | None = None) -> Routing:
    """The item's own section when it names one of ours (our exports do), else the source's default."""
    if not item.section:
        return routing
    if sections is None:
        found = Section.objects.filter(name__iexact=item.section).first()
    else:
        found = sections.get(item.section.lower())
    return dataclasses.replace(routing, section=found) if found else routing


def new_status(routing: Routing) -> str:
    return Status.PUBLISHED if routing.status == Status.PUBLISHED else Status.REVIEW


def new_article(item: WireItem, routing: Routing, *, now: dt.datetime | None = None) -> Article:
    """A new article from an item. The provider's version and times travel on, and an item of ours keeps its
    public id (when free), so that re-importing our own export gives the same document."""
    article = Article(section=routing.section, slug="-", version=max(item.version, 1))
    article.public_id = item_public_id(item) or article.public_id
    fill(article, item, routing)
    if new_status(routing) == Status.PUBLISHED:
        now = (now or timezone.now()).replace(microsecond=0)  # whole seconds, as the newsroom publishes
        # Never in the future: a provider's clock ahead of ours must not turn copy into a schedule.
        article.publish_at = min(item.firstcreated or now, now)
        if item.versioncreated and article.publish_at < item.versioncreated <= now:
            article.updated_at = item.versioncreated
        if item.embargoed and item.embargoed > article.publish_at:
            # "Publish at once" still keeps the embargo: the item is scheduled for the time it lifts.
            article.publish_at = item.embargoed.replace(microsecond=0)
    return article


def item_public_id(item: WireItem) -> int | None:
    """Our own guid (urn:newsml:<our authority>:<public id>) coming back: its public id."""
    prefix = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:"
    number = item.guid.removeprefix(prefix)
    return int(number) if item.guid.startswith(prefix) and number.isdigit() and len(number) < 16 else None


def _save(article: Article, *, status: str, note: str, previous: dict | None = None) -> None:
    try:
        news.article_save(article=article, by=None, status=status, note=note, previous=previous)
    except ValidationError as exc:
        raise ItemRejected(f"the article would be invalid: {'; '.join(exc.messages)}") from None


def _article_update(article: Article, *, item: WireItem, routing: Routing, origin: str) -> str:
    check_copy(item, Routing(section=article.section))
    previous = news.snapshot(article)
    was_public = article.visible_at()
    fill(article, item, routing)
    _save(
        article, status=article.status, note=f"version {item.version} from {origin}"[:200], previous=previous
    )
    _tag(article, item, routing)
    IngestedItem.objects.filter(guid=item.guid).update(body_hash=body_hash(item.body_html))
    if was_public:
        outlet = item.outlet or routing.outlet or "the provider"
        news.article_correct(
            article=article,
            by=None,
            kind=Correction.Kind.UPDATE,
            note=f"Updated with a new version from {outlet}.",
        )
    return "updated"


def _article_withdraw(article: Article, *, item: WireItem, routing: Routing) -> str:
    if article.status == Status.WITHDRAWN:
        return "unchanged"
    outlet = item.outlet or routing.outlet or "the provider"
    news.article_withdraw(article=article, by=None, note=f"This story was withdrawn by {outlet}.")
    return "withdrawn"


def fill(article: Article, item: WireItem, routing: Routing) -> None:
    """The item's fields onto the article, cut to the model's limits (a long headline must not fail the item)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    when = item.versioncreated or item.firstcreated
    article.headline = item.headline.strip()[:300]
    article.lead = item.lead.strip()
    article.body = item.body_html
    article.byline = item.byline.strip()[:200]
    article.language = edition_for(item.language)  # "ru-RU" lands in the ru edition, "de" in the default one
    if article.section_id is not None and article.section.language != article.language:
        found = edition_section(article.section, article.language)
        if (
            found is None
        ):  # that edition has no sections yet: the routed section's edition, as before editions
            article.language = article.section.language
        else:
            article.section = found
    article.dateline_place = item.dateline_place.strip()[:100]
    article.dateline_date = item.dateline_date or (when.astimezone(zone).date() if when else None)
    article.dateline_source = (item.outlet or routing.outlet)[:50]
    article.urgency = min(max(item.urgency or 5, 1), 8)  # ninjs has 9 levels; the site shows 1–8
    article.embargoed_until = item.embargoed  # news.services refuses to publish before it
    photo = _lead_photo(item)
    if photo is not None:
        article.lead_photo = photo


def edition_section(section: Section, language: str) -> Section | None:
    """The section of the ``language`` edition an item routed to ``section`` (another edition's: a source's
    default section is one section) goes to: the one in the same place of that edition's list (editions list
    the same desks in the same order), else that edition's first; None when it has none."""
    sections = list(Section.objects.filter(language=language).order_by("order", "name"))
    return next((s for s in sections if s.order == section.order), sections[0] if sections else None)


def _lead_photo(item: WireItem):
    if not item.photo_guids:
        return None
    record = (
        IngestedItem.objects.filter(guid__in=item.photo_guids, photo__isnull=False)
        .select_related("photo")
        .first()
    )
    if record is not None:
        return record.photo
    prefix = (
        f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:photo:"  # our own photos, as our exports name them
    )
    own = [g.removeprefix(prefix) for g in item.photo_guids if g.startswith(prefix)]
    return Photo.objects.filter(pk__in=[int(n) for n in own if n.isdigit()]).first() if own else None


def _unique_slug(base: str, public_id: int) -> str:
    return base if not Article.objects.filter(slug=base).exists() else slug_with_id(base, public_id)


def wanted_slug(item: WireItem, public_id: int) -> str:
    """The headline's slug; our own item keeping its public id keeps its slug too (from its page's address)."""
    site = settings.NEWSDESK_SITE_URL + "/"
    if public_id == item_public_id(item) and item.url.startswith(site):
        try:
            match = resolve(urlsplit(item.url).path)
        except Resolver404:
            match = None
        if match and match.view_name == "site:article" and match.kwargs.get("public_id") == public_id:
            return slugify(match.kwargs["slug"])[:180] or slug_base(item.headline)
    return slug_base(item.headline)


def slug_base(headline: str) -> str:
    return slugify(headline)[:180] or "article"


def slug_with_id(base: str, public_id: int) -> str:
    return f"{base[:160]}-{public_id}"


def body_hash(body_html: str) -> str:
    if too_deep(body_html):  # check_item refuses it; its text would take html_to_text half a minute to read
        return ""
    text = html_to_text(body_html).lower()
    return hashlib.sha256(text.encode()).hexdigest() if len(text) >= DUPLICATE_MIN_CHARS else ""


def _twin(body_hash: str) -> IngestedItem | None:
    if not body_hash:
        return None
    return IngestedItem.objects.filter(
        body_hash=body_hash, article__isnull=False, duplicate_of__isnull=True
    ).first()


def _tag(article: Article, item: WireItem, routing: Routing) -> None:
    """Topics from provider codes (the source's map, then IPTC Media Topic codes); persons we already have."""
    query = topics_query(codes=item.subjects, names=item.topics, topic_map=routing.topic_map)
    topics = Topic.objects.filter(query) if item.subjects or item.topics else []
    news.article_tags_add(
        article=article, topics=topics, persons=_persons(item.persons) if item.persons else []
    )


def topics_query(*, codes: list[str], names: list[str], topic_map: dict) -> Q:
    """The source's map of provider codes, IPTC Media Topic codes, and topic names as we write them."""
    slugs = [topic_map[code] for code in codes if code in topic_map]
    return Q(slug__in=slugs) | Q(mediatopic_code__in=codes) | Q(name__in=names)


def _persons(names: list[str]) -> list[Person]:
    query = persons_query(names)
    return persons_matched(names, list(Person.objects.filter(query)) if query else [])


def _wanted(names: list[str]) -> list[str]:
    return [" ".join(n.split()) for n in names if n.strip()]


def persons_query(names: list[str]) -> Q:
    query = Q()
    for name in _wanted(names):
        query |= Q(name__iexact=name) | Q(slug=slugify(name))
        if " " not in name:
            query |= Q(name__iendswith=f" {name}")
    return query


def persons_matched(names: list[str], found: list[Person]) -> list[Person]:
    """Exact name or slug; a one-word name ("reagan") matches a person's surname when only one person has it."""
    matched = []
    for name in _wanted(names):
        exact = [p for p in found if p.name.lower() == name.lower() or p.slug == slugify(name)]
        by_surname = [p for p in found if " " not in name and p.name.lower().endswith(f" {name.lower()}")]
        matched += exact or (by_surname if len(by_surname) == 1 else [])
    return list(dict.fromkeys(matched))


def _picture_create(item: WireItem, *, source) -> str:
    if not item.caption or not item.credit:
        raise ItemRejected("a picture needs a caption and a credit line")
    try:
        with open(item.image_path, "rb") as handle:
            photo = news.photo_create(
                image=File(handle, name=Path(item.image_path).name), caption=item.caption[:500],
                credit=item.credit[:200], alt_text=item.caption[:300],
            )  # fmt: skip
    except OSError as exc:
        raise ItemRejected(f"cannot read the picture file: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise ItemRejected(f"picture refused: {'; '.join(exc.messages)}") from None
    IngestedItem.objects.create(guid=item.guid, version=item.version, source=source, photo=photo)
    return "photos"


def _links_create(item: WireItem, *, routing: Routing, source) -> str:
    """Another outlet's story: remembered by guid, shown as "In other media" under our matching articles."""
    if not re.match(r"^https?://", item.url):
        raise ItemRejected(f"a link item needs an http(s) link, not {item.url!r}")
    IngestedItem.objects.create(guid=item.guid, version=item.version, source=source, url=item.url[:500])
    articles = matching_articles(headline=item.headline, lead=item.lead, at=item.versioncreated)
    outlet = (routing.outlet or item.outlet or "")[:100]
    links = [
        OtherMediaLink(
            article=article,
            title=item.headline[:300],
            outlet=outlet,
            url=item.url[:500],
            order=50,
            published_on=item.versioncreated.date() if item.versioncreated else None,
        )  # fmt: skip
        for article in articles
    ]
    news.other_media_links_add(links=links)
    return "links" if links else "unmatched links"
