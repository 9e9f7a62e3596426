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
    within: QuerySet[Article],
    offset: int,
    count: int,
) -> CommonWordsPage:
    """The newest of the ``edition``'s newest WINDOW stories (what readers of the edition may see, in the dates
    asked for) whose headline or lead holds ``words`` (query.ParsedQuery.common_words) as a phrase and that
    are in ``within`` (the reader's other filters): the page from ``offset``, ``count`` long, the phrase marked.

    The window is the edition's, never narrowed by a section, person or topic: a topic's stories, newest first,
    are a walk of a link table (150 ms for a topic of 33,000 stories at 200,000 on SQLite), a section's a walk
    of its index with a lookup of each story's edition (45 ms), where the edition's window is one index range
    (7 ms); the filters then keep what they keep of the matches, in one lookup."""
    words = words[:MAX_PHRASE_WORDS]
    page = CommonWordsPage()
    if not words:
        return page
    pattern = phrase_pattern(words)
    newest = edition.order_by("-publish_at", "-id")
    edge = _edge(newest)
    longest = max(reversed(words), key=len)  # the last of the longest: "the who" narrows by "who"
    rows = newest.filter(_narrowing(longest))
    if edge:
        rows = rows.filter(publish_at__gte=edge[0][0])  # one index range (the edge's ties are all in)
    # One fetch, at most the window's rows: a server-side cursor (``iterator`` on PostgreSQL) is planned for its
    # first rows, and walked the archive's index in order instead of the window's range (130 against 17 ms).
    found = {
        article_id: (headline, lead)
        for article_id, headline, lead in rows.values_list("pk", *_FIELDS)
        if pattern.search(headline) or pattern.search(lead)
    }
    if found and within is not edition:
        kept = set(within.filter(pk__in=list(found)).values_list("pk", flat=True))
        found = {article_id: texts for article_id, texts in found.items() if article_id in kept}
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
