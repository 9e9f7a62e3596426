"""Reads for every syndication output (feeds, sitemaps, ninjs, NewsML-G2).

All of them take their articles from here, and every list here starts from ``Article.objects.published``,
the one visibility gate (withdrawn items are added only where a subscriber must hear of the withdrawal).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from newsdesk import editions
from newsdesk.news.models import Article, Person, Section, Topic

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Event(TypedDict):
        event_at: dt.datetime  # the time of its last event (_wire_queryset)

    WireItem = WithAnnotations[Article, _Event]

_A = TypeVar("_A", bound=Article)

SCOPE_MODELS: dict[str, type[Section | Person | Topic]] = {
    "section": Section,
    "person": Person,
    "topic": Topic,
}
SCOPE_FILTERS = {"section": "section", "person": "persons", "topic": "topics"}


@dataclass(frozen=True)
class Scope:
    """Which articles a feed carries: all news, or one section, person or topic."""

    kind: str = "all"
    obj: Section | Person | Topic | None = None
    # A reader feed's edition (/ru/feeds/…: its articles only); None for the API, which carries every edition.
    language: str | None = None

    @property
    def title(self) -> str:
        name = settings.NEWSDESK_SITE_NAME
        return f"{name}: latest news" if self.obj is None else f"{name}: {self.obj.name}"

    @property
    def description(self) -> str:
        if description := getattr(self.obj, "description", ""):
            return description
        return f"The latest news from {settings.NEWSDESK_SITE_NAME}."

    @property
    def page_url(self) -> str:
        path = reverse("site:latest") if self.obj is None else self.obj.get_absolute_url()
        return settings.NEWSDESK_SITE_URL + path

    def filter(self, qs: QuerySet[_A]) -> QuerySet[_A]:
        if self.language is not None and self.kind != "section":  # a section is in one edition already
            qs = qs.filter(language=self.language)
        if self.obj is None:
            return qs
        return qs.filter(**{SCOPE_FILTERS[self.kind]: self.obj})


def feed_scope(*, kind: str, slug: str | None = None, language: str | None = None) -> Scope:
    """The scope for a feed URL of an edition (default: the current one); 404 for an unknown section (of that
    edition), person or topic."""
    language = language or editions.current()
    if kind == "all":
        return Scope(language=language)
    lookup = {"slug": slug, **({"language": language} if kind == "section" else {})}
    obj = get_object_or_404(SCOPE_MODELS[kind], **lookup)
    assert isinstance(obj, Section | Person | Topic)  # what SCOPE_MODELS holds (mypy joins them to Model)
    return Scope(kind=kind, obj=obj, language=language)


def scope_or_none(*, kind: str, slug: str) -> Scope | None:
    obj = SCOPE_MODELS[kind].objects.filter(slug=slug).first()
    return None if obj is None else Scope(kind=kind, obj=obj)


def _with_wire_relations(qs: QuerySet[_A]) -> QuerySet[Any, _A]:
    # Rows stay _A; the model's type (Any here) is the one annotated with has_versions.
    return (
        qs.select_related("section", "lead_photo")
        .prefetch_related("persons", "topics")
        .annotate(has_versions=_HAS_VERSIONS)
    )


def attach_versions(articles: list[_A], *, at: dt.datetime | None = None) -> list[_A]:
    """Set each article's ``versions``: the visible original it translates and its visible translations (the
    ninjs association, the NewsML-G2 link). One read for a page of items, none when no item is linked."""
    linked = [article for article in articles if getattr(article, "has_versions", False)]
    for article in articles:
        article.versions = []
    if not linked:
        return articles
    originals = {article.translation_of_id for article in linked if article.translation_of_id}
    found = list(
        Article.objects.published(at=at)
        .filter(Q(pk__in=originals) | Q(translation_of__in=[article.pk for article in linked]))
        .only("guid", "public_id", "slug", "headline", "language", "translation_of_id")
        .order_by("language", "id")
    )
    for article in linked:
        article.versions = [
            version
            for version in found
            if version.pk == article.translation_of_id or version.translation_of_id == article.pk
        ]
    return articles


def feed_items(*, scope: Scope, limit: int, at: dt.datetime | None = None) -> list[Article]:
    qs = scope.filter(Article.objects.published(at=at))
    # Corrections travel in the feed item (feeds.NewsFeed.item_description), as they stand under the article.
    return list(
        _with_wire_relations(qs).prefetch_related("corrections").order_by("-publish_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class FeedState:
    """What a conditional GET compares: it changes whenever anything the feed shows could have changed."""

    etag: str
    last_modified: dt.datetime | None


def feed_state(*, scope: Scope, variant: str, at: dt.datetime | None = None) -> FeedState:
    """One aggregate query over the scope's visible and withdrawn articles.

    ``modified_at`` catches any edit of a visible item (a headline, a section move), ``publish_at`` a scheduled
    item coming due, ``withdrawn_at`` an item leaving the feed, and the count anything else that adds or drops one.
    """
    at = at or timezone.now()
    gone = Q(status=Article.Status.WITHDRAWN)
    qs = scope.filter(Article.objects.published(at=at) | Article.objects.withdrawn())
    row = qs.aggregate(
        modified=Max("modified_at", filter=~gone),
        published=Max("publish_at", filter=~gone),
        withdrawn=Max("withdrawn_at", filter=gone),
        count=Count("pk", filter=~gone),
    )
    stamps = [row["modified"], row["published"], row["withdrawn"]]
    raw = "|".join([variant, *(s.isoformat() if s else "-" for s in stamps), str(row["count"])])
    latest = max((s for s in stamps if s), default=None)
    return FeedState(etag=hashlib.sha256(raw.encode()).hexdigest()[:32], last_modified=latest)


# --- The wire: a polling cursor over "events" (first publication, each new version, withdrawal) ---------------


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the wire: (event time in microseconds since the epoch, public id). ``0-0`` is the start."""

    micros: int = 0
    public_id: int = 0

    def __str__(self) -> str:
        return f"{self.micros}-{self.public_id}"

    @property
    def at(self) -> dt.datetime:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=self.micros)

    @classmethod
    def of(cls, article: WireItem) -> Cursor:
        delta = article.event_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return cls(micros=delta // dt.timedelta(microseconds=1), public_id=article.public_id)


def _wire_queryset(*, at: dt.datetime) -> QuerySet[WireItem]:
    """Visible items plus withdrawn ones that subscribers had received, each with the time of its last event.

    ``created_at`` takes part so that an item created now with an earlier publish time (an ingested wire item
    keeping its original time) still lands after every subscriber's cursor instead of behind it.
    """
    withdrawn = Article.objects.withdrawn().filter(first_published_at__isnull=False, publish_at__isnull=False)
    return (Article.objects.published(at=at) | withdrawn).annotate(
        event_at=Greatest(
            "publish_at",
            "created_at",
            Coalesce("updated_at", "publish_at"),
            Coalesce("withdrawn_at", "publish_at"),
        )
    )


@dataclass(frozen=True)
class WirePage:
    items: list[WireItem]
    cursor: Cursor
    has_more: bool


def wire_page(
    *, scopes: list[Scope], since: Cursor | None, limit: int, at: dt.datetime | None = None
) -> WirePage:
    """Items for a subscriber.

    Without ``since``: the latest ``limit`` items, newest first, and the cursor to poll on from.
    With ``since``: what happened after that cursor, oldest first, so that polling with the returned cursor
    gets each item once and each later version once more. Events younger than the settle delay wait for the next
    poll: a transaction that stamped an earlier time may still be committing.
    """
    at = at or timezone.now()
    settled = at - dt.timedelta(seconds=settings.NEWSDESK_API_SETTLE_SECONDS)
    qs = _wire_queryset(at=at).filter(event_at__lte=settled)
    for scope in scopes:  # section, person and topic filters combine
        qs = scope.filter(qs)
    qs = _with_wire_relations(qs)
    if since is None:
        items = attach_versions(list(qs.order_by("-event_at", "-public_id")[:limit]), at=at)
        return WirePage(items=items, cursor=Cursor.of(items[0]) if items else Cursor(), has_more=False)
    after = Q(event_at__gt=since.at) | Q(event_at=since.at, public_id__gt=since.public_id)
    items = list(qs.filter(after).order_by("event_at", "public_id")[: limit + 1])
    page = attach_versions(items[:limit], at=at)
    return WirePage(items=page, cursor=Cursor.of(page[-1]) if page else since, has_more=len(items) > limit)


def wire_item(*, public_id: int, at: dt.datetime | None = None) -> Article | None:
    at = at or timezone.now()
    article = _with_wire_relations(_wire_queryset(at=at).filter(public_id=public_id)).first()
    return attach_versions([article], at=at)[0] if article is not None else None


# --- Sitemaps ---------------------------------------------------------------------------------------------------


def sitemap_articles(*, at: dt.datetime | None = None, language: str | None = None) -> QuerySet[Article]:
    """An edition's articles (default: the current one's), each marked ``has_versions`` when it has versions
    in other editions (the sitemap then reads their addresses for its hreflang alternates)."""
    # Oldest first, so that a page of the paginated sitemap keeps its URLs as news is added.
    return (
        Article.objects.published(at=at)
        .filter(language=language or editions.current())
        .annotate(has_versions=_HAS_VERSIONS)
        .only("public_id", "slug", "language", "translation_of_id", "publish_at", "updated_at")
        .order_by("publish_at", "id")
    )


# From the partial index of the few linked rows (news.models.Article.Meta.indexes).
_HAS_VERSIONS = Q(translation_of__isnull=False) | Exists(
    Article.objects.filter(translation_of=OuterRef("pk"))
)


def article_versions(*, articles: list[Article], at: dt.datetime | None = None) -> dict[int, list[Article]]:
    """Each article's visible versions in every edition, itself included ({article id: versions}), for the
    hreflang alternates of a sitemap page: one read for the page."""
    roots = {article.pk: article.translation_of_id or article.pk for article in articles}
    if not roots:
        return {}
    wanted = set(roots.values())
    found = (
        Article.objects.published(at=at)
        .filter(Q(pk__in=wanted) | Q(translation_of__in=wanted))
        .only("public_id", "slug", "language", "translation_of_id")
        .order_by("language", "id")
    )
    groups: dict[int, list[Article]] = {}
    for version in found:
        groups.setdefault(version.translation_of_id or version.pk, []).append(version)
    return {pk: groups.get(root, []) for pk, root in roots.items()}


def sitemap_articles_lastmod(
    *, at: dt.datetime | None = None, language: str | None = None
) -> dt.datetime | None:
    qs = Article.objects.published(at=at).filter(language=language or editions.current())
    row = qs.aggregate(updated=Max("updated_at"), published=Max("publish_at"))
    return max((s for s in row.values() if s), default=None)


def google_news_articles(
    *, at: dt.datetime | None = None, limit: int = 1000, language: str | None = None
) -> QuerySet[Article]:
    """Google News takes articles first published in the last two days, at most 1,000 per sitemap: one sitemap
    per edition, each with its own articles (and its own <news:language>)."""
    at = at or timezone.now()
    return (
        Article.objects.published(at=at)
        .filter(first_published_at__gte=at - dt.timedelta(days=2), language=language or editions.current())
        .only("public_id", "slug", "headline", "language", "first_published_at", "publish_at", "updated_at")
        .order_by("-first_published_at", "-id")[:limit]
    )
