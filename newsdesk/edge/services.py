"""Purging: called after commit (``news.services.after_publish_hooks``) with the id of the changed article."""

from __future__ import annotations

import hashlib
import json
import logging

from django.db import transaction

from newsdesk.news.models import Article

from .backends import get_purger
from .keys import article_keys
from .models import PurgeState

logger = logging.getLogger(__name__)

# What a card in a list shows: when none of these changed, list pages need no purge.
CARD_FIELDS = ("headline", "slug", "lead", "section_id", "status", "publish_at", "lead_photo_id", "urgency",
               "top_story_rank", "dateline_place")  # fmt: skip


def card_fingerprint(article: Article) -> str:
    data = {name: str(getattr(article, name)) for name in CARD_FIELDS}
    data["persons"] = sorted(article.persons.values_list("pk", flat=True))
    data["topics"] = sorted(article.topics.values_list("pk", flat=True))
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
    get_purger().purge(keys)
    logger.debug("Purged %s for article %s", sorted(keys), article_id)
    return keys


def _remember(article_id: int, *, keys: set[str], card: str) -> None:
    with transaction.atomic():
        PurgeState.objects.update_or_create(
            article_id=article_id, defaults={"keys": sorted(keys), "card": card}
        )
