"""A query of common words only: "can", "the who", "WHO", `"the who"` in quotes.

Neither engine's index holds such words (PostgreSQL's 'english' and 'russian' leave their stop words out, and
query.parse drops them for SQLite too, so that both answer the same), so the index cannot find them. They are
searched instead as typed, as one phrase (whole words, any case, ``ё`` as ``е``), in the headlines and leads
of the edition's newest ``WINDOW`` stories (through the visibility gate, in the dates asked for), newest first;
the reader's other filters then keep what they keep of those. When no headline or lead has the phrase, the same
stories' text is read for it (``all-out``, "when they": words a story's text has and its opening may not), and
the page says so. Bounded like every search: the database narrows the window by the phrase's longest word
(``LIKE``), the phrase itself is checked here on those rows only, and at most ``MAX_MATCHES`` are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from newsdesk.news.models import Article

from .backends.base import MARK_END, MARK_START, Highlight, marked_html
from .models import SearchDocument
from .query import MAX_PHRASE_WORDS

WINDOW = 5_000  # the newest stories of the set looked at (ten days of a wire's English service)
MAX_MATCHES = 1_000  # matches kept; more are counted as "more than"
_FIELDS = ("headline", "lead")
EXCERPT_CHARS = 100  # of a story's text on each side of the phrase found there: about the engines' excerpt
# When no headline or lead has the phrase: the newest stories whose text is read for it, and of those the texts
# that may hold it (the database's narrowing) read at most, newest first (a single word's: 1,171 of 5,000).
TEXT_WINDOW, TEXTS_READ = 1_000, 200
VISIBLE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)  # the gate's (news.models ...published)


@dataclass
class CommonWordsPage:
    total: int = 0
    exact: bool = True  # False: the window or MAX_MATCHES was reached, so there may be more
    in_text: bool = False  # no headline or lead had the phrase: these stories have it in their text
    hits: list[int] = field(default_factory=list)
    highlights: dict[int, Highlight] = field(default_factory=dict)


def phrase_pattern(words: tuple[str, ...]) -> re.Pattern:
    """The words, whole and in order, whatever separates them; any case; ``е`` also as ``ё``."""
    parts = [re.escape(word).replace("е", "[её]") for word in words]
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _narrowing(word: str) -> Q:
    """Rows that may hold ``word``: a superset, for the database to test cheaply. ``icontains`` is
    case-blind for every letter on PostgreSQL, for ASCII letters only on SQLite: other words are also looked
    for as written in lower case, capitalised and in capitals."""
    forms = {word, word.replace("е", "ё")}
    q = Q()
    for name in _FIELDS:
        for form in forms:
            q |= Q(**{f"{name}__icontains": form})
            if not form.isascii():
                q |= Q(**{f"{name}__contains": form.capitalize()}) | Q(**{f"{name}__contains": form.upper()})
    return q


def search(
    words: tuple[str, ...],
    *,
    edition: QuerySet[Article],
    since: dt.datetime | None = None,
    offset: int,
    count: int,
    section: int | None = None,
    person: int | None = None,
    topic: int | None = None,
) -> CommonWordsPage:
    """The newest of the ``edition``'s newest WINDOW stories published ``since`` (what readers of the edition
    may see, in the dates asked for: the range's end is the edition's gate) whose headline or lead holds
    ``words`` (query.ParsedQuery.common_words) as a phrase and that are in the reader's other filters (a
    ``section``, ``person`` or ``topic`` id): the page from ``offset``, ``count`` long, the phrase marked.

    The window is the edition's, never narrowed by a section, person or topic: a topic's stories, newest first,
    are a walk of a link table (150 ms for a topic of 33,000 stories at 200,000 on SQLite), a section's a walk
    of its index with a lookup of each story's edition (45 ms), where the edition's window is one index range
    (7 ms). The filters then keep what they keep of the matches (``_kept``).

    The window's rows are one range of publish times with one bound on each side: its edge (or ``since``)
    and the gate's. With two lower bounds (the reader's "since" and the window's edge), SQLite took the one
    that reads the whole range asked for: "of" since 2015, 180 ms at 1,000,000 articles, against 9 ms."""
    words = words[:MAX_PHRASE_WORDS]
    page = CommonWordsPage()
    if not words:
        return page
    pattern = phrase_pattern(words)
    newest = edition.order_by("-publish_at", "-id")
    edge = _edge(newest if since is None else newest.filter(publish_at__gte=since))
    longest = max(reversed(words), key=len)  # the last of the longest: "the who" narrows by "who"
    window = newest
    if edge or since:
        window = newest.filter(publish_at__gte=edge[0][0] if edge else since)  # the edge's ties are all in
    # One fetch, at most the window's rows: a server-side cursor (``iterator`` on PostgreSQL) is planned for its
    # first rows, and walked the archive's index in order instead of the window's range (130 against 17 ms).
    rows = window.filter(_narrowing(longest)).values_list("pk", "section_id", *_FIELDS)
    found = {
        article_id: (headline, lead, "")
        for article_id, section_id, headline, lead in rows
        if (section is None or section_id == section) and (pattern.search(headline) or pattern.search(lead))
    }
    if found and (person or topic):
        found = {
            article_id: found[article_id] for article_id in _kept(list(found), person=person, topic=topic)
        }
    capped = False
    if not found:
        found, capped = _in_text(window, pattern, words, section=section, person=person, topic=topic)
        page.in_text = bool(found)
    matches = list(found.items())
    # Else cut at MAX_MATCHES, at the window or at the texts read.
    page.exact = len(matches) <= MAX_MATCHES and not edge and not capped
    matches = matches[:MAX_MATCHES]
    page.total = len(matches)
    mark = _marker(pattern)
    for article_id, (headline, lead, text) in matches[offset : offset + count]:
        page.hits.append(article_id)
        page.highlights[article_id] = Highlight(
            headline=mark(headline), lead=mark(lead), excerpt=mark(_excerpt(text, pattern))
        )
    return page


def _in_text(
    window: QuerySet[Article],
    pattern: re.Pattern,
    words: tuple[str, ...],
    *,
    section: int | None,
    person: int | None,
    topic: int | None,
) -> tuple[dict[int, tuple[str, str, str]], bool]:
    """Of the newest ``TEXT_WINDOW`` of the ``window``'s stories in the reader's filters, those whose text (the
    indexed body, ``SearchDocument``) has the phrase, newest first: article id -> (headline, lead, text), and
    whether some were not read (``TEXTS_READ`` texts were, or the window has more stories). Read only when no
    headline or lead has it.

    The database narrows the texts by the whole phrase (``_phrase_narrowing``): by its longest word alone, "the
    who" read 1,171 of 5,000 texts at 1,000,000 articles on SQLite (155 ms), by the phrase 60. PostgreSQL
    decompresses every text it tests: 5,000 took 31 ms to read there and 61 ms to test, hence the smaller
    window for texts."""
    stories = window if section is None else window.filter(section_id=section)
    if person is not None:
        stories = stories.filter(persons=person)
    if topic is not None:
        stories = stories.filter(topics=topic)
    newest = stories.order_by("-publish_at", "-id").values("pk")[:TEXT_WINDOW]
    documents = list(
        SearchDocument.objects.filter(article_id__in=newest)
        .filter(_phrase_narrowing(words))
        .order_by("-article__publish_at", "-article_id")
        .values_list("article_id", "headline", "lead", "body")[:TEXTS_READ]
    )
    found = {row[0]: row[1:] for row in documents if pattern.search(row[3])}
    return found, len(documents) == TEXTS_READ or stories.order_by("-publish_at")[TEXT_WINDOW:].exists()


class _Like(Func):
    """``text LIKE pattern``, the pattern's wildcards as written (``icontains`` escapes them); ILIKE on
    PostgreSQL, whose LIKE is case-sensitive (SQLite's is blind to the case of ASCII letters)."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" ILIKE ", **extra_context)


def _phrase_narrowing(words: tuple[str, ...]) -> Q:
    """Texts that may hold the phrase: its words one character apart ("all-out", "when they", "and/or"), in
    lower case, capitalised or in capitals, ``е`` also as ``ё``. A wider gap ("when, they") is not looked for in
    a text; the words are stop words, never ``%`` or ``_``."""
    phrase = " ".join(words).lower()
    forms = {phrase, phrase.replace("е", "ё")}
    forms |= {form.capitalize() for form in forms} | {form.upper() for form in forms}
    q = Q()
    for form in sorted(forms) if not phrase.isascii() else [phrase]:
        q |= Q(_Like(F("body"), Value("%" + form.replace(" ", "_") + "%")))
    return q


def _excerpt(text: str, pattern: re.Pattern) -> str:
    """The words around the phrase's first place in ``text``, cut at spaces, "…" where text was left out;
    empty when the phrase is not there (a match in the headline or lead)."""
    found = pattern.search(text) if text else None
    if found is None:
        return ""
    start, end = max(0, found.start() - EXCERPT_CHARS), min(len(text), found.end() + EXCERPT_CHARS)
    if start:
        start = text.find(" ", start, found.start()) + 1 or start
    if end < len(text):
        space = text.rfind(" ", found.end(), end)
        end = space if space > 0 else end
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _kept(ids: list[int], *, person: int | None, topic: int | None) -> list[int]:
    """The ``ids`` (newest first) that have the ``person`` and the ``topic`` asked for: their links read by
    story, through the link tables' (story, person) and (story, topic) index, whatever the planner knows of
    the archive. The filtered set of stories with the ids as one more condition was planned from the
    statistics: before SQLite's ANALYZE, a walk of the edition's whole index (2.5 s for a topic at 1,000,000
    articles; 0.5 ms after it, as now)."""
    kept = set(ids)
    for through, column, value in (
        (Article.persons.through, "person_id", person),
        (Article.topics.through, "topic_id", topic),
    ):
        if value is not None:
            links = through.objects.filter(article_id__in=ids).values_list("article_id", column)
            kept &= {article_id for article_id, linked in links if linked == value}
    return [article_id for article_id in ids if article_id in kept]


def _edge(newest: QuerySet[Article]) -> list[tuple]:
    """The window's oldest story (publish time, id): the set's index walked WINDOW entries deep; none when the
    set is smaller. SQLite walks the gate's two statuses in one index range. PostgreSQL sorts the whole range
    of an IN list (a parallel scan of the archive: 100 ms at 200,000 stories), so there it walks each status
    alone and takes the WINDOW-th of the two (news.selectors._card_rows does the same)."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return list(newest.values_list("publish_at", "pk")[WINDOW - 1 : WINDOW])
    first, *others = [
        newest.filter(status=status).values_list("publish_at", "pk")[:WINDOW] for status in VISIBLE
    ]
    return list(first.union(*others, all=True).order_by("-publish_at", "-pk")[WINDOW - 1 : WINDOW])


def _marker(pattern: re.Pattern):
    def mark(text: str):
        return marked_html(pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, text or ""))

    return mark
