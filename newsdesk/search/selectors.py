"""Reads: reader search (through the visibility gate), the newsroom's search, related articles, did-you-mean.

Ranking (docs/search.md): the database ranks the candidates in the statement that also counts the facets
(backends.base.SEARCH_SQL) by the engine's relevance (BM25 on SQLite with headline ×3, persons/topics ×3, lead
and body ×1; on PostgreSQL the same BM25 from ``ts_rank_cd``'s weighted occurrences) times a recency boost
``1 + RECENCY_WEIGHT × 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)``; the best ``depth`` are then scored again
from their text (rerank.py: the words in the headline and the opening, adjacent words side by side). Only the
newest ``CANDIDATES`` matches are scored, so very common words cost the same as rare ones. A query whose
all-words matches do not fill the page gets the matches of some of its words after them (``any_words``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from scipy import sparse

from newsdesk.news.models import Article, Person, Section, Topic

from . import analysis, common_words, related
from .backends import get_backend
from .backends.base import FacetRow, Highlight
from .documents import filter_groups
from .models import SearchDocument, SearchTerm
from .query import (
    STOPWORDS,
    Clause,
    ParsedQuery,
    Term,
    looked_for_instead,
    loosened,
    parse,
    quoted_phrases,
    replace_words,
    word_splits,
)

SORTS = ("relevance", "date")
FACET_SIZE = 10


@dataclass(frozen=True)
class SearchFilters:
    section: Section | None = None
    person: Person | None = None
    topic: Topic | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def any(self) -> bool:
        return any((self.section, self.person, self.topic, self.date_from, self.date_to))

    @property
    def kinds(self) -> int:
        """How many filters apply (a date range counts once)."""
        return sum(map(bool, (self.section, self.person, self.topic, self.date_from or self.date_to)))

    def index_groups(self, *, at: dt.datetime) -> tuple[tuple[str, ...], ...]:
        """The filter as index tokens (documents.filter_groups); ``at`` closes an open-ended date range,
        since readers see nothing published after it."""
        return filter_groups(
            section=self.section.pk if self.section else None,
            persons=[self.person.pk] if self.person else [],
            topics=[self.topic.pk] if self.topic else [],
            since=_day_start(self.date_from) if self.date_from else None,
            before=_day_start(self.date_to + dt.timedelta(days=1)) if self.date_to else at + _INSTANT,
        )


_INSTANT = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    highlight: Highlight | None


@dataclass(frozen=True)
class FacetValue:
    key: str  # the filter value: a slug, or "YYYY-MM" for months
    label: str
    count: int


@dataclass
class SearchResult:
    query: ParsedQuery
    sort: str
    page: int
    per_page: int
    total: int = 0
    total_exact: bool = True
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str | None = None
    any_words: bool = False  # no match of all the words filled the page: matches of some of them follow
    all_words: int = 0  # how many match all the words (of the newest CANDIDATES)
    # Only common words were typed: they were looked for as a phrase in the newest stories' headlines and
    # leads (common_words.py), newest first, and when none had them, in the same stories' text (in_text).
    common_words: bool = False
    common_words_in_text: bool = False
    # No story has the phrase typed in quotes: the stories with its words apart are shown.
    phrase_apart: bool = False
    # Nothing matched the query as typed: what was looked for in its place ("Kiev" for "Kyiv").
    searched_instead: str | None = None

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def gated_articles(
    *, filters: SearchFilters, at: dt.datetime, language: str | None = None
) -> QuerySet[Article]:
    """What readers may see now, narrowed by the filters (and to one edition's ``language``): the set every
    reader search runs within. A date range's end, where it is before ``at``, is the gate's own bound: with
    two upper bounds on the publish time, SQLite walks the edition's index from the one it takes (now, for a
    month years ago: half a million entries, 100 ms at 1,000,000 articles, to reach the month)."""
    if filters.date_to:
        at = min(at, _day_start(filters.date_to + dt.timedelta(days=1)) - _INSTANT)
    articles = Article.objects.published(at=at)
    if language:
        articles = articles.filter(language=language)
    if filters.section:
        articles = articles.filter(section=filters.section)
    if filters.person:
        articles = articles.filter(persons=filters.person)
    if filters.topic:
        articles = articles.filter(topics=filters.topic)
    if filters.date_from:
        articles = articles.filter(publish_at__gte=_day_start(filters.date_from))
    return articles


def search_articles(
    *,
    q: str,
    filters: SearchFilters = SearchFilters(),  # noqa: B008 - frozen dataclass, never mutated
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 10,
    at: dt.datetime | None = None,
    facets: bool = True,
    language: str = "en",
) -> SearchResult:
    """Reader search in one edition (``language``: its articles only, its words analysed as that language's;
    a Cyrillic query on another edition is analysed as Russian): matches pass the visibility gate at query
    time, so scheduled items appear on time. ``facets=False`` leaves the facet counts out of the statement
    (callers that show none)."""
    at = at or timezone.now()
    backend = get_backend()
    query = parse(q, language=language)
    result = SearchResult(query=query, sort=sort, page=page, per_page=per_page)
    within = gated_articles(filters=filters, at=at, language=language)
    name = _ampersand_name(query)
    # "at t": AT&T typed without its ampersand, found by the name's whole term across the archive (when a story
    # has it: one look at the index, so that "the who" costs no search more).
    if name and backend.candidates(parse(name, language=language), within=within, limit=1):
        return search_articles(
            q=name,
            filters=filters,
            sort=sort,
            page=page,
            per_page=per_page,
            at=at,
            facets=facets,
            language=language,
        )
    if query.common_words_only:
        # The window: the edition's newest stories in the dates asked for (an index range); a section's,
        # person's or topic's filter keeps what it keeps of the matches (common_words.search).
        edition = gated_articles(filters=SearchFilters(date_to=filters.date_to), at=at, language=language)
        return _common_words_search(result, edition, filters)
    if query.is_empty and not filters.any:
        return result
    groups = filters.index_groups(at=at)  # what the index can match of the filters
    narrowed = len(groups) < filters.kinds
    if _edition_token_helps(query, language):
        groups += filter_groups(language=language)
    found = backend.search(
        None if query.is_empty else query,
        within=within,
        sort="date" if query.is_empty else sort,
        at=at,
        offset=(page - 1) * per_page,
        count=per_page,
        facet_size=FACET_SIZE,
        facets=facets,
        narrowed=narrowed,
        tags=groups,
    )
    result.total, result.total_exact = found.total, found.total < backend.candidate_limit
    result.any_words, result.all_words = found.any_words, found.all_words
    # A phrase looked for as its words apart ("money-fx", or "nat gas" in quotes, which no story has): they are
    # marked so.
    searched = found.searched or query
    result.phrase_apart = bool(quoted_phrases(query)) and len(quoted_phrases(searched)) < len(
        quoted_phrases(query)
    )
    if found.instead is not None and not result.phrase_apart:
        result.searched_instead = looked_for_instead(query, found.instead)
    result.hits = _hits(searched, found.hits, at=at)
    result.facets = _facets(found.facets)
    if not found.all_words and not query.is_empty:
        result.did_you_mean = did_you_mean(query=searched, within=within)
    return result


def _ampersand_name(query: ParsedQuery) -> str | None:
    """A query of two short common words ("at t", "s p") as the name they may be with an ampersand ("at&t"):
    both are stop words (PostgreSQL's index has neither), so only the name's whole term (analysis.ampersand_terms)
    finds its stories beyond the headlines and leads that the common words' search reads."""
    words = query.common_words
    if not query.common_words_only or len(words) != 2 or "&" in query.text:
        return None
    if all(word.isascii() and word.isalpha() and len(word) <= 4 for word in words):
        return "&".join(words)
    return None


def _common_words_search(
    result: SearchResult, edition: QuerySet[Article], filters: SearchFilters
) -> SearchResult:
    offset = (result.page - 1) * result.per_page
    found = common_words.search(
        result.query.common_words,
        edition=edition,
        since=_day_start(filters.date_from) if filters.date_from else None,
        offset=offset,
        count=result.per_page,
        section=filters.section.pk if filters.section else None,
        person=filters.person.pk if filters.person else None,
        topic=filters.topic.pk if filters.topic else None,
    )
    result.common_words, result.common_words_in_text, result.sort = True, found.in_text, "date"
    result.total, result.total_exact = found.total, found.exact
    articles = Article.objects.filter(pk__in=found.hits).for_cards().in_bulk()
    result.hits = [Hit(articles[pk], 0.0, found.highlights[pk]) for pk in found.hits if pk in articles]
    return result


def _edition_token_helps(query: ParsedQuery, language: str) -> bool:
    """Whether a search in ``language`` is narrowed by its edition's index token (documents.language_token).
    A word other editions use too ("Twitter" on /ru/) otherwise walks their matches newest first, each
    rejected by the gate alone: English words on /ru/ at 100,000 articles, half of them English, p95 38 ms
    without the token, 18 ms with it (SQLite, side by side). A Russian query of Cyrillic words alone is not
    narrowed: English stories hold few such words, and intersecting them with the edition's long list of
    documents cost more than it saved (+20 % p50 at that size)."""
    words = query.positive_words()
    return not (language == analysis.RUSSIAN and words and all(map(analysis.has_cyrillic, words)))


def _hits(query: ParsedQuery, page_items: list[tuple[int, float]], *, at: dt.datetime) -> list[Hit]:
    ids = [article_id for article_id, _ in page_items]
    if not ids:
        return []
    articles = Article.objects.published(at=at).for_cards().in_bulk(ids)
    marks = {} if query.is_empty else get_backend().highlights(query, ids)
    return [
        Hit(articles[article_id], score, marks.get(article_id))
        for article_id, score in page_items
        if article_id in articles
    ]


def _facets(rows: dict[str, list[FacetRow]]) -> dict[str, list[FacetValue]]:
    facets = {name: [FacetValue(r.key, r.label, r.count) for r in values] for name, values in rows.items()}
    language = translation.get_language()
    facets["month"] = [FacetValue(r.key, _month(r.key, language), r.count) for r in rows.get("month", [])]
    return facets


@functools.lru_cache(maxsize=4096)
def _month(key: str, language: str | None) -> str:
    """ "May 2017", "Май 2017": a month facet's label in the page's language (a name's search has a facet
    value for each of 60 months or more: formatting them took 2 ms of each search)."""
    return date_format(dt.date.fromisoformat(key + "-01"), "F Y")


# "Did you mean" -------------------------------------------------------------------------------------------
def _edits(word: str) -> set[str]:
    """Every word one deletion, transposition, replacement or insertion away (Norvig's speller)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = analysis.alphabet(word)
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def did_you_mean(*, query: ParsedQuery, within: QuerySet[Article]) -> str | None:
    """A respelt query that finds something readers may see, or None. Words come from indexed text, and the
    suggestion is only offered after it was run through the gate (a draft's words are never suggested)."""
    words = {w for w in query.positive_words() if w.isalpha() and 3 <= len(w) <= 30}
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    # Never a stop word: the query language drops them, so "teh" -> "the" would search for nothing.
    edits = {word: _edits(word) - STOPWORDS for word in sorted(words - known)}
    # A word typed whole may be two ("moscowtrade": "moscow trade", when no story has them side by side, which
    # the search looked for): each split whose parts are both words stories have, if no spelling is.
    splits = {word: word_splits(word) for word in edits}
    parts = {part for pairs in splits.values() for pair in pairs for part in pair}
    rank = _spelling_rank(set().union(*edits.values(), parts))
    replacements = {}
    for word, spellings in edits.items():
        ranked = [(rank[term], term) for term in spellings if term in rank]
        apart = [(max(rank[a], rank[b]), f"{a} {b}") for a, b in splits[word] if a in rank and b in rank]
        if ranked or apart:
            replacements[word] = min(ranked or apart)[1]
    if not replacements:
        return None
    suggestion = replace_words(query, replacements)
    respelt = parse(suggestion, language=query.language)
    if respelt.is_empty:
        return None
    found = get_backend().candidates(respelt, within=within, limit=1)
    return suggestion if found else None


# All the unknown words' spellings in one read, with the terms as bound parameters in plain SQL: a long word
# has a thousand (two for each letter and place, 33 letters in Russian), and the ORM's IN cost 2 us a value to
# build, more than the read (a six-word Russian name with two unknown words: 7 -> 3 ms).
_SPELLINGS_PER_READ = 10_000


def _spelling_rank(terms: set[str]) -> dict[str, tuple[int, int, int]]:
    """Of ``terms``, the indexed ones, each with its rank as a spelling (the lowest is the best): most documents
    first, then the term as the database orders terms (within a read; reads follow each other)."""
    if not terms:
        return {}
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    # In sorted order only when it takes more than one read (then its order breaks ties between reads).
    ordered, rank = sorted(terms) if len(terms) > _SPELLINGS_PER_READ else list(terms), {}
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), _SPELLINGS_PER_READ):
            chunk = ordered[start : start + _SPELLINGS_PER_READ]
            params: list[Any]
            if connection.vendor == "postgresql":
                # One array, probed term by term through the index: with the list as IN's values PostgreSQL
                # hashed them and read the whole table (108,000 terms at 1,000,000 articles: 12 → 2.6 ms).
                within, params = "(SELECT unnest(%s::text[]))", [chunk]
            else:
                within, params = "(" + ", ".join(["%s"] * len(chunk)) + ")", list(chunk)
            cursor.execute(
                f"SELECT term, doc_count FROM {table} WHERE term IN {within} "  # noqa: S608 - our table
                "ORDER BY doc_count DESC, term",
                params,
            )
            for place, (term, count) in enumerate(cursor.fetchall()):
                rank[term] = (-count, start, place)
    return rank


# Newsroom ----------------------------------------------------------------------------------------------
def newsroom_search(*, queryset: QuerySet[Article], q: str) -> QuerySet[Article]:
    """The newsroom's article list: the same engine and query language over every status the list shows, as a
    filter (the stories with all the words). A phrase typed without quotes that no story has ("money-fx") is
    its words apart, a word typed whole that no story has is its two parts ("antidoping" as "anti-doping"),
    and a city's name that no story has its other name ("kyiv" as "kiev"), as readers' search reads them; a
    phrase in quotes stays as written."""
    query = parse(q)
    backend = get_backend()

    def found(query: ParsedQuery) -> list[int]:
        return [
            c.article_id for c in backend.candidates(query, within=queryset, limit=backend.candidate_limit)
        ]

    ids = [] if query.is_empty else found(query)
    if not ids and not query.is_empty and (loose := loosened(query, letters=True)) is not None:
        ids = found(loose)
    if not ids and not query.is_empty and (apart := backend.broken_apart(query)) is not None:
        ids = found(apart)  # "antidoping" as "anti-doping", as readers' search reads it
    for other in backend.renamed(query) if not ids and not query.is_empty else ():
        ids = found(other)  # "kyiv" as "kiev", as readers' search reads it
        if ids and backend.named(query, other, ids):
            break
        ids = []
    condition = Q(pk__in=ids)
    if q.strip().isdigit():
        condition |= Q(public_id=int(q.strip()))
    return queryset.filter(condition)


# Related articles ------------------------------------------------------------------------------------------
# "Read also" is a ranked similarity over the whole text (``related``: TF-IDF vectors of headline, lead and body,
# cosine, the subject widened by its nearest stories) plus shared persons and topics; the newest first only
# among equal scores. Document frequencies come from the newest ``READ_ALSO_POOL`` visible stories: what
# the site publishes now. The pipeline scores whole batches against that pool (``related_articles_many``: the
# cost per story follows the pool, never the archive); one article (``related_articles``: the newsroom's
# suggestions) also gets the engine's best matches of its own words from the whole archive.
READ_ALSO_POOL = 3000
RELATED_POOL = 2000  # the newest matches the engine scores for one article's words (the candidate bound)
RELATED_CANDIDATES = 200  # of those, the best by the engine's relevance, compared in full
RELATED_TERMS = 24  # the article's words (its highest TF-IDF) the engine looks for (12: first three 0.555 on Lee, 24: 0.570)
TAG_WEIGHT = 0.1  # per shared person or topic, beside a cosine of 0..1
_BAGS_KEPT = 20_000  # stories whose stems a process keeps (by id and modified_at), for the next batch


@dataclass(frozen=True)
class _Story:
    pk: int
    bag: tuple  # related.bag(): stems and their counts, surface words
    tags: frozenset[tuple[str, int]]  # ("p", person id), ("t", topic id)


_bags: dict[tuple[int, dt.datetime], tuple] = {}


def related_articles(*, article: Article, limit: int = 5, at: dt.datetime | None = None) -> list[Article]:
    """Suggestions for "Read also", closest first: the engine's best matches, across the archive, of the
    words that weigh most in the article, compared with it in full (``related``), shared persons and topics
    counted; document frequencies from the recent pool. Never the article itself, and only what readers may
    see now (no drafts, scheduled or withdrawn items)."""
    at = at or timezone.now()
    found = _stories([article.pk]) if article.pk else []
    subject = (
        found[0]
        if found
        else _Story(0, related.bag(article.headline, article.lead, article.body), frozenset())
    )
    with _POOL_LOCK:
        vector = _pool(at=at, size=READ_ALSO_POOL).vector(subject.bag, member=subject.pk)
    within = Article.objects.published(at=at).exclude(pk=article.pk)
    terms: list[Clause] = [Term(word) for word in related.top_words(subject.bag, vector, RELATED_TERMS)]
    matches = (
        get_backend().candidates(ParsedQuery(text="", must=[terms]), within=within, limit=RELATED_POOL)
        if terms
        else []
    )
    best = sorted(matches, key=lambda c: -c.relevance)[:RELATED_CANDIDATES]
    stories = _stories([c.article_id for c in best])
    with _POOL_LOCK:
        pool = _pool(at=at, size=READ_ALSO_POOL)
        index = related.Index({story.pk: pool.vector(story.bag, member=story.pk) for story in stories})
    scores = index.similar(vector, skip=subject.pk)
    for story in stories:
        shared = len(subject.tags & story.tags)
        if shared:
            # Float counts, as Python's documentation allows; typeshed types a Counter's values as int.
            scores[story.pk] += TAG_WEIGHT * shared  # type: ignore[assignment]
    chosen = [pk for pk, _ in _best_first(scores)[: limit * 2]]
    articles = within.filter(pk__in=chosen).for_cards().in_bulk(chosen)
    return [articles[pk] for pk in chosen if pk in articles][:limit]


def related_articles_many(
    *, article_ids: list[int], limit: int, pool_size: int = READ_ALSO_POOL, at: dt.datetime | None = None
) -> dict[int, list[int]]:
    """ "Read also" for each of ``article_ids``: the ids of up to ``limit`` of the ``pool_size`` newest
    visible articles closest to it (``related_scores``), closest first. Never the article itself; only what
    readers may see now."""
    scores = related_scores(article_ids=article_ids, pool_size=pool_size, at=at, limit=limit)
    return {pk: [other for other, _ in ranked] for pk, ranked in scores.items()}


def related_scores(
    *,
    article_ids: list[int],
    pool_size: int = READ_ALSO_POOL,
    at: dt.datetime | None = None,
    limit: int | None = None,
) -> dict[int, list[tuple[int, float]]]:
    """For each of ``article_ids``: (id, score) of the pool's stories with any closeness to it (the first
    ``limit`` of them), best first (ties: the newer first). The pool (the newest ``pool_size`` visible
    articles) is kept by the process and brought up to date once per call: its cost follows what was published
    since, never the archive. The subjects are scored together (``related.Index.similar_many``)."""
    subjects = _stories(article_ids)
    with _POOL_LOCK:
        pool = _pool(at=at or timezone.now(), size=pool_size)
        keys, scores = pool.index.similar_many(
            [(pool.vector(subject.bag, member=subject.pk), subject.pk) for subject in subjects]
        )
        position = {key: column for column, key in enumerate(keys)}
        rows, columns = [], []  # one per shared person or topic
        for row, subject in enumerate(subjects):
            for tag in subject.tags:
                shared = [
                    position[pk] for pk in pool.by_tag.get(tag, ()) if pk != subject.pk and pk in position
                ]
                rows += [row] * len(shared)
                columns += shared
        if rows:
            scores = scores + sparse.csr_matrix(
                ([TAG_WEIGHT] * len(rows), (rows, columns)), shape=scores.shape
            )  # duplicates add up
        scores, found = scores.tocsr(), np.asarray(keys, dtype=np.int64)
        return {
            subject.pk: related.best_of(scores, row, found, limit) for row, subject in enumerate(subjects)
        }


def _best_first(scores: Mapping[int, float]) -> list[tuple[int, float]]:
    """The scores best first, ties (to nine decimals) the newer story first."""
    return sorted(scores.items(), key=lambda item: (-round(item[1], 9), -item[0]))


# One pool per process, read and brought up to date under the lock (a web process may serve the newsroom's
# suggestions from several threads).
_POOL, _POOL_LOCK = related.Pool(), threading.RLock()


def _pool(*, at: dt.datetime, size: int) -> related.Pool:
    """The process's pool brought up to the newest ``size`` visible articles. Newest by id through the primary
    key (an index range of about ``size`` rows); the gate's rule is applied to those rows, as _cards does:
    with it in the query SQLite would sort every visible article."""
    rows = Article.objects.order_by("-pk").values_list("pk", "status", "publish_at", "modified_at")
    current = {
        pk: modified
        for pk, status, published, modified in rows[: int(size * 1.25)]
        if status in _VISIBLE and published and published <= at
    }
    current = dict(list(current.items())[:size])

    def load(ids: list[int]) -> dict[int, tuple]:
        return {story.pk: (story.bag, story.tags) for story in _stories(ids, newest=len(ids) > 100)}

    _POOL.sync(current, load, now=time.monotonic())
    return _POOL


# The gate's rule (ArticleQuerySet.published) on rows already read.
_VISIBLE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


def _stories(ids: list[int], *, newest: bool = False) -> list[_Story]:
    """The stories' stems (kept per process by id and modified time: a story's text is read and stemmed once)
    and tags. ``newest``: the ids are the newest articles, so their tags are an index range from the oldest
    of them (thousands of ids in an IN list would cost more than the rows)."""
    if not ids:
        return []
    rows = list(Article.objects.filter(pk__in=ids).values_list("pk", "modified_at", "headline", "lead"))
    missing = [pk for pk, modified, *_ in rows if (pk, modified) not in _bags]
    bodies = (
        dict(SearchDocument.objects.filter(pk__in=missing).values_list("article_id", "body"))
        if missing
        else {}
    )
    if len(_bags) > _BAGS_KEPT:
        _bags.clear()
    for pk, modified, headline, lead in rows:
        if (pk, modified) not in _bags:
            _bags[(pk, modified)] = related.bag(headline, lead, bodies.get(pk, ""))
    tags: dict[int, set[tuple[str, int]]] = {pk: set() for pk, *_ in rows}
    narrow = {"article_id__gte": min(ids)} if newest else {"article_id__in": ids}
    for kind, through, column in (
        ("p", Article.persons.through, "person_id"),
        ("t", Article.topics.through, "topic_id"),
    ):
        for pk, tag in through.objects.filter(**narrow).values_list("article_id", column):
            if pk in tags:
                tags[pk].add((kind, tag))
    order = {pk: n for n, pk in enumerate(ids)}
    stories = [_Story(pk, _bags[(pk, modified)], frozenset(tags[pk])) for pk, modified, *_ in rows]
    return sorted(stories, key=lambda story: order[story.pk])
