"""Writes to the search index. Keyword-only; each call leaves the index consistent (one transaction).

Three paths keep the index in step with the newsroom:
- ``search_index_changed`` is an effect of the publishing pipeline (publish, correct, withdraw), and a bulk
  import indexes its batch in the batch's own transaction (a crash never leaves a visible item unindexed);
- ``search_sync_pending`` (the worker's job, every minute: ``tasks.search_sync_job``) picks up what no change
  announces (drafts, schedules, edits by other write paths): articles whose ``modified_at`` differs from the
  document's. It reads only the articles modified since a stored mark (``SearchSyncMark``), through an index
  on ``news_article.modified_at``, so its cost follows the number of recent changes, not the archive. Searches
  never run it: a reader's request only reads;
- ``search_rebuild`` (``newsdesk reindex``) rebuilds everything.
``read_also_suggest_many`` (the pipeline's, likewise) stores the changed articles' automatic Read also links.
Visibility is never decided here: readers' searches pass every match through ``Article.objects.published``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.utils import timezone

from newsdesk.news import services as news_services
from newsdesk.news.models import Article

from .backends import get_backend
from .documents import articles_for_index, build_document, spelling_words
from .models import SearchDocument, SearchSyncMark, SearchTerm
from .selectors import related_articles, related_articles_many

# A transaction that stamped modified_at earlier may commit after the mark moved past it: look back this far.
SYNC_LOOKBACK = dt.timedelta(minutes=10)
SYNC_MARK_EVERY = dt.timedelta(seconds=60)
SYNC_BATCH = 200


def search_index_article(article_id: int) -> None:
    """Index one article (after its transaction committed)."""
    search_index_articles(article_ids=[article_id])


def search_index_changed(*, article_ids: list[int]) -> int:
    """The pipeline's effect: index the changed articles whose document is missing or older than the article
    (a bulk import has indexed its own already); a deleted article's document went with it. Then the
    engine's statistics, when many documents changed (at most once a ``STATISTICS_EVERY`` in this process)."""
    done = search_index_articles(article_ids=stale_among(article_ids=article_ids)) if article_ids else 0
    if article_ids:
        search_statistics_refresh(every=STATISTICS_EVERY)
    return done


STATISTICS_EVERY = 60.0  # seconds between the pipeline's checks in one process (autovacuum's naptime)
_statistics_checked = [float("-inf")]


def search_statistics_refresh(*, every: float = 0.0) -> bool:
    """The engine's statistics brought up to date when many documents changed since they were taken
    (``refresh_statistics``: PostgreSQL analyzes its table; SQLite's counts are always exact). After a bulk
    load, a rebuild or a burst of ingest, so that the next search ranks with what is there. ``every``: not
    again within that many seconds in this process. True when it refreshed them."""
    now = time.monotonic()
    if now < _statistics_checked[0] + every:
        return False
    _statistics_checked[0] = now
    return get_backend().refresh_statistics()


@transaction.atomic
def search_index_articles(
    *, article_ids: Iterable[int], loaded: list[Article] | None = None, tagged: dict | None = None
) -> int:
    """``loaded``: these articles as just written (a bulk import's), indexed without reading them again;
    ``tagged``: their persons and topics as the writer has them ({article id: (persons, topics)}), so that
    they are not read again either."""
    backend = get_backend()
    ids = list(dict.fromkeys(article_ids))
    if loaded is not None and tagged is None:
        prefetch_related_objects(loaded, "persons", "topics")
    tagged = tagged or {}
    documents = [
        build_document(article, *tagged.get(article.pk, ())) for article in loaded or articles_for_index(ids)
    ]
    gone = set(ids) - {d.article_id for d in documents}
    if gone:
        backend.remove(gone)
    known = set(
        SearchDocument.objects.filter(pk__in=[d.article_id for d in documents]).values_list("pk", flat=True)
    )
    _count_words([d for d in documents if d.article_id not in known])
    _learn_words([d for d in documents if d.article_id in known])
    backend.upsert(documents)
    return len(documents)


def _learn_words(documents: list[SearchDocument]) -> None:
    """Add the words that edited documents bring to the spelling list, each counted once, those there already
    left as they are: a word that only an edit added (a name spelt right at last) is suggested and broken into
    (``BaseSearchBackend.broken_apart``) as the words of new documents are."""
    words = sorted(set().union(*(spelling_words(document) for document in documents)))
    if not words:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_searchterm (term, doc_count) VALUES (%s, 1) ON CONFLICT (term) DO NOTHING",
            [(word,) for word in words],
        )


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


def stale_among(*, article_ids: list[int]) -> list[int]:
    fresh = SearchDocument.objects.filter(article=OuterRef("pk"), source_modified_at=OuterRef("modified_at"))
    return list(
        Article.objects.filter(pk__in=article_ids).filter(~Exists(fresh)).values_list("pk", flat=True)
    )


def stale_article_ids(*, since: dt.datetime | None, limit: int = SYNC_BATCH) -> list[int]:
    """Articles modified after ``since`` (all when None) whose document is missing or older."""
    articles = Article.objects.all() if since is None else Article.objects.filter(modified_at__gt=since)
    fresh = SearchDocument.objects.filter(article=OuterRef("pk"), source_modified_at=OuterRef("modified_at"))
    return list(articles.filter(~Exists(fresh)).order_by("modified_at").values_list("pk", flat=True)[:limit])


def search_sync_pending(*, limit: int = SYNC_BATCH) -> int:
    """Index what changed since the stored mark. Reads only articles modified after it (an index range), and
    moves the mark forward at most every ``SYNC_MARK_EVERY``."""
    now = timezone.now()
    mark = SearchSyncMark.objects.filter(pk=1).values_list("synced_at", flat=True).first()
    stale = stale_article_ids(since=None if mark is None else mark - SYNC_LOOKBACK, limit=limit)
    done = search_index_articles(article_ids=stale) if stale else 0
    if len(stale) < limit and (mark is None or now - mark >= SYNC_MARK_EVERY):
        search_mark_synced(at=now)
    return done


def search_mark_synced(*, at: dt.datetime) -> None:
    """Everything modified up to ``at`` (and committed by then) is indexed. Never moves the mark back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_searchsyncmark (id, synced_at) VALUES (1, %s) ON CONFLICT (id) DO UPDATE "
            "SET synced_at = excluded.synced_at WHERE search_searchsyncmark.synced_at < excluded.synced_at",
            [at],
        )


def search_rebuild(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Drop and rebuild the whole index in batches (one transaction per batch, so readers keep reading)."""
    started = timezone.now()
    with transaction.atomic():
        get_backend().clear()
        SearchTerm.objects.all().delete()
    done, last = 0, 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            search_mark_synced(at=started)  # what changed during the rebuild is newer than this
            search_statistics_refresh()
            return done
        done += search_index_articles(article_ids=ids)
        last = ids[-1]
        if progress:
            progress(done)


def search_reindex_language(
    *, language: str, batch_size: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """Index one edition's articles again, in batches by id (one transaction each), without clearing the rest:
    after a change of how that language is analysed (a new stemmer), or to move documents indexed before
    migration 0007. Cost: one pass over ``news_article`` by primary key plus that edition's articles."""
    done, last = 0, 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last, language=language)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            search_statistics_refresh()
            return done
        with transaction.atomic():
            # The upsert rewrites every column, so the engine's triggers index each document afresh.
            done += search_index_articles(article_ids=ids)
        last = ids[-1]
        if progress:
            progress(done)


READ_ALSO_SUGGESTIONS = 3
READ_ALSO_BATCH = 200  # articles whose suggestions are stored in one transaction (the backfill)


def read_also_suggest(article_id: int) -> None:
    """Store the article's automatic Read also links (``selectors.related_articles``), which readers get when
    the editor chose none; a withdrawn article keeps none. Hooked after publish, correct and withdraw, so the
    reader page never searches: it reads the stored links through the visibility gate."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    targets = []
    if article.status != Article.Status.WITHDRAWN:
        targets = [a.pk for a in related_articles(article=article, limit=READ_ALSO_SUGGESTIONS)]
    news_services.read_also_suggestions_set(article_id=article_id, target_ids=targets)


def read_also_suggest_many(*, article_ids: list[int]) -> int:
    """The pipeline's effect: Read also for a batch of changed articles at once, each scored against one
    bounded pool of recent stories (``selectors.related_articles_many``): the cost per article does not grow
    with the archive. An article no longer visible keeps none."""
    now = timezone.now()
    visible = set(Article.objects.published(at=now).filter(pk__in=article_ids).values_list("pk", flat=True))
    chosen = related_articles_many(article_ids=sorted(visible), limit=READ_ALSO_SUGGESTIONS, at=now)
    news_services.read_also_suggestions_replace(suggestions={pk: chosen.get(pk, []) for pk in article_ids})
    return len(visible)


def read_also_suggest_missing(*, limit: int, at: dt.datetime | None = None) -> int:
    """Suggestions for the newest ``limit`` published articles that have neither the editor's links nor
    stored suggestions (articles loaded in bulk, by the demo or an archive import, skip the publish hook):
    in batches against the recent pool, as the pipeline makes them (``related_articles_many``)."""
    at = at or timezone.now()
    missing = (
        Article.objects.published(at=at)
        .filter(read_also__isnull=True, read_also_suggestions__isnull=True)
        .order_by("-publish_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(missing)
    for start in range(0, len(ids), READ_ALSO_BATCH):
        batch = ids[start : start + READ_ALSO_BATCH]
        chosen = related_articles_many(article_ids=batch, limit=READ_ALSO_SUGGESTIONS, at=at)
        with transaction.atomic():
            news_services.read_also_suggestions_replace(suggestions={pk: chosen.get(pk, []) for pk in batch})
    return len(ids)
