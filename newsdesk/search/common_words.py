"""A query of common words only: "can", "the who", "WHO", `"the who"` in quotes.

Neither engine's index holds such words (PostgreSQL's 'english' and 'russian' leave their stop words out, and
query.parse drops them for SQLite too, so that both answer the same), so the index cannot find them. They are
searched instead as typed, as one phrase (whole words, any case, ``ё`` as ``е``), in the headlines and leads
of the edition's newest ``WINDOW`` stories (through the visibility gate, in the dates asked for), newest first;
the reader's other filters then keep what they keep of those. Bounded like every search: the database narrows the window by the phrase's
longest word (``LIKE``), the phrase itself is checked here on those rows only, and at most ``MAX_MATCHES`` are
kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from newsdesk.news.models import Article

from .backends.base import MARK_END, MARK_START, Highlight, marked_html
from .query import MAX_PHRASE_WORDS

WINDOW = 5_000  # the newest stories of the set looked at (ten days of a wire's English service)
MAX_MATCHES = 1_000  # matches kept; more are counted as "more than"
_FIELDS = ("headline", "lead")
VISIBLE = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)  # the gate's (news.models ...published)


@dataclass
class CommonWordsPage:
    total: int = 0
    exact: bool = True  # False: the window or MAX_MATCHES was reached, so there may be more
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
    rows = newest.filter(_narrowing(longest))
    if edge or since:
        rows = rows.filter(publish_at__gte=edge[0][0] if edge else since)  # the edge's ties are all in
    # One fetch, at most the window's rows: a server-side cursor (``iterator`` on PostgreSQL) is planned for its
    # first rows, and walked the archive's index in order instead of the window's range (130 against 17 ms).
    found = {
        article_id: (headline, lead)
        for article_id, section_id, headline, lead in rows.values_list("pk", "section_id", *_FIELDS)
        if (section is None or section_id == section) and (pattern.search(headline) or pattern.search(lead))
    }
    if found and (person or topic):
        found = {
            article_id: found[article_id] for article_id in _kept(list(found), person=person, topic=topic)
        }
    matches = list(found.items())
    page.exact = len(matches) <= MAX_MATCHES and not edge  # else cut at MAX_MATCHES or at the window
    matches = matches[:MAX_MATCHES]
    page.total = len(matches)
    mark = _marker(pattern)
    for article_id, (headline, lead) in matches[offset : offset + count]:
        page.hits.append(article_id)
        page.highlights[article_id] = Highlight(
            headline=mark(headline), lead=mark(lead), excerpt=marked_html("")
        )
    return page


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
