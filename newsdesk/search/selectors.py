"""Reads: reader search (through the visibility gate), the newsroom's search, related articles, did-you-mean.

Ranking (by the database, in the statement that also counts the facets: backends.base.SEARCH_SQL): the
engine's relevance (BM25 on SQLite with headline ×10, lead ×5, persons/topics ×3, body ×1;
``ts_rank`` with weights A 1.0 / B 0.5 / C 0.3 / D 0.1 on PostgreSQL) times a recency boost
``1 + RECENCY_WEIGHT × 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)``: an item published today counts up to
twice as much as an old one with the same text score, a two-week-old item 1.5 times. Only the newest
``CANDIDATES`` matches are scored, so very common words cost the same as rare ones (README "Search").
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from newsdesk.news.models import Article, Person, Section, Topic

from .backends import get_backend
from .backends.base import FacetRow, Highlight
from .documents import filter_groups
from .models import SearchTerm
from .query import STOPWORDS, ParsedQuery, Term, parse, replace_words
from .services import search_sync_pending

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

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def gated_articles(*, filters: SearchFilters, at: dt.datetime) -> QuerySet[Article]:
    """What readers may see now, narrowed by the filters: the set every reader search runs within."""
    articles = Article.objects.published(at=at)
    if filters.section:
        articles = articles.filter(section=filters.section)
    if filters.person:
        articles = articles.filter(persons=filters.person)
    if filters.topic:
        articles = articles.filter(topics=filters.topic)
    if filters.date_from:
        articles = articles.filter(publish_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        articles = articles.filter(publish_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
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
) -> SearchResult:
    """Reader search: matches pass the visibility gate at query time, so scheduled items appear on time.
    ``facets=False`` leaves the facet counts out of the statement (callers that show none)."""
    at = at or timezone.now()
    search_sync_pending()
    backend = get_backend()
    query = parse(q)
    result = SearchResult(query=query, sort=sort, page=page, per_page=per_page)
    within = gated_articles(filters=filters, at=at)
    if query.is_empty and not filters.any:
        return result
    groups = filters.index_groups(at=at)  # what the index can match of the filters
    found = backend.search(
        None if query.is_empty else query,
        within=within,
        sort="date" if query.is_empty else sort,
        at=at,
        offset=(page - 1) * per_page,
        count=per_page,
        facet_size=FACET_SIZE,
        facets=facets,
        narrowed=len(groups) < filters.kinds,
        tags=groups,
    )
    result.total, result.total_exact = found.total, found.total < backend.candidate_limit
    result.hits = _hits(query, found.hits, at=at)
    result.facets = _facets(found.facets)
    if not found.total and not query.is_empty:
        result.did_you_mean = did_you_mean(query=query, within=within)
    return result


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
    facets["month"] = [
        FacetValue(r.key, dt.date.fromisoformat(r.key + "-01").strftime("%B %Y"), r.count)
        for r in rows.get("month", [])
    ]
    return facets


# "Did you mean" -------------------------------------------------------------------------------------------
def _edits(word: str) -> set[str]:
    """Every word one deletion, transposition, replacement or insertion away (Norvig's speller)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
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
    replacements = {}
    for word in sorted(words - known):
        # Never a stop word: the query language drops them, so "teh" -> "the" would search for nothing.
        edits = _edits(word) - STOPWORDS
        best = SearchTerm.objects.filter(term__in=edits).order_by("-doc_count", "term").first()
        if best:
            replacements[word] = best.term
    if not replacements:
        return None
    suggestion = replace_words(query, replacements)
    respelt = parse(suggestion)
    if respelt.is_empty:
        return None
    found = get_backend().candidates(respelt, within=within, limit=1)
    return suggestion if found else None


# Newsroom ----------------------------------------------------------------------------------------------
def newsroom_search(*, queryset: QuerySet[Article], q: str) -> QuerySet[Article]:
    """The newsroom's article list: the same engine and query language over every status the list shows."""
    search_sync_pending()
    query = parse(q)
    backend = get_backend()
    ids = (
        []
        if query.is_empty
        else [c.article_id for c in backend.candidates(query, within=queryset, limit=backend.candidate_limit)]
    )
    condition = Q(pk__in=ids)
    if q.strip().isdigit():
        condition |= Q(public_id=int(q.strip()))
    return queryset.filter(condition)


# Related articles ------------------------------------------------------------------------------------------
_STOP = set(
    "about after again against also amid among been before being between could does during from have into "
    "more "
    "most much over said says since some such than that their them then there these they this those through "
    "under until very were what when where which while will with would year years your".split()
)
# Matches of the headline's words scored per suggestion; 200 found a shared label in 0.40 of the suggestions on
# Reuters-21578, 2,000 in 0.50 for ~10 ms more (README "Search", benchmarks/related_quality.py).
RELATED_POOL = 2000


def _headline_terms(article: Article) -> list[Term]:
    words = [w.lower() for w in re.findall(r"[^\W\d_]{4,}", f"{article.headline} {article.lead}")]
    return [Term(w) for w in dict.fromkeys(w for w in words if w not in _STOP)][:10]


def related_articles(*, article: Article, limit: int = 5, at: dt.datetime | None = None) -> list[Article]:
    """Suggestions for "Read also": the same story (shared persons and topics) and topically close items
    (the headline's and lead's words, ranked by the engine), recent first. Never the article itself, and only
    what readers may see now (no drafts, scheduled or withdrawn items)."""
    at = at or timezone.now()
    search_sync_pending()
    within = Article.objects.published(at=at).exclude(pk=article.pk)
    scores: Counter[int] = Counter()
    terms = _headline_terms(article)
    if terms:
        found = get_backend().candidates(
            ParsedQuery(text="", must=[terms]), within=within, limit=RELATED_POOL
        )
        best = max((c.relevance for c in found), default=0) or 1
        scores.update({c.article_id: c.relevance / best for c in found})
    shared = _shared_tag_counts(article, within)
    scores.update({pk: 0.5 * n for pk, n in shared.items()})
    chosen = [pk for pk, _ in scores.most_common(limit)]
    return list(within.filter(pk__in=chosen).for_cards().order_by("-publish_at", "-id"))


def _shared_tag_counts(article: Article, within: QuerySet[Article]) -> Counter[int]:
    if article.pk is None:
        return Counter()
    tagged = within.filter(
        Q(persons__in=article.persons.values("pk")) | Q(topics__in=article.topics.values("pk"))
    ).order_by("-publish_at")
    rows = tagged.values("pk").annotate(n=Count("pk"))[:RELATED_POOL]
    return Counter({row["pk"]: row["n"] for row in rows})


# Many articles at once (the publishing pipeline): a bounded pool instead of a search per article -------------
# The newest visible articles by id (as the engine's newest matches are), read once per batch; each article of
# the batch is scored against them in memory. Its cost follows the pool, never the archive: a wire burst of
# 20,000 stories costs the same per story into an empty site as into one with a million articles.
READ_ALSO_POOL = 3000
_COMMON_IN_POOL = 0.2  # words in more of the pool than this say little about a story and cost the most
_HEADLINE_WEIGHT, _LEAD_WEIGHT, _TAG_WEIGHT = 2.0, 1.0, 0.5


@dataclass
class _PoolEntry:
    pk: int
    words: dict[str, float]  # word -> weight (headline over lead)
    tags: set[tuple[str, int]]  # ("p", person id), ("t", topic id)


def related_articles_many(
    *, article_ids: list[int], limit: int, pool_size: int = READ_ALSO_POOL, at: dt.datetime | None = None
) -> dict[int, list[int]]:
    """ "Read also" for each of ``article_ids``: the ids of up to ``limit`` of the ``pool_size`` newest
    visible articles that share the most of its headline's and lead's words (rarer words weigh more) and of
    its persons and topics, as ``related_articles`` ranks them. Never the article itself; only what readers
    may see now."""
    at = at or timezone.now()
    pool = _pool(at=at, size=pool_size)
    subjects = {entry.pk: entry for entry in _entries(_pool_rows(Article.objects.filter(pk__in=article_ids)))}
    postings: dict[str, list[_PoolEntry]] = {}
    for entry in pool:
        for word in entry.words:
            postings.setdefault(word, []).append(entry)
    by_tag: dict[tuple[str, int], list[int]] = {}
    for entry in pool:
        for tag in entry.tags:
            by_tag.setdefault(tag, []).append(entry.pk)
    common = max(10, int(len(pool) * _COMMON_IN_POOL))
    weights = {
        word: math.log(1 + len(pool) / len(found)) for word, found in postings.items() if len(found) <= common
    }
    return {
        pk: _best_in_pool(subjects[pk], postings, weights, by_tag, limit)
        for pk in article_ids
        if pk in subjects
    }


def _best_in_pool(subject: _PoolEntry, postings, weights, by_tag, limit: int) -> list[int]:
    scores: Counter[int] = Counter()
    for word in list(subject.words)[:10]:  # as _headline_terms: the first ten words say what the story is
        for entry in postings.get(word, ()) if word in weights else ():
            scores[entry.pk] += weights[word] * entry.words[word]
    best = max(scores.values(), default=0) or 1
    ranked: Counter[int] = Counter({pk: score / best for pk, score in scores.items()})
    for tag in subject.tags:
        ranked.update({pk: _TAG_WEIGHT for pk in by_tag.get(tag, ())})
    ranked.pop(subject.pk, None)
    return [pk for pk, _ in sorted(ranked.items(), key=lambda item: (-item[1], -item[0]))[:limit]]


def _pool(*, at: dt.datetime, size: int) -> list[_PoolEntry]:
    # Newest by id through the primary key (an index range of about ``size`` rows); the gate's rule is applied
    # to those rows, as _cards does: with it in the query SQLite would sort every visible article.
    rows = _pool_rows(Article.objects.order_by("-pk")[: int(size * 1.25)])
    visible = [row for row in rows if row[3] in _VISIBLE and row[4] is not None and row[4] <= at][:size]
    return _entries(visible, newest=True)


# The gate's rule (ArticleQuerySet.published) on rows already read.
_VISIBLE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


def _pool_rows(articles: QuerySet[Article]) -> list[tuple]:
    return list(articles.values_list("pk", "headline", "lead", "status", "publish_at"))


def _entries(rows: list[tuple], *, newest: bool = False) -> list[_PoolEntry]:
    """``newest``: the rows are the newest articles, so their tags are an index range from the oldest of them
    (thousands of ids in an IN list would cost more than the rows)."""
    ids = [row[0] for row in rows]
    tags: dict[int, set[tuple[str, int]]] = {pk: set() for pk in ids}
    narrow = {"article_id__gte": min(ids, default=0)} if newest else {"article_id__in": ids}
    for kind, through, column in (
        ("p", Article.persons.through, "person_id"),
        ("t", Article.topics.through, "topic_id"),
    ):
        for pk, tag in through.objects.filter(**narrow).values_list("article_id", column):
            if pk in tags:
                tags[pk].add((kind, tag))
    return [_PoolEntry(pk, _words(headline, lead), tags[pk]) for pk, headline, lead, *_ in rows]


def _words(headline: str, lead: str) -> dict[str, float]:
    words: dict[str, float] = {}
    for text, weight in ((headline, _HEADLINE_WEIGHT), (lead, _LEAD_WEIGHT)):
        for raw in re.findall(r"[^\W\d_]{4,}", text.lower()):
            word = _stem(raw)
            if raw not in _STOP and word not in _STOP:
                words[word] = max(words.get(word, 0.0), weight)
    return words


def _stem(word: str) -> str:
    """Plurals folded ("trucks" and "truck", "Philippines" and "Philippine"), as the engine's stemmer does."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
