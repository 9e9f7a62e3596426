"""SQLite FTS5 in the same database file: an external-content FTS5 table over ``SearchDocument`` kept in step
by triggers, Snowball's English and Russian stemmers as PostgreSQL's (the triggers index
``analysis.index_text`` of the text: an SQL function of this process, registered on every connection by
apps.py; FTS5's tokenizer only splits and folds), and FTS5's own BM25 with per-column weights."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import unicodedata
import zoneinfo
from collections.abc import Mapping

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from ..analysis import DEFAULT_RUSSIAN_FORMS, INDEX_FUNCTION, other_terms, query_word
from ..documents import UNTAGGED_LANGUAGE, token_language
from ..query import ParsedQuery, Phrase, Term
from .base import (
    MARK_END,
    MARK_START,
    BaseSearchBackend,
    Candidate,
    Highlight,
    SearchPage,
    TagGroups,
    ampersand_marks,
    aware,
    execute_all,
    gate_sql,
    idf,
    marked_html,
)

DOCS = "search_searchdocument"
FTS = "search_fts"
COLUMNS = "headline, lead, body, keywords, tags"
# Words are looked for in these; ``tags`` (section, person, topic and month tokens) only answers filters.
TEXT_COLUMNS = "{headline lead body keywords}"


def _indexed(row: str) -> str:
    """The values the FTS5 table is given for a row (``new`` or ``old``): each text column as
    ``analysis.index_text`` makes it for the row's language (each word as its stem). A 'delete' must give
    what was indexed, so both triggers use the same function; a new stemmer needs ``newsdesk reindex``."""
    texts = [
        f"{INDEX_FUNCTION}({row}.{name}, {row}.language)" for name in ("headline", "lead", "body", "keywords")
    ]
    return ", ".join([f"{row}.article_id", *texts, f"{row}.tags"])


NEW = _indexed("new")
OLD = "'delete', " + _indexed("old")
# FTS5 merges its index segments as documents arrive; by default once 4 segments of a level exist, so at
# 1,000,000 articles every burst of wire items paid for merging large old segments (+0.09 ms of CPU an item, of
# the +0.12 ms that made ingest 14 % slower than on an empty site). At 16 the same burst costs what it costs on
# an empty site, and a search reads about twice as many segments (12 -> 25 after 10,000 items at 1,000,000
# articles) for no measurable cost (CPU per query p50 / p95 +2 / +1 %). docs/wire.md has the figures.
AUTOMERGE = f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', 16)"  # noqa: S608
# FTS5's tokenizer splits the words and folds their case and accents; the stems are index_text's (until
# migration search 0018 it was 'porter unicode61 ...': FTS5's Porter stemmer, and English text was given as
# stored).
TOKENIZER = "unicode61 remove_diacritics 2"
# Identifiers below are this module's constants; every value from a reader travels as a bound parameter.
SCHEMA = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({COLUMNS}, content='{DOCS}',
        content_rowid='article_id', tokenize='{TOKENIZER}', prefix='2 3')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {DOCS} BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES ({NEW});
    END""",  # noqa: S608
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {DOCS} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ({OLD});
    END""",  # noqa: S608
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE ON {DOCS} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ({OLD});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES ({NEW});
    END""",  # noqa: S608
    AUTOMERGE,
]
REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"  # noqa: S608
# The documents already stored, indexed as the triggers index them ('rebuild' would index the stored text),
# then merged into one segment as a bulk-loaded index should be.
FILL = [
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) SELECT {_indexed(DOCS)} FROM {DOCS}",  # noqa: S608
    f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')",  # noqa: S608
]
DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]

# The other editions' index (migration 0011): the documents of every edition but the default one, a second
# time, in an FTS5 table of their own that an edition's search narrowed by its token reads instead of the
# whole archive's. In the whole archive a word of the other edition's language ("Twitter" on /ru/) meant
# intersecting its long list of matches, almost all English, with the edition's token, in half the
# documents: two English words on /ru/ took p95 85-95 ms at 1,000,000 articles, half of them Russian. Here
# the word's list holds only the other editions' matches. The whole archive's table still holds every
# document (highlights, rebuilds and the default edition's searches read it). The triggers keep this one in
# step: a document enters it when its language is not the default's and leaves it when that changes.
EDITIONS_FTS = "search_fts_editions"
_DEFAULT = f"'{UNTAGGED_LANGUAGE}'"  # documents.UNTAGGED_LANGUAGE: a constant of ours


def _editions_write(row: str) -> str:
    """The editions table's insert (``new``) or delete (``old``) of a row, when the row is another edition's."""
    if row == "new":
        into, values = f"{EDITIONS_FTS}(rowid, {COLUMNS})", _indexed("new")
    else:
        into, values = f"{EDITIONS_FTS}({EDITIONS_FTS}, rowid, {COLUMNS})", "'delete', " + _indexed("old")
    return f"INSERT INTO {into} SELECT {values} WHERE {row}.language <> {_DEFAULT};"  # noqa: S608


EDITIONS_SCHEMA = [
    f"""CREATE VIRTUAL TABLE {EDITIONS_FTS} USING fts5({COLUMNS}, content='{DOCS}',
        content_rowid='article_id', tokenize='{TOKENIZER}', prefix='2 3')""",
    f"INSERT INTO {EDITIONS_FTS}({EDITIONS_FTS}, rank) VALUES ('automerge', 16)",  # noqa: S608 - as AUTOMERGE
    f"CREATE TRIGGER {EDITIONS_FTS}_ai AFTER INSERT ON {DOCS} BEGIN {_editions_write('new')} END",
    f"CREATE TRIGGER {EDITIONS_FTS}_ad AFTER DELETE ON {DOCS} BEGIN {_editions_write('old')} END",
    # One trigger, the delete before the insert: a posting added and then deleted for the same row is gone.
    f"""CREATE TRIGGER {EDITIONS_FTS}_au AFTER UPDATE ON {DOCS} BEGIN
        {_editions_write("old")} {_editions_write("new")}
    END""",
    # The documents already indexed (the triggers see only what changes from now): so the table is made
    # anew each time (install_editions drops it first).
    f"""INSERT INTO {EDITIONS_FTS}(rowid, {COLUMNS}) SELECT {_indexed(DOCS)} FROM {DOCS}
        WHERE {DOCS}.language <> {_DEFAULT}""",  # noqa: S608
    # Merged into one segment once, as a bulk-loaded index should be: a search of the freshly made table read
    # the segments the bulk insert left (two English words on /ru/ at 1,000,000 articles: 76 ms against 114
    # for the slowest; 18 s for 500,000 Russian documents).
    f"INSERT INTO {EDITIONS_FTS}({EDITIONS_FTS}) VALUES ('optimize')",  # noqa: S608
]
EDITIONS_DROP = [f"DROP TRIGGER IF EXISTS {EDITIONS_FTS}_{t}" for t in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {EDITIONS_FTS}"
]


MONTH_FUNCTION = "newsdesk_local_month"


def local_month(stored: str | None, zone: str) -> str | None:
    """ "YYYY-MM" in ``zone`` of a datetime as Django stores it in SQLite (UTC text): an SQL function for the
    month facet, cached by the minute (all a month boundary depends on)."""
    return None if stored is None else _minute_month(stored[:16], zone)


@functools.lru_cache(maxsize=100_000)
def _minute_month(minute: str, zone: str) -> str:
    instant = dt.datetime.fromisoformat(minute).replace(tzinfo=dt.UTC)
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m")


def _clause(clause: Term | Phrase, language: str = "en", forms: str = DEFAULT_RUSSIAN_FORMS) -> str:
    # Words come from query.parse (\w+ only), so double quotes cannot occur inside them; a Russian query's
    # Cyrillic words as the index holds them (stems: analysis.query_word; a prefix is stemmed too, since
    # the index holds no longer form of a word than its stem), each word also as the index terms of its
    # other forms (analysis.other_terms: "киев" OR "ки" OR "киевск").
    if isinstance(clause, Term):
        word = query_word(clause.word, language)
        text = f'"{word}"' + ("*" if clause.prefix else "")
        risky = _token_like(word, prefix=clause.prefix)
        others = () if clause.prefix else other_terms(clause.word, language, forms)
        if others:
            text = "(" + " OR ".join(f'"{term}"' for term in (word, *others)) + ")"
    else:
        words = [query_word(word, language) for word in clause.words]
        text = '"' + " ".join(words) + '"'
        risky = any(_token_like(word, prefix=False) for word in words)
    # Only ``tags`` holds filter tokens (x + letter + digits), so any other word matches the text columns
    # alone anyway; a column filter on every word doubled FTS5's cost of a common word (50 against 24 ms
    # for "said" at 1,000,000 articles), so only a word that could be (or stem to) a token gets one.
    return f"{TEXT_COLUMNS} : {text}" if risky else text


def _token_like(word: str, *, prefix: bool) -> bool:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    return folded.startswith("x") and (prefix or any(c.isdigit() for c in folded))


def _group(group, language: str = "en", forms: str = DEFAULT_RUSSIAN_FORMS) -> str:
    parts = [_clause(c, language, forms) for c in group]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def match_expression(
    query: ParsedQuery,
    tags: TagGroups = (),
    *,
    any_words: bool = False,
    forms: str = DEFAULT_RUSSIAN_FORMS,
    excluded_by_id: bool = False,
    only: list[int] | None = None,
) -> str:
    """The FTS5 query: the reader's words (in the text columns: see _clause), and (optionally) the filter's
    tokens in ``tags`` — FTS5 then intersects the two inside the index, walking the rarer list.
    ``any_words``: a match of any word group that is not a match of all of them (the fallback's tier 0);
    ``excluded_by_id``: of any word group, the matches of all of them left out by their ids instead (bm25()
    then reads each word's statistics once, not twice: 45 against 23 ms for six common words at
    1,000,000 articles); ``only``: with it, of these word groups only (BaseSearchBackend.fallback_groups)."""
    groups = [_group(group, query.language, forms) for group in query.must]
    expression = " AND ".join(groups)
    if any_words and excluded_by_id:
        expression = " OR ".join(groups if only is None else [groups[n] for n in only])
    elif any_words:
        expression = f"({' OR '.join(groups)}) NOT ({expression})"
    if query.must_not:
        excluded = " OR ".join(_clause(c, query.language, forms) for c in query.must_not)
        expression = f"({expression}) NOT ({excluded})"
    if tags:  # tokens we made (x + letter + digits), quoted like words
        groups = ["(" + " OR ".join(f'"{token}"' for token in group) + ")" for group in tags]
        expression = f"({expression}) AND tags : (" + " AND ".join(groups) + ")"
    return expression


def _one_other_edition() -> bool:
    """Whether the site has at most one edition besides the default (``settings.LANGUAGES``): the other
    editions' index then holds that edition's documents only (the gate still checks each one's language)."""
    return sum(code != UNTAGGED_LANGUAGE for code, _ in settings.LANGUAGES) <= 1


class SQLiteSearchBackend(BaseSearchBackend):
    vendor = "sqlite"
    label = "SQLite FTS5"
    schema, drop = SCHEMA, DROP
    default_candidates = 1500  # nDCG@10 cost 1.7 % (2,000: 1.0 %); p95 at 1,000,000 articles 38 against 43 ms

    def __init__(self, *, alias: str, options: dict):
        super().__init__(alias=alias, options=options)
        # The shares the fallback estimated for its query (``_estimated_shares``), per thread: its
        # coordination (``group_weights``) weights the same word groups by them.
        self._estimated = threading.local()

    def rewrite_documents(self, schema_editor, update_sql: str) -> None:
        """For a migration before 0007 (when every document was indexed as stored): run ``update_sql`` over
        every document without the triggers (one FTS5 delete and insert per row), then rebuild the FTS5 index
        once. FTS5's 'rebuild' indexes the stored text, not ``analysis.index_text`` of it: after 0007 a
        migration re-indexes documents through the triggers instead (0007 shows how)."""
        self.uninstall(schema_editor)
        schema_editor.execute(update_sql)
        self.install(schema_editor)
        schema_editor.execute(REBUILD)

    def install_anew(self, schema_editor) -> None:
        """Both FTS5 tables and their triggers made anew and filled from the documents stored (migration
        search 0018, when what the index holds for a word changed)."""
        self.uninstall(schema_editor)
        self.install(schema_editor)
        execute_all(schema_editor, FILL)
        self.install_editions(schema_editor)

    def install_editions(self, schema_editor) -> None:
        """The other editions' index (EDITIONS_SCHEMA), made anew with the documents already stored."""
        execute_all(schema_editor, EDITIONS_DROP + EDITIONS_SCHEMA)

    def uninstall_editions(self, schema_editor) -> None:
        execute_all(schema_editor, EDITIONS_DROP)

    def clear(self) -> None:
        super().clear()
        with connection.cursor() as cursor:
            cursor.execute(REBUILD)
            cursor.execute(f"INSERT INTO {EDITIONS_FTS}({EDITIONS_FTS}) VALUES ('delete-all')")  # noqa: S608

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
        # An edition's search narrowed by its token reads the other editions' index (EDITIONS_FTS), which
        # holds no other edition when the site has one besides the default: the token is then left out, as
        # it is in every document there (ANDed with it, "navalny days" took 20 ms against 0.2).
        editions = tuple(g for g in tags if len(g) == 1 and token_language(g[0]))
        table = EDITIONS_FTS if editions else FTS
        if editions and _one_other_edition():
            tags = tuple(g for g in tags if g not in editions)
        gate, gate_params = gate_sql(within, f"{table}.rowid")
        # CROSS JOIN fixes the join order: FTS5 walks its matches newest rowid first and stops at the limit,
        # so a word in half the corpus costs no more than a rare one; bm25() runs on those rows only. A
        # section, person or topic filter is also matched inside the index (``tags``): otherwise a common
        # word filtered to a person with few articles walks every match of the word (0.5 s at 1,000,000);
        # so are the months of a date range.
        select = f"""
            SELECT * FROM (
                SELECT {table}.rowid AS id, -bm25({table}, {self._weights()}) AS rel, art.publish_at,
                       art.section_id, {{tier}} AS tier
                FROM {table} CROSS JOIN news_article AS art
                WHERE {table} MATCH %s AND art.id = {table}.rowid AND {gate}{{only}}
                ORDER BY {table}.rowid DESC LIMIT %s)"""  # noqa: S608
        parts: list[str] = []
        params: list = []
        marks = f"({', '.join(['%s'] * len(known or ()))})"
        if any_words and known is not None:
            # The matches of all the words, with the relevance the statement before gave them: scored
            # again, bm25() read every word's posting list for its statistics (25 ms for five stories).
            if known:
                rows = ", ".join(["(%s, %s)"] * len(known))
                parts.append(
                    f"""SELECT art.id, known.column2, art.publish_at, art.section_id, 1
                    FROM (VALUES {rows}) AS known CROSS JOIN news_article AS art
                    WHERE art.id = known.column1"""  # noqa: S608 - placeholders only
                )
                params += [value for pair in known.items() for value in pair]
        else:
            parts.append(select.format(tier=1, only=""))
            params += [match_expression(query, tags, forms=self.russian_forms), *gate_params, limit]
        if any_words:  # the fallback: matches of some words, each part bounded on its own
            # With the matches of all the words known, they are left out by id (see match_expression).
            by_id = known is not None
            only = self.fallback_groups(*self._estimated_shares(query, table)) if by_id else None
            expression = match_expression(
                query, tags, any_words=True, forms=self.russian_forms, excluded_by_id=by_id, only=only
            )
            parts.append(select.format(tier=0, only=f" AND {table}.rowid NOT IN {marks}" if known else ""))
            params += [expression, *gate_params, *(known or ()), limit]
        return " UNION ALL ".join(parts), params

    # How many of a word group's newest matches tell its share of the documents (SQLite has no statistics):
    # fewer, and the count is all of them; as many, and they spread over a range of ids as dense as the group
    # is. A read of 2,000 postings, under a millisecond, where the whole list of "said" is 30 ms.
    SHARE_PROBE = 2000

    def _estimated_shares(self, query: ParsedQuery, table: str) -> tuple[list[float], int]:
        """Each word group's share of the documents of ``table``, estimated from its newest matches, and how
        many documents (ids) there are."""
        probe = f"""
            SELECT count(*), min(id) FROM (
                SELECT rowid AS id FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s)"""  # noqa: S608
        sql = " UNION ALL ".join([f"SELECT * FROM ({probe})"] * len(query.must))  # noqa: S608
        params: list = []
        for group in query.must:
            params += [_group(group, query.language, self.russian_forms), self.SHARE_PROBE]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT max(rowid) FROM {table}")  # noqa: S608
            newest = cursor.fetchone()[0] or 0
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if not newest:
            return [0.0] * len(query.must), 0
        shares = [
            count / (newest - oldest + 1) if count >= self.SHARE_PROBE else count / newest
            for count, oldest in found
        ]
        self._estimated.found = (query, table, shares, newest)
        return shares, newest

    def group_weights(self, query: ParsedQuery) -> list[float] | None:
        """A match of some of the words counts by how much those words say, as on PostgreSQL: each group by
        its idf, its share of the documents estimated from its newest matches (``_estimated_shares``, which
        the fallback's statement has just read for this query; a group no document has counts as rarer
        than one that one document has). FTS5 keeps no document frequencies without a vocabulary table."""
        if not self.idf_coordination or not query.must:
            return None
        found = getattr(self._estimated, "found", None)
        if found is not None and found[0] is query:
            shares, newest = found[2], found[3]
        else:
            shares, newest = self._estimated_shares(query, FTS)
        if not newest:
            return None
        return [idf(max(share, 0.5 / newest)) for share in shares]

    def _weights(self) -> str:
        """bm25() column weights in COLUMNS order (numbers we formatted, so safe to inline)."""
        w = self.field_weights
        weights = [f"{w[name]:.6f}" for name in ("headline", "lead", "body", "keywords")]
        return ", ".join([*weights, "0"])  # tags: a filter, not relevance

    def candidates(self, query: ParsedQuery, *, within: QuerySet, limit: int) -> list[Candidate]:
        self.check()
        if query.is_empty:
            return []
        sql, params = self.candidate_sql(query, within=within, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            Candidate(pk, float(score), aware(published), section)
            for pk, score, published, section, _ in rows
        ]

    def search(self, query: ParsedQuery | None, **kwargs) -> SearchPage:
        self.check()
        return super().search(query, **kwargs)

    def month_sql(self, column: str) -> tuple[str, list]:
        # An instant from the 2nd to the 27th of its UTC month is in that month in every time zone (their
        # offsets are under a day), so its month is the stored text's; only the others (days 1 and 28-31, about
        # one in seven) are converted by the function. Converting each of 1,750 candidates took 4-6 ms of a
        # search at 1,000,000 articles whenever they were not in its cache, the usual case (docs/search.md).
        month = f"{MONTH_FUNCTION}({column}, %s)"
        sql = f"CASE WHEN substr({column}, 9, 2) BETWEEN '02' AND '27' THEN substr({column}, 1, 7) ELSE {month} END"
        return sql, [timezone.get_current_timezone_name()]

    def boost_sql(self) -> str:
        # 1 + weight * 0.5 ** (age in days / half-life); julianday() reads Django's stored UTC text.
        return "(1 + %s * pow(0.5, max(julianday(%s) - julianday(publish_at), 0) / %s))"

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, Highlight]:
        if not article_ids or query.is_empty:
            return {}
        marks = f"'{MARK_START}', '{MARK_END}'"
        placeholders = ", ".join(["%s"] * len(article_ids))
        sql = f"""
            SELECT rowid, highlight({FTS}, 0, {marks}), snippet({FTS}, 1, {marks}, '…', 40),
                   snippet({FTS}, 2, {marks}, '…', 28)
            FROM {FTS} WHERE {FTS} MATCH %s AND rowid IN ({placeholders})"""  # noqa: S608
        with connection.cursor() as cursor:
            # Any of the words: a match of some of them (the fallback) is marked too.
            cursor.execute(
                sql,
                [
                    " OR ".join(_group(g, query.language, self.russian_forms) for g in query.must),
                    *article_ids,
                ],
            )
            rows = cursor.fetchall()
        names = ampersand_marks(query.text)
        return {
            pk: Highlight(*(marked_html(names(text)) for text in (headline, lead, excerpt)))
            for pk, headline, lead, excerpt in rows
        }

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS}_docsize")  # noqa: S608
            return cursor.fetchone()[0]
