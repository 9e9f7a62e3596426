"""The search back-end interface. Writes are shared (rows of ``SearchDocument``; the database keeps the
engine's index in step); reads — matching, scoring, snippets — are each engine's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import SearchDocument
from ..query import ParsedQuery

MARK_START, MARK_END = "\x02", "\x03"  # never present in indexed text (documents.plain_text drops them)
DOCUMENT_FIELDS = ["headline", "lead", "body", "keywords", "source_modified_at"]


@dataclass(frozen=True)
class Candidate:
    article_id: int
    relevance: float  # higher is better; comparable only within one query
    publish_at: dt.datetime | None
    section_id: int


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


class BaseSearchBackend:
    vendor = ""  # the database vendor this back end needs
    label = ""

    def __init__(self, *, alias: str, options: dict):
        self.alias = alias
        self.candidate_limit = int(options.get("CANDIDATES", 2000))
        self.recency_weight = float(options.get("RECENCY_WEIGHT", 1.0))
        self.recency_half_life_days = float(options.get("RECENCY_HALF_LIFE_DAYS", 14))

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
        raise NotImplementedError

    # Reads ----------------------------------------------------------------------------------------------
    def candidates(self, query: ParsedQuery, *, within: QuerySet, limit: int) -> list[Candidate]:
        """The newest ``limit`` matches of ``query`` among ``within`` (a queryset of articles), each with its
        relevance. Newest-first keeps the cost bounded however common the words are."""
        raise NotImplementedError

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, Highlight]:
        raise NotImplementedError

    def indexed_count(self) -> int:
        """Rows in the engine's own index (to check that it agrees with ``SearchDocument``)."""
        raise NotImplementedError
