"""The ranking's second stage, the same on every engine: what the engine's one relevance number misses, read
from the text of the best candidates only (``backends.base.DEFAULT_RERANK``, docs/search.md).

For each candidate, shares from 0 to 1:
- ``headline``: of the query's word groups found in the headline;
- ``opening``: found in the lead (or, for a story without one, the body's opening words: documents.opening);
- ``anywhere``: found anywhere (the any-words fallback's coordination; read only when it is needed), each
  group counted by its weight when the engine gives them (PostgreSQL: its idf);
- ``proximity``: of the pairs of adjacent query words found side by side in the text, at most one word
  between them ("james baker", "bank [of] england");
- ``length``: for a query of a subject ("yen", "interest rates") rather than a name ("Japan", "James Baker"),
  how long the story is (``length_share``). Whether it names something is read from how the candidates'
  leads write its words inside a sentence (``is_subject``): a name is capitalised, a subject is not. A story
  that keeps to a subject at length is about it, a short one often only mentions it; BM25's length
  normalization favours the short ones, right for a name (the short stories datelined in a place) and wrong
  for a subject (Reuters topics 0.503 → 0.530 nDCG@10 on SQLite, 0.507 → 0.521 on PostgreSQL, the names'
  sets unchanged: docs/search.md).
A word is found where a word of the text starts with its Snowball stem ("relat" finds "relations" and
"related"; a stem's final "i" is left out so that "compani" finds "company"), a phrase as such words in a
row. The text is read from ``SearchDocument`` (the body only when a pair or the fallback needs it): a bounded
read of ``depth`` rows and one compiled pattern per group or pair, never a search. (The engines' own per-row
lookups were tried first: FTS5 ignores a rowid constraint beside MATCH and read every match of the word —
10-17 ms for one word at 23,000 stories, growing with the archive.)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .analysis import has_cyrillic
from .analysis import stem as russian_stem
from .query import ParsedQuery, Phrase, Term, adjacent_pairs
from .related import stems


@dataclass(frozen=True)
class Features:
    headline: float = 0.0
    opening: float = 0.0
    anywhere: float = 0.0
    proximity: float = 0.0
    length: float = 0.0


# A story of this many characters or more has the whole ``length`` share; shorter ones a share by the log of
# their length (a flash of 100 characters 0.51, a wire story of 800 0.74, one of 3,000 0.89).
LONG = 8_000
# Where a word inside a sentence follows these, it may be capitalised for another reason than being a name.
_AFTER_A_BREAK = ".!?:;\"'(«“-—\n"


def _root(word: str) -> str:
    """The start every form of the word shares: its stem, less a final "i" (the word itself when the stem is
    not how it starts). A Cyrillic word's is its Russian stem (query words and the text are ``ё``-folded)."""
    if has_cyrillic(word):
        found = russian_stem(word)
        return found if word.startswith(found) else word
    found = stems([word])[0]
    found = found[:-1] if found.endswith("i") and len(found) > 3 else found
    return found if word.startswith(found) else word


def _word_starts(text: str, root: str):
    """Where words of ``text`` start with ``root`` (str.find, then a look at the character before: several
    times cheaper than a pattern starting with a word boundary)."""
    at = text.find(root)
    while at != -1:
        if at == 0 or not text[at - 1].isalnum():
            yield at
        at = text.find(root, at + 1)


@dataclass(frozen=True)
class _Test:
    """Found when a word of the text starts with ``root`` and, if there is a ``rest``, the pattern matches
    there (the other words of a phrase, or of a pair, each starting with its root)."""

    root: str
    rest: re.Pattern | None = None

    def found(self, text: str) -> bool:
        return any(self.rest is None or self.rest.match(text, at) for at in _word_starts(text, self.root))


def _test(roots: list[str], *, gap: str = "") -> _Test:
    if len(roots) == 1:
        return _Test(roots[0])
    between = r"\w*\W+" + gap
    return _Test(roots[0], re.compile(between.join(re.escape(root) for root in roots)))


def _clause(clause: Term | Phrase) -> _Test:
    if isinstance(clause, Term):
        return _Test(clause.word if clause.prefix else _root(clause.word))
    return _test([_root(word) for word in clause.words])


@dataclass(frozen=True)
class _Group:
    clauses: tuple[_Test, ...]

    def found(self, text: str) -> bool:
        return any(clause.found(text) for clause in self.clauses)


def patterns(query: ParsedQuery) -> tuple[list[_Group], list[_Test]]:
    """One test per word group (any of its clauses) and per adjacent pair (in order, at most one word
    between), for lower-cased text."""
    groups = [_Group(tuple(_clause(c) for c in group)) for group in query.must]
    pairs = [
        _test([_root(first), _root(second)], gap=r"(?:\w+\W+)?") for first, second in adjacent_pairs(query)
    ]
    return groups, pairs


def needs_body(query: ParsedQuery, *, anywhere: bool) -> bool:
    return anywhere or bool(adjacent_pairs(query))


def _share(tests: list[_Group] | list[_Test], text: str) -> float:
    return sum(1 for test in tests if test.found(text)) / len(tests) if tests else 0.0


def _weighted_share(groups: list[_Group], text: str, weights: list[float] | None) -> float:
    if weights is None:
        return _share(groups, text)
    total = sum(weights)
    found = sum(w for group, w in zip(groups, weights, strict=True) if group.found(text))
    return found / total if total > 0 else _share(groups, text)


def _folded(text: str | None) -> str:
    # As analysis.fold: a query's "королев" is found in "Королёв"; English text has no ё.
    return (text or "").lower().replace("ё", "е")


def is_subject(groups: list[_Group], leads: list[str]) -> bool:
    """Whether the query is of a subject rather than a name: of its words' occurrences inside a sentence of
    these leads (not first in the lead or after a full stop, colon or quote), fewer than half capitalised.
    A query none of whose words occur so counts as a name (nothing changes for it)."""
    capitals = total = 0
    for lead in leads:
        folded = _folded(lead)
        if len(folded) != len(lead):  # a letter whose lower case is longer ("İ"): places would not match
            continue
        for group in groups:
            for clause in group.clauses:
                for at in _word_starts(folded, clause.root):
                    before = at - 1
                    while before >= 0 and lead[before].isspace():
                        before -= 1
                    if before < 0 or lead[before] in _AFTER_A_BREAK:
                        continue
                    total += 1
                    capitals += lead[at].isupper()
    return total > 0 and capitals < total / 2


def written_as_name(word: str, texts: list[str]) -> bool:
    """Whether these texts write ``word`` (folded) as a name: of its occurrences inside a sentence (as
    ``is_subject`` counts them), at least half capitalised ("Nice", not "a nice day"). True where it occurs in
    none so (first in a sentence, or in a dateline, only)."""
    capitals = total = 0
    pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
    for text in texts:
        folded = _folded(text)
        if len(folded) != len(text):
            continue
        for found in pattern.finditer(folded):
            before = found.start() - 1
            while before >= 0 and text[before].isspace():
                before -= 1
            if before < 0 or text[before] in _AFTER_A_BREAK:
                continue
            total += 1
            capitals += text[found.start()].isupper()
    return capitals >= total / 2


def length_share(characters: int) -> float:
    """ln(1 + characters) / ln(1 + LONG), at most 1."""
    return min(1.0, math.log1p(max(characters, 0)) / math.log1p(LONG))


def features(
    query: ParsedQuery,
    texts: dict[int, tuple[str, str, str]],
    *,
    anywhere: bool,
    weights: list[float] | None = None,
    lengths: dict[int, int] | None = None,
) -> dict[int, Features]:
    """``texts``: {article id: (headline, lead, body)}, the body empty when ``needs_body`` said no.
    ``weights``: one per word group (``query.must``), what each counts for in ``anywhere``; None: each 1.
    ``lengths``: {article id: characters of its text}; without them (or for a name) ``length`` is 0."""
    groups, pairs = patterns(query)
    subject = lengths is not None and is_subject(groups, [lead for _, lead, _ in texts.values()])
    found = {}
    for pk, (headline, lead, body) in texts.items():
        headline, lead = _folded(headline), _folded(lead)
        whole = f"{headline}\n{lead}\n{_folded(body)}" if pairs or anywhere else ""
        found[pk] = Features(
            headline=_share(groups, headline),
            opening=_share(groups, lead),
            anywhere=_weighted_share(groups, whole, weights) if anywhere else 1.0,
            proximity=_share(pairs, whole),
            length=length_share(lengths.get(pk, 0)) if subject and lengths else 0.0,
        )
    return found
