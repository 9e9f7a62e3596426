"""Reads for reader-facing paths. Every article list here goes through ``Article.objects.published``."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from newsdesk import editions

from .models import (
    Article,
    Correction,
    Gallery,
    GalleryPhoto,
    Infographic,
    OtherMediaLink,
    Person,
    Photo,
    ReadAlso,
    ReadAlsoSuggestion,
    Section,
    Topic,
)
from .prepared import PreparedByIds, PreparedQuery, union_rows


def withdrawn_for_reader(*, public_id: int, at: dt.datetime | None = None) -> Article | None:
    """A withdrawn article readers once saw, with its corrections: all its 410 page shows."""
    at = at or timezone.now()
    qs = _reader_reachable(at=at).filter(public_id=public_id, status=Article.Status.WITHDRAWN)
    return qs.prefetch_related("corrections").first()


def _reader_reachable(*, at: dt.datetime) -> QuerySet[Article]:
    """What a reader may open at ``at``: the gate, plus withdrawn articles readers once saw (their 410 page)."""
    once_public = Article.objects.withdrawn().filter(first_published_at__isnull=False)
    return Article.objects.published(at=at) | once_public


def article_for_preview(*, pk: int) -> Article | None:
    return _with_page_relations(Article.objects.filter(pk=pk), at=timezone.now()).first()


def _with_page_relations(qs: QuerySet[Article], *, at: dt.datetime) -> QuerySet[Article]:
    # Read also targets come with the page; one that a reader may not see is shown as plain text
    # (ReadAlso.reader_link), never as a link that leaks a draft.
    return qs.select_related("section", "lead_photo").prefetch_related(
        "persons",
        "topics",
        "corrections",
        "other_media",
        Prefetch("read_also", queryset=ReadAlso.objects.select_related("target")),
    )


# --- Reader feeds: keyset ("before this item") pagination, one query per page at any depth. ---

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"([0-9]{1,17})-([0-9]{1,18})")  # 17 digits of microseconds reach the year 5138


@dataclass(frozen=True)
class FeedCursor:
    """The last item a reader has seen: the next page starts strictly after it in (publish_at, id) order."""

    publish_at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{(self.publish_at - _EPOCH) // dt.timedelta(microseconds=1)}-{self.id}"

    @classmethod
    def decode(cls, raw: str) -> FeedCursor:
        """Raises ValueError for anything but a well-formed cursor, so callers answer 400."""
        match = _CURSOR.fullmatch(raw)
        if not match:
            raise ValueError("A feed cursor looks like 1496133660000000-42.")
        publish_at = _EPOCH + dt.timedelta(microseconds=int(match.group(1)))
        return cls(publish_at=publish_at, id=int(match.group(2)))


MAX_RANKED = 50  # more ranked stories than any front page shows; bounds the top-story lookup


@dataclass(frozen=True, slots=True)
class Card:
    """What a feed shows of an article: read as plain values (no model instance per card), with its section."""

    id: int
    public_id: int
    slug: str
    headline: str
    lead: str
    urgency: int
    status: str
    publish_at: dt.datetime
    lead_photo_id: int | None
    is_backfill: bool | None
    section: Section

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return reverse("site:article", kwargs={"public_id": self.public_id, "slug": self.slug})

    def visible_at(self, at: dt.datetime) -> bool:
        # Article.visible_at's rule (the gate on one row), on the values read.
        return self.status in _VISIBLE and self.publish_at <= at


_VISIBLE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


@dataclass(frozen=True)
class FeedPage:
    articles: list[Card]
    next_cursor: FeedCursor | None


def feed_page(
    *,
    limit: int = 30,
    cursor: FeedCursor | None = None,
    section_ids: Collection[int] | None = None,
    person_id: int | None = None,
    topic_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    at: dt.datetime | None = None,
    sections: Iterable[Section] | None = None,
    language: str | None = None,
) -> FeedPage:
    """A page of the reader feed of an edition (``language``, default: the current one), newest first, narrowed
    to sections, a person, a topic or a time span.

    One read, of index ranges that stop after ``limit`` rows at any depth (``_card_rows``); the cards' sections
    from ``sections`` (the page's header has read them), or read here.
    """
    at = at or timezone.now()
    keys = FeedKeys(
        cursor=cursor,
        since=since,
        until=until,
        person_id=person_id,
        topic_id=topic_id,
        at=at,
        language=language or editions.current(),
    )
    rows = _card_rows(keys, section_ids=sorted(section_ids) if section_ids else [None], limit=limit + 1)
    cards = _newest(_cards_of([row for part in rows for row in part], sections))[: limit + 1]
    next_cursor = (
        FeedCursor(publish_at=cards[limit - 1].publish_at, id=cards[limit - 1].id)
        if len(cards) > limit
        else None
    )
    return FeedPage(articles=cards[:limit], next_cursor=next_cursor)


@dataclass(frozen=True)
class FeedKeys:
    """What narrows a feed besides its sections."""

    at: dt.datetime
    cursor: FeedCursor | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    person_id: int | None = None
    topic_id: int | None = None
    # The edition. A slice of one section needs none: a section is in one edition (and naming both would let
    # the planner walk the language index instead of the section's).
    language: str | None = None


# What a list reads of an article: a card's fields (Card's, in order, then the section's id) and its top-story
# rank. Not its section: that is joined in Python, from the sections' rows every page reads anyway (a join in
# these ranged queries makes SQLite walk the whole index range instead of stopping after the limit).
CARD_ROW = (
    "id", "public_id", "slug", "headline", "lead", "urgency", "status", "publish_at", "lead_photo_id",
    "is_backfill", "section_id", "top_story_rank",
)  # fmt: skip
_KEY_KINDS = {
    "at": dt.datetime, "cursor_at": dt.datetime, "cursor_id": int, "until": dt.datetime, "since": dt.datetime,
    "person_id": int, "topic_id": int, "section_id": int, "language": str,
}  # fmt: skip
_slice_queries: dict[tuple, PreparedQuery] = {}


def _card_rows(keys: FeedKeys, *, section_ids: Sequence[int | None], limit: int) -> list[list[tuple]]:
    """Raw ``CARD_ROW`` rows (see ``_cards_of``) of up to ``limit`` newest visible articles narrowed by
    ``keys``, for each section id (None: all sections), in one statement (``union_rows``).

    Each slice is an index range that stops after ``limit`` rows. SQLite stops early across the gate's IN list
    of statuses but not across two IN lists, hence one slice per section. PostgreSQL sorts the whole range for
    an IN list, hence one slice per status there too (the gate still decides which are visible; the others
    come back empty at once).
    """
    runs, per_slice = _slice_runs(keys, [(section_id, limit) for section_id in section_ids])
    return _by_slice(union_rows(runs, raw=True), per_slice)


def _slice_runs(keys: FeedKeys, slices: list[tuple[int | None, int]]) -> tuple[list[tuple], int]:
    """The runs (``union_rows``) that read each (section id or None, limit) slice, and how many runs a slice
    takes: one, or one per status on PostgreSQL."""
    statuses = Article.Status.values if connection.features.supports_slicing_ordering_in_compound else [None]
    runs = []
    for section_id, limit in slices:
        values = _keys_values(keys, section_id=section_id)
        runs += [(_slice_query(tuple(values), limit, status), values) for status in statuses]
    return runs, len(statuses)


def _by_slice(rows: list[list[tuple]], per_slice: int) -> list[list[tuple]]:
    return [[row for part in rows[n : n + per_slice] for row in part] for n in range(0, len(rows), per_slice)]


def _slice_query(names: tuple[str, ...], limit: int, status: str | None) -> PreparedQuery:
    """A slice of ``_card_rows``, compiled once per shape (which narrowings are present, the limit, the status)."""
    shape = (names, limit, status)
    query = _slice_queries.get(shape)
    if query is None:
        build = functools.partial(_slice_from_values, limit=limit, status=status)
        query = _slice_queries[shape] = PreparedQuery(build, **{name: _KEY_KINDS[name] for name in names})
    return query


def _keys_values(keys: FeedKeys, *, section_id: int | None) -> dict:
    cursor = keys.cursor
    values = {
        "at": keys.at,
        "cursor_at": cursor.publish_at if cursor else None,
        "cursor_id": cursor.id if cursor else None,
        "until": keys.until,
        "since": keys.since,
        "person_id": keys.person_id,
        "topic_id": keys.topic_id,
        "section_id": section_id,
        "language": keys.language if section_id is None else None,
    }
    return {name: value for name, value in values.items() if value is not None}


def _slice_from_values(
    *,
    limit: int,
    status: str | None,
    at: dt.datetime,
    cursor_at: dt.datetime | None = None,
    cursor_id: int | None = None,
    section_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    person_id: int | None = None,
    topic_id: int | None = None,
    language: str | None = None,
) -> QuerySet[Article, tuple[Any, ...]]:
    # Both or neither: _keys_values reads them from one cursor.
    cursor = (
        None if cursor_at is None or cursor_id is None else FeedCursor(publish_at=cursor_at, id=cursor_id)
    )
    keys = FeedKeys(
        at=at,
        cursor=cursor,
        since=since,
        until=until,
        person_id=person_id,
        topic_id=topic_id,
        language=language,
    )
    sections = None if section_id is None else [section_id]
    return _keys_filter(keys, section_ids=sections, status=status).values_list(*CARD_ROW)[:limit]


def _keys_filter(keys: FeedKeys, *, section_ids: list[int] | None, status: str | None = None) -> QuerySet:
    """The visible articles that ``keys`` and the sections narrow to, newest first."""
    # The cursor and ``until`` bounds come before the visibility gate on purpose: SQLite takes the first upper
    # bound on publish_at it meets as the index range, so a deep page starts its scan at the cursor instead of
    # walking every newer row (tests/site/test_feed_keyset.py counts the work).
    qs = Article.objects.all()
    if keys.cursor is not None:
        qs = qs.filter(publish_at__lte=keys.cursor.publish_at).filter(
            Q(publish_at__lt=keys.cursor.publish_at) | Q(id__lt=keys.cursor.id)
        )
    if keys.until is not None:
        qs = qs.filter(publish_at__lt=keys.until)
    qs = qs.published(at=keys.at)
    filters = {
        "status": status,
        "publish_at__gte": keys.since,
        "section_id__in": section_ids,
        "persons": keys.person_id,
        "topics": keys.topic_id,
        "language": keys.language,
    }
    qs = qs.filter(**{name: value for name, value in filters.items() if value is not None})
    return qs.order_by("-publish_at", "-id")


_cards_kept: dict[tuple, Card] = {}


def _cards_of(rows: Iterable[tuple], sections: Iterable[Section] | None) -> list[Card]:
    """Cards from raw ``CARD_ROW`` rows (``union_rows(raw=True)``), each with its section from ``sections``
    (all of them read if None).

    Each card is kept by its raw row and its section: most of a list's cards were made a moment ago, and the
    row converted once. A row or section that changed is a new key (a renamed section is a new Section), so a
    kept card is never stale; the card holds its section, so the section's id is not reused while it is kept.
    """
    by_id = {section.id: section for section in (sections_all() if sections is None else sections)}
    cards = []
    for row in rows:
        section = by_id.get(row[10]) or _section_by_id(row[10])
        key = (row, id(section))
        card = _cards_kept.get(key)
        if card is None:
            if len(_cards_kept) >= 8192:
                _cards_kept.clear()
            card = _cards_kept[key] = Card(*_RANKED.convert(row)[:10] + (section,))
        cards.append(card)
    return cards


def _section_by_id(section_id: int) -> Section:
    # A section created since the page read the sections: read it now (rare; never a card without one).
    return _section_of(Section.objects.filter(pk=section_id).values_list(*_SECTION_FIELDS).get())


def _newest(cards: Iterable[Card]) -> list[Card]:
    return sorted(cards, key=lambda card: (card.publish_at, card.id), reverse=True)


# The ranked rows of every edition, from the top-story index; each edition keeps those of its own sections
# (``_edition_rows``: a language in the query would let the planner walk the edition's feed index instead).
_RANKED = PreparedQuery(
    lambda: (
        Article.objects.filter(
            pk__in=Article.objects.filter(top_story_rank__isnull=False)
            .order_by("top_story_rank", "-publish_at")
            .values("id")[:MAX_RANKED]
        )
        .order_by()
        .values_list(*CARD_ROW)
    )
)


def _edition_rows(rows: list[tuple], sections: Iterable[Section]) -> list[tuple]:
    """The rows (``CARD_ROW``) whose section is one of ``sections``, an edition's: an article's section is in
    its edition (news.models.Article.clean)."""
    ids = {section.id for section in sections}
    return [row for row in rows if row[10] in ids]


def _top_stories(rows: list[tuple], cards: list[Card], *, limit: int, at: dt.datetime) -> list[Card]:
    # The ranked rows in the editors' order, then the gate's rule on each.
    ranks = {row[0]: row[11] for row in rows}
    ranked = sorted(_newest(cards), key=lambda card: ranks[card.id])
    return [card for card in ranked if card.visible_at(at)][:limit]


def top_story_cards(
    *,
    limit: int = 5,
    at: dt.datetime | None = None,
    sections: Iterable[Section] | None = None,
    language: str | None = None,
) -> list[Card]:
    """The top stories in the editors' order, through the top-story index (few rows carry a rank).

    The ranked rows come first and the gate's rule is applied to them: the gate and the rank in one query
    is what SQLite without statistics answers by walking the whole feed index.
    """
    sections = sections_all(language=language) if sections is None else list(sections)
    rows = _edition_rows(_RANKED.rows(raw=True), sections)
    return _top_stories(rows, _cards_of(rows, sections), limit=limit, at=at or timezone.now())


def section_blocks(
    *, sections: Iterable[Section], limit: int = 4, at: dt.datetime | None = None
) -> list[tuple[Section, list[Card]]]:
    """(section, latest articles) for the home page: an index range per section, all in one read.

    Empty sections are left out, and so is backfill (an archive or a backlog loaded with its old dates): a
    section whose latest items are all backfill gets no block of its own.
    """
    sections = list(sections)
    if not sections:
        return []
    rows = _card_rows(FeedKeys(at=at or timezone.now()), section_ids=[s.id for s in sections], limit=limit)
    return _section_blocks_of(sections, [_cards_of(part, sections) for part in rows], limit=limit)


def _section_blocks_of(
    sections: list[Section], cards: list[list[Card]], *, limit: int
) -> list[tuple[Section, list[Card]]]:
    blocks = [
        (section, [card for card in _newest(found) if not card.is_backfill][:limit])
        for section, found in zip(sections, cards, strict=True)
    ]
    return [(section, found) for section, found in blocks if found]


@dataclass(frozen=True)
class HomePage:
    """What the home page lists, read together: every article list in one read, every photo in another."""

    top_stories: list[Card]
    latest: list[Card]
    section_blocks: list[tuple[Section, list[Card]]]
    galleries: list[GalleryCard]
    infographics: list[tuple[str, str]]
    lead_photo: Photo | None  # the first top story's
    # The lead photos of the cards shown with one (the top stories, the latest, each block's first), by id.
    photos: dict[int, Photo] = field(default_factory=dict)


def home_page(
    *,
    sections: Iterable[Section],
    top: int = 5,
    latest: int = 12,
    block: int = 4,
    at: dt.datetime | None = None,
    language: str | None = None,
) -> HomePage:
    """The home page's lists of an edition (``language``, default: the current one): what ``top_story_cards``,
    ``feed_page``, ``section_blocks``, ``gallery_cards`` and ``infographic_links`` give, with every article list a
    run of one statement (``union_rows``)."""
    at = at or timezone.now()
    language = language or editions.current()
    sections = list(sections)
    slices, per_slice = _slice_runs(
        FeedKeys(at=at, language=language), [(None, latest), *((section.id, block) for section in sections)]
    )
    ranked, *rest = union_rows([(_RANKED, {}), *slices], raw=True)
    ranked = _edition_rows(ranked, sections)
    lists = [_cards_of(rows, sections) for rows in _by_slice(rest, per_slice)]
    top_stories = _top_stories(ranked, _cards_of(ranked, sections), limit=top, at=at)
    gallery_rows, infographic_rows = union_rows(
        [
            (_gallery_query(3), {"at": at, "language": language}),
            (_INFOGRAPHIC_LINKS, {"at": at, "language": language}),
        ]
    )
    lead_photo_id = top_stories[0].lead_photo_id if top_stories else None
    newest = _newest(lists[0])[:latest]
    blocks = _section_blocks_of(sections, lists[1:], limit=block)
    # Every card photo the page shows comes in the read of the gallery covers: one read, however many.
    shown = [*top_stories, *newest, *(cards[0] for _, cards in blocks)]
    photos = photos_by_ids(
        [
            pk
            for pk in (*(card.lead_photo_id for card in shown), *(row[3] for row in gallery_rows))
            if pk is not None
        ]
    )
    return HomePage(
        top_stories=top_stories,
        latest=newest,
        section_blocks=blocks,
        galleries=_gallery_cards_of(gallery_rows, photos),
        infographics=[tuple(row[:2]) for row in infographic_rows],
        lead_photo=None if lead_photo_id is None else photos.get(lead_photo_id),
        photos=photos,
    )


def card_photos(cards: Iterable[Card]) -> dict[int, Photo]:
    """The lead photos of ``cards`` by id, in one read (none when no card has one): a list's thumbnails."""
    ids = [card.lead_photo_id for card in cards if card.lead_photo_id is not None]
    return photos_by_ids(ids) if ids else {}


def _of_edition(language: str) -> Q:
    """A gallery or infographic of the ``language`` edition: its section's, the default edition's when it has no
    section (``default_edition``: the default's code as a value, so that a compiled read takes the language)."""
    return Q(section__language=language) | Q(section__isnull=True, default_edition=language)


def galleries_published(*, at: dt.datetime | None = None, language: str | None = None) -> QuerySet[Gallery]:
    """An edition's published galleries (default: the current one's)."""
    at = at or timezone.now()
    return (
        Gallery.objects.filter(Q(publish_at__isnull=True) | Q(publish_at__lte=at), is_published=True)
        .alias(default_edition=Value(editions.default()))
        .filter(_of_edition(language or editions.current()))
    )


def infographics_published(
    *, at: dt.datetime | None = None, language: str | None = None
) -> QuerySet[Infographic]:
    """An edition's published infographics (default: the current one's)."""
    at = at or timezone.now()
    return (
        Infographic.objects.filter(Q(publish_at__isnull=True) | Q(publish_at__lte=at), is_published=True)
        .alias(default_edition=Value(editions.default()))
        .filter(_of_edition(language or editions.current()))
    )


@dataclass(frozen=True, slots=True)
class GalleryCard:
    """What a list of galleries shows of one: its title and address, how many photos, the first as cover."""

    title: str
    slug: str
    count: int
    cover: Photo | None

    def get_absolute_url(self) -> str:
        return reverse("site:gallery", kwargs={"slug": self.slug})


def _gallery_cards_query(limit: int) -> PreparedQuery:
    items = GalleryPhoto.objects.filter(gallery=OuterRef("pk")).order_by()
    count = items.annotate(n=Func(F("id"), function="COUNT")).values("n")
    cover = items.order_by("order", "id").values("photo_id")[:1]
    return PreparedQuery(
        lambda at, language: (
            galleries_published(at=at, language=language)
            .order_by("-publish_at", "-id")
            .annotate(count=Subquery(count), cover_id=Subquery(cover))
            .values_list("title", "slug", "count", "cover_id")[:limit]
        ),
        at=dt.datetime,
        language=str,
    )


_gallery_card_queries: dict[int, PreparedQuery] = {}


def gallery_cards(*, limit: int = 3, at: dt.datetime | None = None) -> list[GalleryCard]:
    """The latest published galleries as cards: title, address, number of photos and the first as cover, in
    two compiled reads (the galleries with their counts and cover ids, then the covers)."""
    rows = _gallery_rows(limit=limit, at=at or timezone.now())
    return _gallery_cards_of(rows, photos_by_ids([row[3] for row in rows if row[3] is not None]))


def _gallery_rows(*, limit: int, at: dt.datetime) -> list[tuple]:
    return _gallery_query(limit).rows(at=at, language=editions.current())


def _gallery_query(limit: int) -> PreparedQuery:
    query = _gallery_card_queries.get(limit)
    if query is None:
        query = _gallery_card_queries[limit] = _gallery_cards_query(limit)
    return query


def _gallery_cards_of(rows: list[tuple], photos: dict[int, Photo]) -> list[GalleryCard]:
    return [
        GalleryCard(title, slug, count or 0, photos.get(cover_id)) for title, slug, count, cover_id in rows
    ]


# The columns of a gallery card's row (title, slug, count, cover id), so that the home page reads both in
# one statement (union_rows).
_INFOGRAPHIC_LINKS = PreparedQuery(
    lambda at, language: (
        infographics_published(at=at, language=language)
        .order_by("-publish_at", "-id")
        .annotate(none=Cast(Value(None), IntegerField()))  # typed: PostgreSQL reads a bare NULL as text
        .values_list("title", "slug", "none", "none")[:4]
    ),
    at=dt.datetime,
    language=str,
)


def infographic_links(*, at: dt.datetime | None = None) -> list[tuple[str, str]]:
    """(title, slug) of the four latest published infographics, for the home page."""
    rows = _INFOGRAPHIC_LINKS.rows(at=at or timezone.now(), language=editions.current())
    return [tuple(row[:2]) for row in rows]


_PHOTOS = PreparedByIds(
    lambda ids: Photo.objects.filter(pk__in=ids).order_by().values_list(*_attnames(Photo))
)


_photos_kept: dict[tuple, Photo] = {}


def photos_by_ids(ids: list[int]) -> dict[int, Photo]:
    """Photos by id (lead photos of cards, gallery covers), from one compiled read, for reader pages: each
    instance is kept by its raw row (a changed photo is a new row, so a new instance) and shared, so callers
    must only read it."""
    names = _attnames(Photo)
    photos = {}
    for row in _PHOTOS.rows(list(dict.fromkeys(ids)), raw=True):
        photo = _photos_kept.get(row)
        if photo is None:
            if len(_photos_kept) >= 1024:
                _photos_kept.clear()
            photo = _photos_kept[row] = Photo.from_db("default", names, _PHOTOS.convert(row))
        photos[photo.pk] = photo
    return photos


def forget_kept(**_kwargs: object) -> None:
    """Drop the cards, photos and sections kept in this process (tests change settings between them)."""
    _cards_kept.clear()
    _photos_kept.clear()
    _section_objects.clear()


def gallery_for_reader(*, slug: str, at: dt.datetime | None = None) -> Gallery | None:
    items = Prefetch("items", queryset=GalleryPhoto.objects.select_related("photo"))
    return galleries_published(at=at).filter(slug=slug).prefetch_related(items).first()


# --- The article page's reads, compiled once (prepared.py): what every request needs, cheaply. ---


@dataclass(frozen=True)
class ArticleState:
    """What decides an article page before anything is rendered: its address, status and version."""

    id: int
    status: str
    slug: str
    version: int
    modified_at: dt.datetime
    section_id: int
    language: str  # its edition: the page lives under that edition's prefix
    has_read_also: bool  # whether the page must read Read also links, the editor's or suggested ones
    # Whether the page must read its translations (it translates an article, or others translate it): the
    # page of an article without any reads nothing more.
    has_translations: bool = False


_ARTICLE_STATE = PreparedQuery(
    lambda public_id, at: (
        _reader_reachable(at=at)
        .filter(public_id=public_id)
        .annotate(
            has_read_also=Exists(ReadAlso.objects.filter(article=OuterRef("pk")))
            | Exists(ReadAlsoSuggestion.objects.filter(article=OuterRef("pk"))),
            # From the partial index of the few linked rows (models.Article.Meta.indexes).
            has_translations=Q(translation_of__isnull=False)
            | Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
        )
        .values_list(
            "id",
            "status",
            "slug",
            "version",
            "modified_at",
            "section_id",
            "language",
            "has_read_also",
            "has_translations",
        )
    ),
    public_id=int,
    at=dt.datetime,
)


def article_state(*, public_id: int, at: dt.datetime | None = None) -> ArticleState | None:
    """The article's state if a reader may open it (published and visible now, or withdrawn after readers saw it), in one small read."""
    rows = _ARTICLE_STATE.rows(public_id=public_id, at=at or timezone.now())
    if not rows:
        return None
    *values, has_read_also, has_translations = rows[0]
    return ArticleState(*values + [bool(has_read_also), bool(has_translations)])


_SECTIONS = PreparedQuery(
    lambda language: Section.objects.filter(language=language).values_list(
        "id", "name", "slug", "order", "description", "language"
    ),
    language=str,
)


def section_rows(*, language: str | None = None) -> tuple[tuple, ...]:
    """(id, name, slug, order, description, language) of every section of an edition (default: the current one)
    in the site's order: the header's data and, being what the header shows, the key of everything cached with
    it."""
    return tuple(_SECTIONS.rows(language=language or editions.current()))


def sections_all(*, language: str | None = None) -> list[Section]:
    """Every section of an edition in the site's order (the header, the feed filter), without a queryset."""
    return sections_from_rows(section_rows(language=language))


def sections_from_rows(rows: tuple[tuple, ...]) -> list[Section]:
    return [_section_of(row) for row in rows]


_SECTION_FIELDS = ("id", "name", "slug", "order", "description", "language")
_section_objects: dict[tuple, Section] = {}


def _section_of(row: tuple) -> Section:
    """The Section for its row (id, name, slug, order, description, language), made once per process and row: every
    page shows every section, and reader pages only read them. A renamed section is a new row, so a new one."""
    section = _section_objects.get(row)
    if section is None:
        if len(_section_objects) > 256:
            _section_objects.clear()
        section = _section_objects[row] = Section.from_db("default", _SECTION_FIELDS, row)
    return section


_READ_ALSO = PreparedQuery(
    lambda article_id, at: (
        ReadAlso.objects.filter(article_id=article_id)
        .annotate(visible=Exists(Article.objects.published(at=at).filter(pk=OuterRef("target_id"))))
        .values_list("title", "target__headline", "target__public_id", "target__slug", "visible")
    ),
    article_id=int,
    at=dt.datetime,
)


_SUGGESTED = PreparedQuery(
    lambda article_id, at: (
        ReadAlsoSuggestion.objects.filter(article_id=article_id, target__in=Article.objects.published(at=at))
        .order_by("order", "id")
        .values_list("target__headline", "target__public_id", "target__slug")
    ),
    article_id=int,
    at=dt.datetime,
)


def read_also_links(*, article_id: int, at: dt.datetime | None = None) -> list[tuple[str, int, str]]:
    """(headline, public id, slug) of an article's Read also links that readers may see now, in the editor's
    order. A link to a draft, scheduled or withdrawn article, or to none, is left out whole: even the
    editor's own title for it can announce what is not published. Without any link from the editor, the
    automatic suggestions that readers may see now."""
    at = at or timezone.now()
    rows = _READ_ALSO.rows(article_id=article_id, at=at)
    if not rows:
        return [tuple(row) for row in _SUGGESTED.rows(article_id=article_id, at=at)]
    return [(headline, public_id, slug) for _, headline, public_id, slug, visible in rows if visible]


_PERSONS = PreparedQuery(
    lambda article_id: Person.objects.filter(articles=article_id).values_list("name", "slug"), article_id=int
)
_TOPICS = PreparedQuery(
    lambda article_id: Topic.objects.filter(articles=article_id).values_list("name", "slug"), article_id=int
)
_OTHER_MEDIA = PreparedQuery(
    lambda article_id: OtherMediaLink.objects.filter(article_id=article_id).values_list(
        "title", "outlet", "url", "published_on"
    ),
    article_id=int,
)
_CORRECTIONS = PreparedQuery(
    lambda article_id: Correction.objects.filter(article_id=article_id).values_list(
        "kind", "note", "created_at"
    ),
    article_id=int,
)


@dataclass(frozen=True)
class ArticleRelations:
    """What the article page lists under the body, as plain rows."""

    persons: list[tuple[str, str]]  # (name, slug)
    topics: list[tuple[str, str]]
    other_media: list[tuple]  # (title, outlet, url, published_on)
    corrections: list[tuple]  # (kind, note, created_at)


def article_relations(*, article_id: int) -> ArticleRelations:
    return ArticleRelations(
        persons=_PERSONS.rows(article_id=article_id),
        topics=_TOPICS.rows(article_id=article_id),
        other_media=_OTHER_MEDIA.rows(article_id=article_id),
        corrections=_CORRECTIONS.rows(article_id=article_id),
    )


def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _article_row(pk: int) -> QuerySet:
    related = [f"section__{name}" for name in _attnames(Section)]
    related += [f"lead_photo__{name}" for name in _attnames(Photo)]
    return Article.objects.filter(pk=pk).values_list(*_attnames(Article), *related)


_ARTICLE_ROW = PreparedQuery(_article_row, pk=int)


def article_public_id(*, pk: int) -> int | None:
    return Article.objects.filter(pk=pk).values_list("public_id", flat=True).first()


def article_public_ids(*, pks: list[int], linked: bool = False) -> list[int]:
    """The articles' public ids; ``linked``: with those of their versions in other editions (their original,
    its translations, their own translations), in the same query."""
    found = Q(pk__in=pks)
    if linked:
        originals = Article.objects.filter(pk__in=pks, translation_of__isnull=False).values(
            "translation_of_id"
        )
        found |= Q(translation_of__in=pks) | Q(pk__in=originals) | Q(translation_of__in=originals)
    return list(Article.objects.filter(found).values_list("public_id", flat=True))


def article_for_page(*, pk: int) -> Article | None:
    """The article with its section and lead photo, for a page whose visibility ``article_state`` decided.

    One compiled read, made into model instances by hand (what ``select_related`` would do).
    """
    rows = _ARTICLE_ROW.rows(pk=pk)
    if not rows:
        return None
    row, names = rows[0], [_attnames(Article), _attnames(Section), _attnames(Photo)]
    article_values, rest = row[: len(names[0])], row[len(names[0]) :]
    section_values, photo_values = rest[: len(names[1])], rest[len(names[1]) :]
    article = Article.from_db("default", names[0], article_values)
    article.section = Section.from_db("default", names[1], section_values)
    if article.lead_photo_id:
        article.lead_photo = Photo.from_db("default", names[2], photo_values)
    return article


@dataclass(frozen=True, slots=True)
class Translation:
    """Another edition's version of an article, as its page links to it."""

    language: str
    headline: str
    public_id: int
    slug: str
    is_original: bool  # the article this one translates (else one of its translations)


_TRANSLATIONS = PreparedQuery(
    lambda article_id, at: (
        Article.objects.published(at=at)
        .filter(
            Q(pk=Subquery(Article.objects.filter(pk=article_id).values("translation_of_id")[:1]))
            | Q(translation_of_id=article_id)
            | Q(
                translation_of_id=Subquery(
                    Article.objects.filter(pk=article_id).values("translation_of_id")[:1]
                )
            )
        )
        .exclude(pk=article_id)
        .order_by("language", "id")
        .values_list("language", "headline", "public_id", "slug", "translation_of_id")
    ),
    article_id=int,
    at=dt.datetime,
)


def translations(*, article_id: int, at: dt.datetime | None = None) -> list[Translation]:
    """The article's versions in the other editions that readers may see now, one per edition: its original
    and the original's other translations, or its own translations. One read."""
    seen: dict[str, Translation] = {}
    for language, headline, public_id, slug, original_id in _TRANSLATIONS.rows(
        article_id=article_id, at=at or timezone.now()
    ):
        if language in editions.codes() and language not in seen:
            seen[language] = Translation(language, headline, public_id, slug, is_original=original_id is None)
    return list(seen.values())
