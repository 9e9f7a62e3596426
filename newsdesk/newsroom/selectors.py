"""Reads for the newsroom's own screens: who has an article open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from newsdesk.ingest.models import IngestedItem
from newsdesk.news.models import Article, Correction, Revision, Section

from .models import EditLock


@dataclass(frozen=True)
class LockState:
    """Who holds an article's edit lock, as the form and the list show it."""

    holder: str  # the name shown: full name, else username
    holder_id: int
    since: dt.datetime
    mine: bool

    @property
    def label(self) -> str:
        return f"Being edited by {self.holder} since {timezone.localtime(self.since):%H:%M}"


def lock_is_fresh(lock: EditLock, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return lock.seen > now - dt.timedelta(seconds=settings.NEWSDESK_EDIT_LOCK_SECONDS)


def person_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "the wire"


def lock_state(lock: EditLock | None, *, user: User, now: dt.datetime | None = None) -> LockState | None:
    """The lock as ``user`` sees it; None when nobody holds a fresh one."""
    if lock is None or not lock_is_fresh(lock, now=now):
        return None
    return LockState(
        holder=person_name(lock.user), holder_id=lock.user_id, since=lock.since, mine=lock.user_id == user.pk
    )


def lock_for(*, article_id: int, user: User) -> LockState | None:
    lock = EditLock.objects.select_related("user").filter(article_id=article_id).first()
    return lock_state(lock, user=user)


# --- The desk (newsroom.desk): its queues, read in a fixed number of queries whatever the archive's size ------

QUEUE_SIZE = 25  # items shown per queue: the desk is for what moves now; the article list has the rest
RECENT_HOURS = 6  # "Published" shows the last hours
URGENCY_LABELS = {1: "FLASH", 2: "URGENT"}  # the agency's words for IPTC urgency 1 and 2


def urgency_label(urgency: int) -> str:
    return URGENCY_LABELS.get(urgency, "")


@dataclass(frozen=True)
class WireOrigin:
    """Where a story came from: the wire item it is (ingested), or the one it was rewritten from."""

    source: str
    guid: str
    version: int
    rewritten_from_id: int | None = None


@dataclass
class DeskItem:
    article: Article  # section and edit lock joined
    origin: WireOrigin | None = None
    lock: LockState | None = None
    correction: Correction | None = None  # in the corrections queue

    @property
    def urgency(self) -> str:
        return urgency_label(self.article.urgency)

    @property
    def withdrawal(self) -> bool:
        """The corrections queue's entry that withdrew the story (news.services.article_withdraw writes it)."""
        article, entry = self.article, self.correction
        if entry is None or article.withdrawn_at is None:
            return False
        return abs((entry.created_at - article.withdrawn_at).total_seconds()) < 60

    @property
    def embargoed(self) -> bool:
        until = self.article.embargoed_until
        return until is not None and until > timezone.now()


@dataclass
class Queue:
    key: str
    title: str
    empty: str  # what an empty queue says
    items: list[DeskItem]
    html: str = ""  # as the desk shows it (desk_html)


def wire_origin(article: Article) -> WireOrigin | None:
    """The provenance the newsroom shows on a story's form (one query at most)."""
    if article.provenance:
        data = article.provenance
        return WireOrigin(
            source=str(data.get("source") or ""), guid=str(data.get("guid") or ""),
            version=int(data.get("version") or 1), rewritten_from_id=data.get("article_id"),
        )  # fmt: skip
    return _ingested({article.pk}).get(article.pk)


def wire_version(*, guid: str) -> int | None:
    """The newest version the wire has sent of an item (None: not an ingested item)."""
    return IngestedItem.objects.filter(guid=guid).values_list("version", flat=True).first() if guid else None


def _ingested(article_ids: Collection[int]) -> dict[int, WireOrigin]:
    if not article_ids:
        return {}
    # By article only (its index): a second provider's copy of the story (duplicate_of set) is left out here,
    # not in SQL, where "duplicate_of IS NULL" made SQLite walk every first copy instead.
    rows = (
        IngestedItem.objects.filter(article_id__in=list(article_ids))
        .values_list("article_id", "source__name", "guid", "version", "duplicate_of_id")
        .order_by("id")
    )
    return {
        pk: WireOrigin(source=name or "", guid=guid, version=version)
        for pk, name, guid, version, twin in rows
        if twin is None
    }


def desk_queues(
    *,
    user: User,
    section: Section | None = None,
    now: dt.datetime | None = None,
    languages: Collection[str] = (),
) -> list[Queue]:
    """The desk's queues, newest work first: one query each (the section and edit lock joined), plus one for
    the wire items' provenance. Each reads an index range (news.models: article_status_recent, article_feed)."""
    now = now or timezone.now()
    status = Article.Status
    articles = Article.objects.select_related("section", "edit_lock__user").defer("body", "lead")
    corrections = Correction.objects.select_related("article__section").order_by("-id")
    if section is None and languages:
        # The person's editions (newsroom/editions.py), compared as an expression like the section below: the
        # queues keep reading their status indexes, never an edition's whole archive by id.
        articles = articles.alias(edition=Lower("language")).filter(edition__in=list(languages))
        corrections = corrections.alias(article_edition=Lower("article__language")).filter(
            article_edition__in=list(languages)
        )
    if section is not None:
        articles = articles.filter(section=section)
        # Compared as an expression, not a column: the newest corrections are walked by id and their articles
        # checked, instead of every article of the section (what SQLite chose, the section being an index).
        corrections = corrections.alias(article_section=F("article__section_id") + 0).filter(
            article_section=section.pk
        )
    unspiked = articles.filter(spiked_at__isnull=True)
    # From ingest: the item's record names the article (checked per candidate row, by its index).
    from_wire = Exists(IngestedItem.objects.filter(article_id=OuterRef("pk")))
    n = QUEUE_SIZE
    queues = [
        ("wire", "Incoming wire", "No wire items waiting.",
         unspiked.filter(from_wire, status=status.REVIEW).order_by("-id")[:n]),
        ("review", "In review", "Nothing waits for review.",
         unspiked.filter(~from_wire, status=status.REVIEW).order_by("-id")[:n]),
        ("drafts", "My drafts", "You have no drafts.",
         unspiked.filter(status=status.DRAFT, created_by=user).order_by("-id")[:n]),
        ("scheduled", "Scheduled", "Nothing is scheduled.",
         articles.filter(status=status.SCHEDULED, publish_at__gt=now).order_by("publish_at", "id")[:n]),
        ("published", f"Published, last {RECENT_HOURS} hours", f"Nothing published in the last {RECENT_HOURS} hours.",
         articles.filter(status__in=[status.PUBLISHED, status.SCHEDULED], publish_at__lte=now,
                         publish_at__gt=now - dt.timedelta(hours=RECENT_HOURS)).order_by("-publish_at", "-id")[:n]),
    ]  # fmt: skip
    result = [
        Queue(key, title, empty, [DeskItem(a, lock=_lock(a, user, now)) for a in rows])
        for key, title, empty, rows in queues
    ]
    result.append(
        Queue(
            "corrections",
            "Corrections and withdrawals",
            "No corrections or withdrawals yet.",
            [DeskItem(c.article, correction=c) for c in corrections[:n]],
        )
    )
    spiked = articles.filter(status__in=[status.DRAFT, status.REVIEW], spiked_at__isnull=False)
    result.append(
        Queue(
            "spiked",
            "Spiked",
            "Nothing spiked.",
            # Latest spiked first: no index orders by it, so the (section,) status index finds the few rows.
            [DeskItem(a, lock=_lock(a, user, now)) for a in spiked.order_by("-spiked_at", "-id")[:n]],
        )
    )
    origins = _ingested({item.article.pk for item in result[0].items + result[-1].items})
    for queue in result:
        for item in queue.items:
            article = item.article
            item.origin = origins.get(article.pk) or (wire_origin(article) if article.provenance else None)
    return result


def _lock(article: Article, user: User, now: dt.datetime) -> LockState | None:
    try:
        return lock_state(article.edit_lock, user=user, now=now)
    except EditLock.DoesNotExist:
        return None


def desk_position(*, now: dt.datetime | None = None) -> str:
    """Where the desk is: it moves with every save, correction, spike, take and ingested item (each records a
    revision or a correction), with an edit lock taken or given back, and each minute (a scheduled item's time
    comes, the Published window moves). The desk's live refresh compares it, as the reader feed compares the
    live log's position (an ETag): a refresh that finds it unchanged is a 304 without reading the queues."""
    now = now or timezone.now()
    revision = Revision.objects.order_by("-id").values_list("id", flat=True).first() or 0
    correction = Correction.objects.order_by("-id").values_list("id", flat=True).first() or 0
    held = Q(seen__gt=EditLock.RELEASED)  # a closed page's lock is kept, released: it counts as given back
    locks = EditLock.objects.filter(held).aggregate(n=Count("id"), since=Max("since"), user=Max("user_id"))
    since = int(locks["since"].timestamp()) if locks["since"] else 0
    return (
        f"r{revision}.c{correction}.l{locks['n']}-{since}-{locks['user'] or 0}.m{int(now.timestamp()) // 60}"
    )
