"""The search back-end interface. Writes are shared (rows of ``SearchDocument``; the database keeps the
engine's index in step); reads — matching, scoring, snippets — are each engine's own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import FloatField, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import places, rerank
from ..analysis import DEFAULT_RUSSIAN_FORMS, RUSSIAN, RUSSIAN_FORMS, ampersand_names, has_cyrillic, stem
from ..models import SearchDocument, SearchTerm
from ..query import MIN_PART, ParsedQuery, Term, broken, loosened, unbroken_words, word_splits
from ..rerank import Features

MARK_START, MARK_END = "\x02", "\x03"  # never present in indexed text (news.html.html_to_text drops them)
# Relative weight of a match in each field; OPTIONS["FIELD_WEIGHTS"] overrides them. Chosen by cross-validation
# over six judged sets (benchmarks/search_quality.py; docs/search-decisions.md): a headline weight of 10 made every
# story with the word in its headline outrank the stories about it ("yen": nDCG@10 0.07 against BM25's 0.67).
DEFAULT_FIELD_WEIGHTS = {"headline": 3.0, "lead": 1.0, "keywords": 3.0, "body": 1.0}
# The second stage (``rerank``): the best ``depth`` candidates by the engine's relevance are scored again with
# what the engine's one number misses, each a share of the query's words (or pairs) from 0 to 1, weighted:
# - headline: the words in the headline;
# - opening: the words in the lead, or when there is none the opening words of the body (documents.opening):
#   news says first what a story is about;
# - proximity: the query's adjacent words side by side in the text (a name, "interest rates");
# - length: for a query of a subject, not a name, how long the story is (rerank.length_share).
# OPTIONS["RERANK"] overrides them; docs/search-decisions.md has the figures that chose them.
DEFAULT_RERANK = {"depth": 50, "headline": 0.25, "opening": 0.3, "proximity": 0.2, "length": 0.4}
SHARES = ("headline", "opening", "proximity", "length")
MAX_RENAMED = 3  # words of a query looked for as a city's other name (``renamed``): the first three
NAMED_SAMPLE = 20  # stories read to see whether a city's other name is written as a name (``named``)
DOCUMENT_FIELDS = ["headline", "lead", "body", "keywords", "tags", "language", "source_modified_at"]
TagGroups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Candidate:
    article_id: int
    relevance: float  # higher is better; comparable only within one query
    publish_at: dt.datetime | None
    section_id: int


@dataclass(frozen=True)
class FacetRow:
    key: str
    label: str
    count: int


@dataclass
class SearchPage:
    """One search, as the database answered it in one statement: the number of candidates, the requested
    page of (article id, score) in rank order, and facet counts over all candidates. ``any_words``: the
    matches of all the words did not fill the page, so matches of some of them follow (``search``).
    ``searched``: the query as searched, when a phrase's words were looked for apart (``query.loosened``)."""

    total: int = 0
    hits: list[tuple[int, float]] = field(default_factory=list)
    facets: dict[str, list[FacetRow]] = field(default_factory=dict)
    any_words: bool = False
    all_words: int = 0  # candidates that match all the words
    searched: ParsedQuery | None = None
    # What was looked for in place of the query, nothing matching it as typed: its phrase's words apart
    # ("money-fx"), a word typed whole as its parts ("antidoping"), a city's other name ("kyiv").
    instead: ParsedQuery | None = None


@dataclass(frozen=True)
class _Ranked:
    article_id: int
    score: float  # relevance × recency boost, as the statement ranked it
    relevance: float
    boost: float
    tier: int  # 1: all the words, 0: some of them (the any-words fallback)


@dataclass(frozen=True)
class Highlight:
    headline: SafeString
    lead: SafeString
    excerpt: SafeString


class TextSize(Func):
    """How long a text is, as cheaply as the database can say: PostgreSQL's ``octet_length`` reads the size
    from a stored value's header (``length`` would fetch and decompress every body: the rerank's 50 stories
    at 1,000,000 articles); SQLite 3.40 has no such function and counts the characters. Bytes and characters
    differ by a factor per language (Russian: two bytes a letter), the same for every story of a query's
    edition: the order the ``length`` share gives is the same."""

    function = "LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="OCTET_LENGTH", **extra)


def ampersand_marks(text: str) -> Callable[[str | None], str | None]:
    """What marks the query's ampersand names ("AT&T") in an engine's marked text: PostgreSQL's
    ``ts_headline`` leaves them unmarked ("at" and "t" are stop words) or marks a part ("S&[P]"), and
    FTS5 marks them only where the phrase matched, not where the whole term did ("AT&T's")."""
    names = ampersand_names(text)
    if not names:
        return lambda found: found
    start, end = re.escape(MARK_START), re.escape(MARK_END)
    sides = "|".join(
        rf"{start}?{re.escape(left)}{end}?&{start}?{re.escape(right)}{end}?" for left, right in names
    )
    pattern = re.compile(rf"(?<![\w&])(?:{sides})(?![\w&])", re.IGNORECASE)

    def whole(match: re.Match) -> str:
        return MARK_START + match.group(0).replace(MARK_START, "").replace(MARK_END, "") + MARK_END

    def mark(found: str | None) -> str | None:
        return pattern.sub(whole, found) if found else found

    return mark


def marked_html(text: str | None) -> SafeString:
    """Escape the engine's snippet, then turn our private markers into <mark> elements."""
    safe = escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own tags added


def aware(value) -> dt.datetime | None:
    if value is None:
        return None  # drafts have no publish time (newsroom search)
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def gate_sql(within: QuerySet, outer_id: str) -> tuple[str, list]:
    """SQL of ``EXISTS(<within> AND id = <outer_id>)``: the engine's matches pass the visibility gate (and any
    filters) row by row, in the same statement, so limits and counts apply to visible articles only."""
    # Its id only: the gate's subquery keeps its select list (``OFFSET 0``, postgres.py), and every column of
    # the article was a row read from the table for each match, where the index holds what the gate checks.
    sql, params = gate_row_sql(within, outer_id, "pk")
    return f"EXISTS ({sql})", params


def gate_row_sql(within: QuerySet, outer_id: str, *columns: str) -> tuple[str, list]:
    """SQL of ``SELECT <columns> FROM <within> WHERE id = <outer_id>``: the gate as a row of the article, for
    an engine that reads what the candidates need (publish time, section) in the gate's own look-up."""
    subquery = within.order_by().filter(pk=RawSQL(outer_id, ())).values(*columns)  # noqa: S611 - a column name of ours
    sql, params = subquery.query.get_compiler(using=within.db).as_sql()
    return sql, list(params)


def browse_sql(within: QuerySet, limit: int) -> tuple[str, list]:
    newest = within.annotate(rel=Value(0.0, output_field=FloatField()), tier=Value(1)).order_by(
        "-publish_at", "-id"
    )
    sql, params = newest.values_list("pk", "rel", "publish_at", "section_id", "tier")[
        :limit
    ].query.sql_with_params()
    return sql, list(params)


# Matches of all the words (tier 1) before matches of some (tier 0: the any-words fallback).
ORDERS = {"relevance": "tier DESC, score DESC, publish_at DESC, id DESC", "date": "publish_at DESC, id DESC"}
# CROSS JOIN makes SQLite start from the candidates and probe the link table by article (PostgreSQL plans it as
# an inner join), instead of scanning every article's tags. The links are counted by id first and each person,
# topic or section counted is looked up once, not once per link (a topic's facet of 1,750 candidates at
# 1,000,000 articles: SQLite 1.0 -> 0.7 ms, PostgreSQL 3.7 -> 2.6 ms; a section's 0.7 -> 0.3 and 0.8 -> 0.4).
_TAG_FACET = """
    SELECT '{name}', CAST(NULL AS INTEGER), slug, name, n, 0, NULL, NULL, NULL FROM (
        SELECT t.slug, t.name, counted.n
        FROM (SELECT link.{name}_id AS tag_id, count(*) AS n
              FROM cand CROSS JOIN news_article_{name}s AS link WHERE link.article_id = cand.id
              GROUP BY link.{name}_id) AS counted
        CROSS JOIN news_{name} AS t WHERE t.id = counted.tag_id
        ORDER BY counted.n DESC, t.name LIMIT {{facet_size}}) AS {name}_facet"""
# Rows: (kind, article id, key, label, value, position, relevance, boost, tier). Identifiers are ours; values are
# bound parameters. The hits are the requested page, or the first ``depth`` when the second stage reranks them.
SEARCH_SQL = """
WITH cand(id, rel, publish_at, section_id, tier) AS MATERIALIZED ({candidates})
SELECT 'total', CAST(NULL AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS TEXT),
       CAST(count(*) AS DOUBLE PRECISION), 0, CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION),
       CAST(sum(tier) AS INTEGER)
FROM cand
UNION ALL
SELECT 'hit', id, NULL, NULL, score, pos, rel, boost, tier FROM (
    SELECT id, score, rel, boost, tier, row_number() OVER (ORDER BY {order}) AS pos
    FROM (SELECT id, publish_at, tier, rel, boost, rel * boost AS score
          FROM (SELECT id, publish_at, tier, rel, {boost} AS boost FROM cand) AS boosted) AS scored) AS ranked
WHERE pos > %s AND pos <= %s"""
FACETS_SQL = (
    """
UNION ALL
SELECT 'section', NULL, s.slug, s.name, counted.n, s."order", NULL, NULL, NULL
FROM (SELECT section_id, count(*) AS n FROM cand GROUP BY section_id) AS counted
CROSS JOIN news_section AS s WHERE s.id = counted.section_id
UNION ALL"""  # noqa: S608
    + _TAG_FACET.format(name="person")
    + "\nUNION ALL"
    + _TAG_FACET.format(name="topic")
    + """
UNION ALL
SELECT 'month', NULL, month, NULL, count(*), 0, NULL, NULL, NULL FROM (SELECT {month} AS month FROM cand) AS m
GROUP BY month
"""
)


def read_search_rows(rows) -> tuple[SearchPage, list[_Ranked], int]:
    """The page (its hits not yet cut to the requested page), the hits in rank order, and how many candidates
    match all the words."""
    page = SearchPage(facets={"section": [], "person": [], "topic": [], "month": []})
    hits, sections, all_words = [], [], 0
    for kind, article_id, key, label, value, position, relevance, boost, tier in rows:
        if kind == "total":
            page.total, all_words = int(value), int(tier or 0)
        elif kind == "hit":
            hits.append(
                (position, _Ranked(article_id, float(value), float(relevance), float(boost), int(tier)))
            )
        elif kind == "section":
            sections.append((-int(value), position, FacetRow(key, label, int(value))))
        else:
            page.facets[kind].append(FacetRow(key, label or "", int(value)))
    page.facets["section"] = [row for *_, row in sorted(sections, key=lambda s: s[:2])]
    page.facets["person"].sort(key=lambda r: (-r.count, r.label))
    page.facets["topic"].sort(key=lambda r: (-r.count, r.label))
    page.facets["month"].sort(key=lambda r: r.key, reverse=True)
    return page, [hit for _, hit in sorted(hits, key=lambda h: h[0])], all_words


def execute_all(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def idf(share: float) -> float:
    """BM25's idf, ln(1 + (1 - f) / f), of a word in a share f of the documents (taken as at most 0.999)."""
    f = min(share, 0.999)
    return math.log(1 + (1 - f) / f)


class BaseSearchBackend:
    vendor = ""  # the database vendor this back end needs
    label = ""
    schema: list[str] = []  # statements that create the engine's structures (idempotent)
    drop: list[str] = []  # and remove them
    # How many of the newest matches are scored (OPTIONS "CANDIDATES" overrides it): each engine's own, the
    # smallest whose cost in nDCG@10 stays within the 2 % budget (docs/search-decisions.md).
    default_candidates = 2000

    def __init__(self, *, alias: str, options: dict):
        self.alias = alias
        self.candidate_limit = int(options.get("CANDIDATES", self.default_candidates))
        self.recency_weight = float(options.get("RECENCY_WEIGHT", 1.0))
        self.recency_half_life_days = float(options.get("RECENCY_HALF_LIFE_DAYS", 14))
        weights = {**DEFAULT_FIELD_WEIGHTS, **options.get("FIELD_WEIGHTS", {})}
        self.field_weights = {name: float(weights[name]) for name in DEFAULT_FIELD_WEIGHTS}
        rerank = {**DEFAULT_RERANK, **options.get("RERANK", {})}
        self.rerank = {name: float(rerank[name]) for name in DEFAULT_RERANK}
        self.any_words = bool(options.get("ANY_WORDS", True))  # the fallback of ``search``
        # The fallback's own bound on the matches of some of the words (OPTIONS "FALLBACK_CANDIDATES").
        self.fallback_limit = int(options.get("FALLBACK_CANDIDATES", self.candidate_limit))
        # The fallback's coordination by idf (``group_weights``, where the engine knows the words' document
        # frequencies); chosen on the tune halves of every judged set on each engine
        # (benchmarks/_tune_search.py coordination; docs/search-decisions.md).
        self.idf_coordination = bool(options.get("IDF_COORDINATION", True))
        # What a Russian query word is looked for as besides its stem (analysis.other_terms).
        self.russian_forms = str(options.get("RUSSIAN_FORMS", DEFAULT_RUSSIAN_FORMS))
        if self.russian_forms not in RUSSIAN_FORMS:
            raise ImproperlyConfigured(
                f"SEARCH_BACKENDS['{alias}']['OPTIONS']['RUSSIAN_FORMS'] is {self.russian_forms!r}; "
                f"set it to one of {', '.join(RUSSIAN_FORMS)} (docs/search.md, Russian)."
            )

    def check(self) -> None:
        if connection.vendor != self.vendor:
            raise ImproperlyConfigured(
                f"The {self.label} search back end needs a {self.vendor} database, but the database is "
                f"{connection.vendor}; set SEARCH_BACKENDS['{self.alias}']['BACKEND'] to the back end for it."
            )

    # Writes ---------------------------------------------------------------------------------------------
    def upsert(self, documents: list[SearchDocument]) -> None:
        SearchDocument.objects.bulk_create(
            documents,
            batch_size=200,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=DOCUMENT_FIELDS,
        )

    def remove(self, article_ids: Iterable[int]) -> None:
        SearchDocument.objects.filter(pk__in=list(article_ids)).delete()

    def clear(self) -> None:
        SearchDocument.objects.all().delete()

    def refresh_statistics(self) -> bool:
        """Bring what the engine knows of its documents up to date after many changed (a bulk load, a rebuild,
        a burst of ingest); True when it did. FTS5 counts them exactly for every search: nothing to do."""
        return False

    def install(self, schema_editor) -> None:
        """Create the engine's structures beside ``SearchDocument`` (idempotent; called by the migration)."""
        execute_all(schema_editor, self.schema)

    def uninstall(self, schema_editor) -> None:
        execute_all(schema_editor, self.drop)

    # Reads ----------------------------------------------------------------------------------------------
    def candidates(self, query: ParsedQuery, *, within: QuerySet, limit: int) -> list[Candidate]:
        """The newest ``limit`` matches of ``query`` among ``within`` (a queryset of articles), each with its
        relevance. Newest-first keeps the cost bounded however common the words are. A query that parsed to
        nothing (``query.is_empty``: stop words only) matches nothing."""
        raise NotImplementedError

    def candidate_sql(
        self,
        query: ParsedQuery,
        *,
        within: QuerySet,
        limit: int,
        narrowed: bool = False,
        tags: TagGroups = (),
        any_words: bool = False,
        known: Mapping[int, float] | None = None,
    ) -> tuple[str, list]:
        """SELECT of the newest ``limit`` matches among ``within``: columns id, rel, publish_at, section_id,
        tier (1). ``any_words``: also the newest ``limit`` matches of any of the word groups that are not
        matches of all of them, with tier 0 (the fallback of ``search``); ``known``: with ``any_words``, every
        match of all the words with its relevance, found by the statement before (not looked for again).
        ``tags``: the reader's filters as index tokens (documents.filter_groups: every group must match one
        of its tokens), for an engine that indexes ``SearchDocument.tags``; ``within`` still decides, so
        ignoring them is correct. ``narrowed``: ``within`` is filtered beyond the visibility gate by
        something ``tags`` does not hold (a long date range), so it may be much smaller than the archive — a
        hint for the plan, never a change in the result."""
        raise NotImplementedError

    def month_sql(self, column: str) -> tuple[str, list]:
        """SQL of "YYYY-MM" of ``column`` in the active time zone."""
        raise NotImplementedError

    def boost_sql(self) -> str:
        """SQL of the recency boost of a candidate row (columns rel, publish_at) at the bound time ``%s``."""
        raise NotImplementedError

    def search(
        self,
        query: ParsedQuery | None,
        *,
        within: QuerySet,
        sort: str,
        at: dt.datetime,
        offset: int,
        count: int,
        facet_size: int,
        facets: bool = True,
        narrowed: bool = False,
        tags: TagGroups = (),
    ) -> SearchPage:
        """Candidates, the total, the first hits and every facet in ONE statement: the candidate set is
        computed once (a materialized CTE), then ranked, paged and grouped by the database. Without a query
        the newest articles of ``within`` are the candidates (browsing).

        Two additions, each bounded: when the matches of all the words do not fill the requested page, a
        second statement adds the matches of any of them, ranked after (``any_words``; a query with no
        all-words match is never an empty page while its words are in the archive); and by relevance, the
        best ``depth`` hits are scored again (``rerank``) — one more statement over those ids only."""
        if query is not None and query.is_empty:
            # Only stop words or punctuation: an engine query of nothing is a syntax error (FTS5) or a
            # notice (PostgreSQL); the answer is no results, the same on both.
            return read_search_rows([])[0]
        rerank = query is not None and sort == "relevance" and self.rerank["depth"] > 0
        upto = max(offset + count, int(self.rerank["depth"])) if rerank else offset + count
        args = {"within": within, "sort": sort, "at": at, "upto": upto, "facet_size": facet_size}
        args |= {"facets": facets, "narrowed": narrowed, "tags": tags}
        page, ranked, all_words = self._statement(query, any_words=False, **args)
        searched = instead = query
        if query is not None and self.any_words and page.total < offset + count:
            # A phrase typed without quotes ("money-fx", "nat-gas", ``query.loosened``): when no story has its
            # words side by side, the search of its words apart, as if typed so; when too few have, its words
            # apart are the fallback's, after them. (Not in place of those few: an engine may read the phrase
            # as typed otherwise than as its words, "24/7" being one token to PostgreSQL.)
            # A phrase in quotes alone that no story has: its words apart too (the page says so).
            loose = loosened(query, quoted=not page.total and len(query.must) == 1, letters=not page.total)
            if loose is not None and not page.total:
                searched, loose = loose, None
                page, ranked, all_words = self._statement(searched, any_words=False, **args)
                instead = searched if page.total else query
            # A word typed whole that no story has, where stories write it as two ("antidoping": "anti-doping";
            # ``broken_apart``), when nothing matches the query as typed.
            apart = self.broken_apart(query) if not page.total and searched is query else None
            if apart is not None:
                found = self._statement(apart, any_words=False, **args)
                if found[0].total:
                    (page, ranked, all_words), searched = found, apart
                    instead = apart
            # A city's name that no story has, as the name the stories give it ("kyiv" as "kiev"; ``renamed``).
            for other in self.renamed(query) if not page.total and searched is query else ():
                found = self._statement(other, any_words=False, **args)
                if found[0].total and self.named(query, other, [hit.article_id for hit in found[1]]):
                    (page, ranked, all_words), searched = found, other
                    instead = other
                    break
            # Fewer matches of all the words than the page (and than the bound, which would have cut them):
            # the statement returned every one of them, so the second one takes them with their relevance
            # rather than looking for them again (a third of its cost at 1,000,000), and leaves them out of
            # its matches of some of the words by their ids (which the phrase's words apart need).
            complete = len(ranked) == page.total < self.candidate_limit
            known = {hit.article_id: hit.relevance for hit in ranked} if complete else None
            fallback = loose if loose is not None and known is not None else searched
            if (
                fallback
                and page.total < offset + count
                and (len(fallback.must) > 1 or fallback is not searched)
            ):
                page, ranked, all_words = self._statement(fallback, any_words=True, known=known, **args)
                page.any_words = page.total > all_words
                searched = fallback
        page.searched = searched if searched is not query else None
        page.instead = instead if instead is not query else None
        page.all_words = all_words
        if rerank and ranked and searched is not None:
            ranked = self.reranked(searched, ranked)
        page.hits = [(hit.article_id, hit.score) for hit in ranked[offset : offset + count]]
        return page

    def _statement(
        self,
        query,
        *,
        any_words: bool,
        within,
        sort,
        at,
        upto,
        facet_size,
        facets,
        narrowed,
        tags,
        known=None,
    ):
        if query is None:
            cand_sql, cand_params = browse_sql(within, self.candidate_limit)
        else:
            cand_sql, cand_params = self.candidate_sql(
                query,
                within=within,
                limit=self.fallback_limit if any_words else self.candidate_limit,
                narrowed=narrowed,
                tags=tags,
                any_words=any_words,
                known=known,
            )
        sql = SEARCH_SQL.format(candidates=cand_sql, boost=self.boost_sql(), order=ORDERS[sort])
        boost_params = [self.recency_weight, at, self.recency_half_life_days]
        params = [*cand_params, *boost_params, 0, upto]
        if facets:
            month_sql, month_params = self.month_sql("publish_at")
            sql += FACETS_SQL.format(month=month_sql, facet_size=int(facet_size))
            params += month_params
        return read_search_rows(self.fetch(sql, params))

    def reranked(self, query: ParsedQuery, ranked: list[_Ranked]) -> list[_Ranked]:
        """The second stage: the first ``depth`` hits (by the engine's relevance × recency) scored again as
        relevance (scaled to the best) + the weighted ``Features`` (DEFAULT_RERANK), times the recency boost;
        a match of only some of the words is scaled by the share it has (coordination). The rest keep their
        order, below: their score is at most what the reranked ones had before their features were added."""
        depth = int(self.rerank["depth"])
        head, rest = ranked[:depth], ranked[depth:]
        found = self.features(
            query, [hit.article_id for hit in head], anywhere=any(h.tier == 0 for h in head)
        )
        best = max((hit.relevance for hit in head), default=0.0) or 1.0
        weights = [float(self.rerank[name]) for name in SHARES]

        def final(hit: _Ranked) -> float:
            f = found.get(hit.article_id, Features())
            value = hit.relevance / best + sum(
                w * x for w, x in zip(weights, (f.headline, f.opening, f.proximity, f.length), strict=True)
            )
            return value * (f.anywhere if hit.tier == 0 else 1.0) * hit.boost

        scored = [(hit.tier, final(hit), position, hit) for position, hit in enumerate(head)]
        scored.sort(key=lambda row: (-row[0], -row[1], row[2]))
        rescaled = [replace(hit, score=score) for _, score, _, hit in scored]
        return rescaled + [replace(hit, score=hit.relevance / best * hit.boost) for hit in rest]

    def broken_apart(self, query: ParsedQuery) -> ParsedQuery | None:
        """``query.broken``: each word typed whole that no indexed story has (by the spelling list, one read by
        its key), split where both parts are words stories have; of several such splits, the one whose rarer
        part is the most common ("longrange": "long" and "range", not "lon" and "grange"). A prefix of two
        letters, which the list does not hold, only where no such split is, and the rest is a word stories have
        ("alnusra": "al" and "nusra"). None: no such word."""
        splits = {word: word_splits(word) for word in unbroken_words(query)}
        if not splits:
            return None
        terms = set(splits) | {part for pairs in splits.values() for pair in pairs for part in pair}
        counts = dict(SearchTerm.objects.filter(term__in=terms).values_list("term", "doc_count"))
        breaks = {}
        for word, pairs in splits.items():
            known = [
                (len(a) >= MIN_PART, min(counts.get(a, counts[b]), counts[b]), a, b)
                for a, b in pairs
                if (a in counts or len(a) < MIN_PART) and b in counts
            ]
            if word not in counts and known:
                *_, first, second = max(known)
                breaks[word] = (first, second)
        return broken(query, breaks)

    def renamed(self, query: ParsedQuery) -> list[ParsedQuery]:
        """The query with each word that names a city and that no indexed story has (by the spelling list, one
        read by key) as the city's other name that most stories have: a 2026 reader's "Kyiv", "Kharkiv",
        "Odesa" for a 2017 archive's "Kiev", "Kharkov", "Odessa"; "Bombay" for "Mumbai"
        (``places.other_names``: GeoNames' names of cities of 300,000 people or more, in Latin letters and in
        Russian). Names in the query's alphabet first ("киев" for "київ" on the Russian edition), then in the
        other ("kiev" for "Київ" on the English one): at most two queries, for the first ``MAX_RENAMED`` such
        words. Empty where no word names a city (no read), or where none of its other names is in the list."""
        names: dict[str, list[str]] = {}
        for group in query.must:  # a word, or words ORed ("kyiv OR kharkiv"); not a prefix or a spelling's
            words = [c.word for c in group if isinstance(c, Term) and not c.prefix and not c.variant]
            for word in words if len(words) == len(group) else ():
                if len(names) < MAX_RENAMED and (others := places.other_names(word)):
                    names[word] = others
        if not names:
            return []
        counts = self._city_name_counts(set(names) | {name for others in names.values() for name in others})
        queries = []
        for cyrillic in (query.language == RUSSIAN, query.language != RUSSIAN):
            renames = {}
            for word, others in names.items():
                known = [(counts[n], n) for n in others if counts.get(n) and has_cyrillic(n) == cyrillic]
                if not counts.get(word) and known:
                    renames[word] = max(known)[1]
            if not renames:
                continue
            must = [
                [
                    Term(renames[clause.word])
                    if isinstance(clause, Term) and clause.word in renames
                    else clause
                    for clause in group
                ]
                for group in query.must
            ]
            queries.append(replace(query, must=must))
        return queries

    @staticmethod
    def _city_name_counts(names: set[str]) -> dict[str, int]:
        """How many stories the spelling list counts for each name: a Latin one as written, a Russian one with
        its forms, every word of the list its stem starts ("киев": "киеве", "киевом"), in one read by key."""
        stems = {name: stem(name) for name in names if has_cyrillic(name)}
        # Each part its own SELECT of one statement: ORed in one WHERE, SQLite's planner read the whole list.
        reads = [SearchTerm.objects.filter(term__in=[name for name in names if name not in stems])]
        reads += [
            SearchTerm.objects.filter(term__gte=s, term__lt=s + "\uffff") for s in sorted(set(stems.values()))
        ]
        rows = [read.values_list("term", "doc_count") for read in reads]
        counts = dict(rows[0].union(*rows[1:], all=True) if len(rows) > 1 else rows[0])
        out = {name: counts[name] for name in names if name in counts and name not in stems}
        for name, start in stems.items():
            out[name] = sum(n for term, n in counts.items() if term.startswith(start))
        return out

    def named(self, query: ParsedQuery, other: ParsedQuery, article_ids: list[int]) -> bool:
        """Whether the first of these stories, found by ``other`` (``renamed``), write its new words as names:
        "nizza", Nice's name in Italian, is not "a nice day" (one read of ``NAMED_SAMPLE`` leads and bodies)."""
        typed = {clause.word for group in query.must for clause in group if isinstance(clause, Term)}
        words = [c.word for g in other.must for c in g if isinstance(c, Term) and c.word not in typed]
        texts = [
            f"{lead}\n{body}"
            for lead, body in SearchDocument.objects.filter(pk__in=article_ids[:NAMED_SAMPLE]).values_list(
                "lead", "body"
            )
        ]
        return all(rerank.written_as_name(word, texts) for word in words)

    def features(self, query: ParsedQuery, article_ids: list[int], *, anywhere: bool) -> dict[int, Features]:
        """``rerank.Features`` of these candidates, from their documents' text (one read of ``depth`` rows;
        the body only when a pair or the fallback needs it; its size read by the database, ``TextSize``)."""
        body = rerank.needs_body(query, anywhere=anywhere)
        fields = ["article_id", "headline", "lead", "characters", *(["body"] if body else [])]
        rows = list(
            SearchDocument.objects.filter(pk__in=article_ids)
            .annotate(characters=TextSize("body"))
            .values_list(*fields)
        )
        texts = {row[0]: (row[1], row[2], row[4] if body else "") for row in rows}
        lengths = {row[0]: row[3] or 0 for row in rows} if self.rerank["length"] else None
        weights = self.group_weights(query) if anywhere else None
        return rerank.features(query, texts, anywhere=anywhere, weights=weights, lengths=lengths)

    def fallback_groups(self, shares: list[float], documents: int) -> list[int] | None:
        """Which word groups (their indexes in ``query.must``) the fallback's candidates are matches of, given
        each group's share of the ``documents``: those whose matches alone would not fill its bound, when
        one of them has matches; else None, every group. A common word's newest matches were the newest
        stories whatever they were about ("said" in "intelligence official said employing criminal
        hackers"), so an older story with the rarer words was never a candidate, and the engine read the
        common word's whole posting list: other outlets' stories found by their subtitle 0.727 → 0.750
        nDCG@10 (docs/search.md, The fallback). The groups left out still count in the rank."""
        rare = [n for n, share in enumerate(shares) if share * documents <= self.fallback_limit]
        if len(rare) == len(shares) or not any(shares[n] > 0 for n in rare):
            return None
        return rare

    def group_weights(self, query: ParsedQuery) -> list[float] | None:
        """What each word group of the query counts for in the fallback's coordination (the share of the
        query a match of some of its words has), or None: each the same. An engine that knows the words'
        document frequencies weights them by ``idf``."""
        return None

    def fetch(self, sql: str, params: list) -> list[tuple]:
        """Run one read statement and return its rows (a back end may set planner options around it)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, Highlight]:
        raise NotImplementedError

    def indexed_count(self) -> int:
        """Rows in the engine's own index (to check that it agrees with ``SearchDocument``)."""
        raise NotImplementedError
