"""Announcing new stories: called after commit (``news.services.after_publish_hooks``) with an article id."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from newsdesk.news.models import Article

from .backends import get_backend

logger = logging.getLogger(__name__)


def event_data(article: Article) -> dict:
    """What a feed page needs to show the story: plain fields, rendered as text by live.js (never as HTML)."""
    local = timezone.localtime(article.publish_at)
    return {
        "public_id": article.public_id,
        "url": article.get_absolute_url(),
        "headline": article.headline,
        "section": article.section.slug,
        "section_name": article.section.name,
        "urgent": article.urgency <= settings.NEWSDESK_LIVE_URGENT_AT,
        "published_at": article.publish_at.isoformat(),
        "time": f"{local:%H:%M}",
    }


def announce_article(article_id: int) -> str | None:
    """Announce an article the first time it is visible; corrections and re-saves are not new stories.

    A live log that is down must not fail the publish: the story is still on the (purged) pages.
    """
    article = Article.objects.published().select_related("section").filter(pk=article_id).first()
    if article is None:
        return None
    try:
        return get_backend().announce(key=f"article:{article.public_id}", data=event_data(article))
    except Exception:  # the log's own errors (Redis down, ...): degrade to "no live update"
        logger.exception("Live announcement of article %s failed", article_id)
        return None
