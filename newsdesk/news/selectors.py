"""Reads for reader-facing paths. Every article list here goes through ``Article.objects.published``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Article, ReadAlso


def latest_articles(*, limit: int = 20, at: dt.datetime | None = None) -> QuerySet[Article]:
    return Article.objects.published(at=at).for_cards().order_by("-publish_at", "-id")[:limit]


def top_stories(*, limit: int = 5, at: dt.datetime | None = None) -> QuerySet[Article]:
    return (
        Article.objects.published(at=at)
        .for_cards()
        .filter(top_story_rank__isnull=False)
        .order_by("top_story_rank", "-publish_at")[:limit]
    )


def article_for_reader(*, public_id: int, at: dt.datetime | None = None) -> Article | None:
    """The article with everything its page shows, or None when a reader may not see it.

    Withdrawn articles that readers once saw are returned too (the page answers 410 with the notice); one
    withdrawn before it was ever published stays unknown, so its headline never reaches readers.
    """
    at = at or timezone.now()
    once_public = Article.objects.withdrawn().filter(first_published_at__isnull=False)
    qs = (Article.objects.published(at=at) | once_public).filter(public_id=public_id)
    return _with_page_relations(qs, at=at).first()


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
