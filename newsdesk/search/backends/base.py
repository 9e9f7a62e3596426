"""The search back-end interface. Writes are shared (rows of ``SearchDocument``; the database keeps the
engine's index in step); reads — matching, scoring, snippets — are each engine's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import FloatField, QuerySet, Value
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import SearchDocument
from ..query import ParsedQuery

MARK_START, MARK_END = "\x02", "\x03"  # never present in indexed text (documents.plain_text drops them)
# Relative weight of a match in each field (README "Search"); OPTIONS["FIELD_WEIGHTS"] overrides them.
DEFAULT_FIELD_WEIGHTS = {"headline": 10.0, "lead": 5.0, "keywords": 3.0, "body": 1.0}
DOCUMENT_FIELDS = ["headline", "lead", "body", "keywords", "tags", "source_modified_at"]
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
    page of (article id, score) in rank order, and facet counts over all candidates."""

    total: int = 0
    hits: list[tuple[int, float]] = field(default_factory=list)
    facets: dict[str, list[FacetRow]] = field(default_factory=dict)


@dataclass(frozen=True)
class Highlight:
    headline: SafeString
    lead: SafeString
    excerpt: SafeString


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
    from django.db.models.expressions import RawSQL

    subquery = within.order_by().filter(pk=RawSQL(outer_id, ()))  # noqa: S611 - a column name of ours.values("pk")
    sql, params = subquery.query.get_compiler(using=within.db).as_sql()
    return f"EXISTS ({sql})", list(params)


def browse_sql(within: QuerySet, limit: int) -> tuple[str, list]:
    newest = within.annotate(rel=Value(0.0, output_field=FloatField())).order_by("-publish_at", "-id")
    sql, params = newest.values_list("pk", "rel", "publish_at", "section_id")[:limit].query.sql_with_params()
    return sql, list(params)


ORDERS = {"relevance": "score DESC, publish_at DESC, id DESC", "date": "publish_at DESC, id DESC"}
# CROSS JOIN makes SQLite start from the candidates and probe the link table by article (PostgreSQL plans it as
# an inner join), instead of scanning every article's tags.
_TAG_FACET = """
    SELECT '{name}', CAST(NULL AS INTEGER), slug, name, n, 0 FROM (
        SELECT t.slug, t.name, count(*) AS n
        FROM cand CROSS JOIN news_article_{name}s AS link CROSS JOIN news_{name} AS t
        WHERE link.article_id = cand.id AND t.id = link.{name}_id
        GROUP BY t.id, t.slug, t.name ORDER BY n DESC, t.name LIMIT {{facet_size}}) AS {name}_facet"""
# Rows: (kind, article id, key, label, value, position). Identifiers are ours; values are bound parameters.
SEARCH_SQL = """
WITH cand(id, rel, publish_at, section_id) AS MATERIALIZED ({candidates})
SELECT 'total', CAST(NULL AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS TEXT),
       CAST(count(*) AS DOUBLE PRECISION), 0
FROM cand
UNION ALL
SELECT 'hit', id, NULL, NULL, score, pos FROM (
    SELECT id, score, row_number() OVER (ORDER BY {order}) AS pos
    FROM (SELECT id, publish_at, rel * {score} AS score FROM cand) AS scored) AS ranked
WHERE pos > %s AND pos <= %s"""
FACETS_SQL = (
    """
UNION ALL
SELECT 'section', NULL, s.slug, s.name, count(*), min(s."order")
FROM cand CROSS JOIN news_section AS s WHERE s.id = cand.section_id GROUP BY s.id, s.slug, s.name
UNION ALL"""  # noqa: S608
    + _TAG_FACET.format(name="person")
    + "\nUNION ALL"
    + _TAG_FACET.format(name="topic")
    + """
UNION ALL
SELECT 'month', NULL, month, NULL, count(*), 0 FROM (SELECT {month} AS month FROM cand) AS m GROUP BY month
"""
)


def read_search_rows(rows) -> SearchPage:
    page = SearchPage(facets={"section": [], "person": [], "topic": [], "month": []})
    hits, sections = [], []
    for kind, article_id, key, label, value, position in rows:
        if kind == "total":
            page.total = int(value)
        elif kind == "hit":
            hits.append((position, article_id, float(value)))
        elif kind == "section":
            sections.append((-int(value), position, FacetRow(key, label, int(value))))
        else:
            page.facets[kind].append(FacetRow(key, label or "", int(value)))
    page.hits = [(article_id, score) for _, article_id, score in sorted(hits)]
    page.facets["section"] = [row for *_, row in sorted(sections, key=lambda s: s[:2])]
    page.facets["person"].sort(key=lambda r: (-r.count, r.label))
    page.facets["topic"].sort(key=lambda r: (-r.count, r.label))
    page.facets["month"].sort(key=lambda r: r.key, reverse=True)
    return page


def execute_all(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


class BaseSearchBackend:
    vendor = ""  # the database vendor this back end needs
    label = ""
    schema: list[str] = []  # statements that create the engine's structures (idempotent)
    drop: list[str] = []  # and remove them
    # How many of the newest matches are scored (OPTIONS "CANDIDATES" overrides it): each engine's own, the
    # smallest whose cost in nDCG@10 stays within the 2 % budget (README "Search", search_quality.py).
    default_candidates = 2000

    def __init__(self, *, alias: str, options: dict):
        self.alias = alias
        self.candidate_limit = int(options.get("CANDIDATES", self.default_candidates))
        self.recency_weight = float(options.get("RECENCY_WEIGHT", 1.0))
        self.recency_half_life_days = float(options.get("RECENCY_HALF_LIFE_DAYS", 14))
        weights = {**DEFAULT_FIELD_WEIGHTS, **options.get("FIELD_WEIGHTS", {})}
        self.field_weights = {name: float(weights[name]) for name in DEFAULT_FIELD_WEIGHTS}

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
    ) -> tuple[str, list]:
        """SELECT of the newest ``limit`` matches among ``within``: columns id, rel, publish_at, section_id.
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
        """Candidates, the total, one page of hits and every facet in ONE statement: the candidate set is
        computed once (a materialized CTE), then ranked, paged and grouped by the database — no per-candidate
        Python work. Without a query the newest articles of ``within`` are the candidates (browsing)."""
        if query is not None and query.is_empty:
            # Only stop words or punctuation: an engine query of nothing is a syntax error (FTS5) or a
            # notice (PostgreSQL); the answer is no results, the same on both.
            return read_search_rows([])
        if query is None:
            cand_sql, cand_params = browse_sql(within, self.candidate_limit)
        else:
            cand_sql, cand_params = self.candidate_sql(
                query, within=within, limit=self.candidate_limit, narrowed=narrowed, tags=tags
            )
        sql = SEARCH_SQL.format(candidates=cand_sql, score=self.boost_sql(), order=ORDERS[sort])
        boost_params = [self.recency_weight, at, self.recency_half_life_days]
        params = [*cand_params, *boost_params, offset, offset + count]
        if facets:
            month_sql, month_params = self.month_sql("publish_at")
            sql += FACETS_SQL.format(month=month_sql, facet_size=int(facet_size))
            params += month_params
        return read_search_rows(self.fetch(sql, params))

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
