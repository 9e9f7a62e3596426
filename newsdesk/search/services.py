"""Writes to the search index. Keyword-only; each call leaves the index consistent (one transaction).

Three paths keep the index in step with the newsroom:
- ``search_index_article`` is subscribed to ``news.services.after_publish_hooks`` (publish, correct,
  withdraw);
- ``search_sync_pending`` runs before every search and picks up what no hook announces (drafts, schedules,
  edits by other write paths): articles whose ``modified_at`` differs from the document's. It reads only the
  recently modified range, through an index on ``news_article.modified_at``;
- ``search_rebuild`` (``newsdesk reindex``) rebuilds everything.
Visibility is never decided here: readers' searches pass every match through ``Article.objects.published``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef

from newsdesk.news.models import Article

from .backends import get_backend
from .documents import articles_for_index, build_document, spelling_words
from .models import SearchDocument

# A transaction that stamped modified_at earlier may commit after a later one was indexed: look back this far.
SYNC_LOOKBACK = dt.timedelta(minutes=10)
SYNC_BATCH = 200


def search_index_article(article_id: int) -> None:
    """The after-publish hook: index one article after its transaction committed."""
    search_index_articles(article_ids=[article_id])


@transaction.atomic
def search_index_articles(*, article_ids: Iterable[int]) -> int:
    backend = get_backend()
    ids = list(dict.fromkeys(article_ids))
    documents = [build_document(article) for article in articles_for_index(ids)]
    gone = set(ids) - {d.article_id for d in documents}
    if gone:
        backend.remove(gone)
    known = set(
        SearchDocument.objects.filter(pk__in=[d.article_id for d in documents]).values_list("pk", flat=True)
    )
    _count_words([d for d in documents if d.article_id not in known])
    backend.upsert(documents)
    return len(documents)


def _count_words(documents: list[SearchDocument]) -> None:
    """Add new documents' words to the spelling list (counts only grow: "did you mean" needs no precision)."""
    counts = Counter(word for document in documents for word in spelling_words(document))
    if not counts:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_searchterm (term, doc_count) VALUES (%s, %s) "
            "ON CONFLICT (term) DO UPDATE SET doc_count = search_searchterm.doc_count + excluded.doc_count",
            sorted(counts.items()),
        )


def stale_article_ids(*, limit: int = SYNC_BATCH) -> list[int]:
    """Articles changed since their document was built, or never indexed, in the recent range."""
    newest = SearchDocument.objects.aggregate(newest=Max("source_modified_at"))["newest"]
    articles = Article.objects.all()
    if newest is not None:
        articles = articles.filter(modified_at__gt=newest - SYNC_LOOKBACK)
    fresh = SearchDocument.objects.filter(article=OuterRef("pk"), source_modified_at=OuterRef("modified_at"))
    return list(articles.filter(~Exists(fresh)).order_by("modified_at").values_list("pk", flat=True)[:limit])


def search_sync_pending(*, limit: int = SYNC_BATCH) -> int:
    stale = stale_article_ids(limit=limit)
    return search_index_articles(article_ids=stale) if stale else 0


def search_rebuild(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Drop and rebuild the whole index in batches (one transaction per batch, so readers keep reading)."""
    from .models import SearchTerm

    with transaction.atomic():
        get_backend().clear()
        SearchTerm.objects.all().delete()
    done, last = 0, 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        done += search_index_articles(article_ids=ids)
        last = ids[-1]
        if progress:
            progress(done)
