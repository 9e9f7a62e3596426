"""Purging: the publishing pipeline calls ``purge_articles`` after commit with a batch of changed articles."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from newsdesk.news.models import Article
from newsdesk.ops import metrics

from .backends import get_purger
from .keys import article_keys
from .models import PurgeState

logger = logging.getLogger(__name__)

# What a card in a list shows: when none of these changed, list pages need no purge.
CARD_FIELDS = ("headline", "slug", "lead", "section_id", "status", "publish_at", "lead_photo_id", "urgency",
               "top_story_rank", "dateline_place", "language", "translation_of_id")  # fmt: skip


PURGE_KEYS_PER_CALL = 200  # a batch's keys go in a few calls: each travels in one request header


def card_fingerprint(article: Article) -> str:
    data: dict[str, object] = {name: str(getattr(article, name)) for name in CARD_FIELDS}
    # Through .all(): prefetched persons and topics (purge_articles) cost no query.
    data["persons"] = sorted(person.pk for person in article.persons.all())
    data["topics"] = sorted(topic.pk for topic in article.topics.all())
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def linked_public_ids(articles: list[Article]) -> dict[int, tuple[int, ...]]:
    """Each article's versions in other editions (its original, the original's translations, its own), by id:
    their pages link to it, so they go when it changes. One query for the batch (the links from the partial index
    of linked rows)."""
    roots = {article.pk: article.translation_of_id or article.pk for article in articles}
    if not roots:
        return {}
    wanted = list(set(roots.values()))
    rows = Article.objects.filter(Q(pk__in=wanted) | Q(translation_of__in=wanted)).values_list(
        "pk", "public_id", "translation_of_id"
    )
    groups: dict[int, list[tuple[int, int]]] = {}
    for pk, public_id, original_id in rows:
        groups.setdefault(original_id or pk, []).append((pk, public_id))
    return {
        pk: tuple(public_id for other, public_id in groups.get(root, []) if other != pk)
        for pk, root in roots.items()
    }


def purge_article(article_id: int) -> set[str]:
    """Purge the pages showing this article; when its card changed, also every list it was on before."""
    article = Article.objects.select_related("section").filter(pk=article_id).first()
    if article is None:
        return set()
    state = PurgeState.objects.filter(article_id=article_id).first()
    card = card_fingerprint(article)
    linked = linked_public_ids([article]).get(article.pk, ())
    listed = article_keys(article, listed=True, linked=linked)
    if state is None or state.card != card:
        keys = listed | set(state.keys if state else ())
        _remember(article_id, keys=listed, card=card)
    else:
        keys = article_keys(article, listed=False, linked=linked)
    _purge(keys)
    logger.debug("Purged %s for article %s", sorted(keys), article_id)
    return keys


def purge_articles(article_ids: list[int]) -> set[str]:
    """``purge_article`` for a batch: the keys of every page that shows one of the articles (and, for a card
    that changed, of the lists it was on before) purged together, from a few queries for the whole batch."""
    articles = list(
        Article.objects.filter(pk__in=article_ids)
        .select_related("section")
        .prefetch_related("persons", "topics")
    )
    states = PurgeState.objects.in_bulk(list(article_ids))
    keys: set[str] = set()
    remembered = []
    linked = linked_public_ids(articles)
    for article in articles:
        state, card = states.get(article.pk), card_fingerprint(article)
        others = linked.get(article.pk, ())
        if state is None or state.card != card:
            listed = article_keys(article, listed=True, linked=others)
            keys |= listed | set(state.keys if state else ())
            remembered.append(PurgeState(article_id=article.pk, keys=sorted(listed), card=card))
        else:
            keys |= article_keys(article, listed=False, linked=others)
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
