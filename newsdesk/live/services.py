"""Announcing new stories: the publishing pipeline calls ``announce_articles`` after commit with a batch of them."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsdesk.news.models import Article

from .backends import get_backend

logger = logging.getLogger(__name__)
MISSED_WINDOW = dt.timedelta(hours=1)
MISSED_LIMIT = 500
RETRY_SECONDS = 1.0


def event_data(article: Article) -> dict:
    """What a feed page needs to show the story: plain fields, rendered as text by live.js (never as HTML)."""
    local = timezone.localtime(article.publish_at)
    return {
        "public_id": article.public_id,
        "url": article.get_absolute_url(),
        "headline": article.headline,
        "section": article.section.slug,
        "section_name": article.section.name,
        "language": article.language,  # its edition: a page shows only its own edition's stories
        "urgent": article.urgency <= settings.NEWSDESK_LIVE_URGENT_AT,
        "published_at": article.publish_at.isoformat() if article.publish_at else "",
        "time": f"{local:%H:%M}",
    }


def _announce(article: Article) -> str | None:
    return get_backend().announce(key=f"article:{article.public_id}", data=event_data(article))


def announce_article(article_id: int) -> str | None:
    """Announce an article the first time it is visible; corrections and re-saves are not new stories.

    A live log that is down must not fail the publish: the story is still on the (purged) pages, and it is
    announced once the log is back (``announce_missed``, retried here and run by the worker every minute).
    """
    article = Article.objects.published().select_related("section").filter(pk=article_id).first()
    if article is None:
        return None
    try:
        return _announce(article)
    except Exception:  # the log's own errors (Redis down, ...): live updates pause until it is back
        logger.warning("Live announcement of article %s failed; retrying until the log is back", article_id)
        assert article.publish_at is not None  # published() has one
        _retry_in_background(since=min(article.publish_at, timezone.now()))
        return None


def announce_articles(*, article_ids: list[int]) -> int:
    """The pipeline's effect for genuinely new stories: each one still visible is announced once, oldest first,
    written together. A log that is down raises, so the pipeline retries (and the newsroom shows it)."""
    articles = (
        Article.objects.published()
        .filter(pk__in=article_ids)
        .select_related("section")
        .order_by("publish_at", "pk")
    )
    items = [(f"article:{article.public_id}", event_data(article)) for article in articles]
    return sum(1 for event_id in get_backend().announce_many(items) if event_id) if items else 0


def retract_articles(*, article_ids: list[int]) -> int:
    """The pipeline's effect for stories readers may no longer see (withdrawn, unpublished, moved later): each
    one's event is taken out of the live log, so no poll, catch-up or stream serves its headline again. One
    visible again by the time this runs keeps its event. A log that is down raises, so the pipeline retries."""
    visible = Article.objects.published().filter(pk__in=article_ids).values("pk")
    hidden = Article.objects.filter(pk__in=article_ids).exclude(pk__in=visible)
    backend = get_backend()
    public_ids = hidden.values_list("public_id", flat=True)
    return sum(1 for public_id in public_ids if backend.retract(key=f"article:{public_id}"))


def announce_missed(*, since: dt.datetime) -> int:
    """Announce the stories that became visible since ``since`` (at most MISSED_WINDOW ago) and never were: the
    log was down, or the process that published stopped first. Announcing is once per story: nothing repeats.
    Only a window, never the whole archive, so articles loaded without a publish are not announced as new."""
    since = max(since, timezone.now() - MISSED_WINDOW)
    recent = (
        Article.objects.published()
        .filter(publish_at__gte=since)
        .select_related("section")
        .order_by("publish_at", "pk")[:MISSED_LIMIT]
    )
    return sum(1 for article in recent if _announce(article))


_retrying = threading.Lock()


def _retry_in_background(*, since: dt.datetime) -> None:
    """One thread per process retries ``announce_missed`` until the log answers again."""
    if _retrying.acquire(blocking=False):
        threading.Thread(
            target=_retry_until_back, args=(since,), name="live-announce-retry", daemon=True
        ).start()


def _retry_until_back(since: dt.datetime) -> None:
    try:
        while True:
            time.sleep(RETRY_SECONDS)
            try:
                count = announce_missed(since=since)
            except Exception:  # still down
                connection.close()
                continue
            logger.warning("Live log is back; announced %s missed stories", count)
            return
    finally:
        connection.close()
        _retrying.release()
