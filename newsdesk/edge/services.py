"""Purging: the publishing pipeline calls ``purge_articles`` after commit with a batch of changed articles."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection

from django.conf import settings
from django.db import transaction

from newsdesk.news.models import Article
from newsdesk.ops import metrics

from .backends import get_purger
from .keys import article_keys
from .models import PurgeState

logger = logging.getLogger(__name__)

# What a card in a list shows: when none of these changed, list pages need no purge.
CARD_FIELDS = ("headline", "slug", "lead", "section_id", "status", "publish_at", "lead_photo_id", "urgency",
               "top_story_rank", "dateline_place")  # fmt: skip


PURGE_KEYS_PER_CALL = 200  # a batch's keys go in a few calls: each travels in one request header


def card_fingerprint(article: Article) -> str:
    data: dict[str, object] = {name: str(getattr(article, name)) for name in CARD_FIELDS}
    # Through .all(): prefetched persons and topics (purge_articles) cost no query.
    data["persons"] = sorted(person.pk for person in article.persons.all())
    data["topics"] = sorted(topic.pk for topic in article.topics.all())
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def purge_article(article_id: int) -> set[str]:
    """Purge the pages showing this article; when its card changed, also every list it was on before."""
    article = Article.objects.select_related("section").filter(pk=article_id).first()
    if article is None:
        return set()
    state = PurgeState.objects.filter(article_id=article_id).first()
    card = card_fingerprint(article)
    listed = article_keys(article, listed=True)
    if state is None or state.card != card:
        keys = listed | set(state.keys if state else ())
        _remember(article_id, keys=listed, card=card)
    else:
        keys = article_keys(article, listed=False)
    _purge(keys)
    logger.debug("Purged %s for article %s", sorted(keys), article_id)
    return keys


def purge_articles(article_ids: list[int]) -> set[str]:
    """``purge_article`` for a batch: the keys of every page that shows one of the articles (and, for a card
    that changed, of the lists it was on before) purged together, from a few queries for the whole batch."""
    articles = (
        Article.objects.filter(pk__in=article_ids)
        .select_related("section")
        .prefetch_related("persons", "topics")
    )
    states = PurgeState.objects.in_bulk(list(article_ids))
    keys: set[str] = set()
    remembered = []
    for article in articles:
        state, card = states.get(article.pk), card_fingerprint(article)
        if state is None or state.card != card:
            listed = article_keys(article, listed=True)
            keys |= listed | set(state.keys if state else ())
            remembered.append(PurgeState(article_id=article.pk, keys=sorted(listed), card=card))
        else:
            keys |= article_keys(article, listed=False)
    PurgeState.objects.bulk_create(
        remembered, update_conflicts=True, unique_fields=["article_id"], update_fields=["keys", "card"]
    )
    ordered = sorted(keys)
    for start in range(0, len(ordered), PURGE_KEYS_PER_CALL):
        _purge(ordered[start : start + PURGE_KEYS_PER_CALL])
    logger.debug("Purged %d keys for %d articles", len(keys), len(article_ids))
    return keys


def _purge(keys: Collection[str]) -> None:
    get_purger().purge(keys)
    metrics.purged(backend=str(settings.NEWSDESK_EDGE_PURGE["BACKEND"]), keys=len(keys))


def _remember(article_id: int, *, keys: set[str], card: str) -> None:
    with transaction.atomic():
        PurgeState.objects.update_or_create(
            article_id=article_id, defaults={"keys": sorted(keys), "card": card}
        )
