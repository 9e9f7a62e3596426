"""The reader's query language, parsed once into a small tree that each back end compiles safely.

Supported: words (stemmed by the engine), "exact phrases", -exclusion (of a word or a phrase), OR between two
clauses, and prefix* (at least two letters). Everything else — punctuation, unbalanced quotes, operators of
the engines themselves, control characters — is treated as a separator, so no input can become engine syntax:
back ends only ever see the words extracted here, quoted by them. Words joined by punctuation ("Russian-US",
"money-fx") are a phrase, looked for apart when too few stories have them side by side (``loosened``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS

from .analysis import RUSSIAN, RUSSIAN_STOPWORDS, ampersand_term, fold, query_language

MAX_QUERY_LENGTH = 200  # characters kept from the reader's query; longer input is cut, not refused
MAX_CLAUSES = 12  # words/phrases used; more adds cost and almost never changes the results
MAX_PHRASE_WORDS = 8
MIN_PREFIX_LENGTH = 2  # "a*" would expand to most of the vocabulary

# PostgreSQL's 'english' stop words: both back ends ignore them as single words (phrases keep them), so
# "Moscow AND NOT hurricane" means the same everywhere: the words moscow and hurricane.
STOPWORDS = frozenset(
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her "
    "hers herself it its itself they them their theirs themselves what which who whom this that these "
    "those am is are was were be been being have has had having do does did doing a an the and but if or "
    "because as until while of at by for with about against between into through during before after "
    "above below to from up down in out on off over under again further then once here there when where "
    "why how all any both each few more most other some such no nor not only own same so than too very s "
    "t can will just don should now".split()
)

_WORD = re.compile(r"\w+")
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CODE = re.compile(r"([^\W\d_]+)(\d+)")  # letters, then digits: "covid19", "f35"
_WHOLE_NUMBER = re.compile(r"[1-9][0-9]{4,14}")  # "10000" as typed; four digits are mostly years
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")  # "10,000", as English copy writes it
_POSSESSIVE = re.compile(r"(?<=[A-Za-z.])['’][sS](?=\W*$)")  # an English possessive at the chunk's end
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The quotation marks a phone's keyboard or a Russian layout types ("smart" quotes, guillemets): a phrase's
# quotes, as '"' is. Apostrophes stay as they are.
_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»〝〞〟", '"'))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LETTER = re.compile(r"[^\W_]")
_SINGLE_LETTERS = re.compile(r"[A-Za-z](?:\.[A-Za-z])*")


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False
    # The other spelling of the word or phrase typed before it in its group ("defense" for "defence":
    # ``_spellings``; "cooperation" for "co-operation": ``_compound``): the same word, so the ranking's
    # proximity reads the group as what was typed.
    variant: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    # The phrase as typed ("covid-19", "2.5%", "9/11"; None when its words were cut at MAX_PHRASE_WORDS), for an
    # engine whose parser reads such a text otherwise than as its words (PostgreSQL: "covid" and "-19").
    written: str | None = field(default=None, compare=False)
    # Typed without quotes, its words joined by a hyphen or other punctuation ("money-fx", "nat-gas"): when
    # no story has them side by side, the fallback looks for them apart (``loosened``).
    joined: bool = field(default=False, compare=False)


Clause = Term | Phrase


@dataclass
class ParsedQuery:
    """``must`` is an AND of OR-groups; ``must_not`` excludes any of its clauses."""

    text: str
    must: list[list[Clause]] = field(default_factory=list)
    must_not: list[Clause] = field(default_factory=list)
    truncated: bool = False
    # The analysis its words get (analysis.py): "ru" stems Cyrillic words with the Russian stemmer, "en" as
    # before. Decided by ``parse`` from the edition searched and the query's script.
    language: str = "en"
    # The words of what was left out as common ("the", a phrase of them: "the who"), in the order typed: what
    # a query of them alone searches instead (common_words.py).
    common_words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.must

    @property
    def common_words_only(self) -> bool:
        """Words were typed, but all are stop words ("the", "and", "the who" in quotes too): nothing is left for
        the index to search (common_words.py searches them another way)."""
        return not self.must and not self.must_not and bool(self.common_words)

    def positive_words(self) -> list[str]:
        return [w for group in self.must for c in group for w in _words_of(c)]


def _words_of(clause: Clause) -> tuple[str, ...]:
    return (clause.word,) if isinstance(clause, Term) else clause.words


def clean_text(raw: str) -> tuple[str, bool]:
    """Normalise (NFKC, as the index reads each character: ``_as_indexed``; every kind of double quotation mark
    as '"'), drop control characters, cap the length."""
    text = unicodedata.normalize("NFC", raw or "")
    text = _NON_ASCII.sub(lambda run: "".join(map(_as_indexed, run.group(0))), text)
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).translate(_QUOTES)
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH], len(text) > MAX_QUERY_LENGTH


@functools.lru_cache(maxsize=4096)
def _as_indexed(char: str) -> str:
    """A character's compatibility form (NFKC: full-width "Ｔｏｋｙｏ" is "Tokyo", "ﬁ" is "fi"), except where the
    index reads the character otherwise: a symbol NFKC spells with letters or digits ("№" as "No", "™" as
    "TM", "℃" as "°C") is a space to both engines' tokenizers, so "№1" (how a Russian keyboard types "number
    1") found nothing as "no1" and "Apple™" nothing as "appletm"; a number NFKC spells otherwise ("²", "½",
    "Ⅱ") is a token as it stands there ("km²")."""
    compatible = unicodedata.normalize("NFKC", char)
    if compatible == char:
        return char
    kind = unicodedata.category(char)
    if kind[0] == "S" and any(c.isalnum() for c in compatible):
        return " "
    if kind in ("No", "Nl"):  # not a decimal digit: full-width "１２" is "12"
        return char
    return compatible


def _words(chunk: str) -> list[str]:
    words = [fold(w) for w in _WORD.findall(chunk) if w != "_"][:MAX_PHRASE_WORDS]
    return [w.strip("_") for w in words if w.strip("_")]


def _clause(chunk: str, quoted: bool, stopwords: frozenset[str] = STOPWORDS) -> Clause | None:
    # "Russia's", "Amazon.com's" typed alone: the name ("s" was a word of a phrase on SQLite, so "Russia's"
    # missed "Russia said"; PostgreSQL drops it as a stop word). In quotes it stays: the phrase as written.
    text = chunk if quoted else _POSSESSIVE.sub("", chunk)
    words = _words(text)
    if not words:
        return None
    if len(words) > 1:
        if all(word in stopwords for word in words):
            return (
                None  # "the who": neither engine's index holds such a phrase (PostgreSQL's has no stop words)
            )
        written = text if len(_WORD.findall(text)) <= MAX_PHRASE_WORDS else None
        # "Russian-US" is searched as the phrase "russian us"
        return Phrase(tuple(words), written, joined=not quoted)
    prefix = not quoted and chunk.endswith("*") and len(words[0]) >= MIN_PREFIX_LENGTH
    if words[0] in stopwords and not prefix:
        return None
    return Term(words[0], prefix=prefix)


def _code(clause: Clause | None) -> Phrase | None:
    """A word of letters and then digits ("covid19", "f35", "mh17", "су35") is also the code written with a
    hyphen or a space ("COVID-19", "F 35"): the phrase of its letters and its number, either one. Letters that
    are a stop word too ("s400", "a380": ``phrase_texts`` of the PostgreSQL back end reads them as typed)."""
    found = _CODE.fullmatch(clause.word) if isinstance(clause, Term) and not clause.prefix else None
    if found is None:
        return None
    letters, number = found.groups()
    return Phrase((letters, number), f"{letters}-{number}")


def _number(clause: Clause | None) -> Clause | None:
    """A number typed whole ("10000", "80000") is also the number with its thousands apart, as copy writes it
    ("10,000" in English, "80 000" in Russian: both tokenizers read each group as a word, so the whole number
    found neither); and one typed with commas ("10,000", "1,500") is also the number whole. A number of four
    digits typed whole stays as typed: most such queries are years, and Russian copy writes them whole."""
    if isinstance(clause, Term) and not clause.prefix and _WHOLE_NUMBER.fullmatch(clause.word):
        word = clause.word
        head = len(word) % 3 or 3
        groups = (word[:head], *(word[i : i + 3] for i in range(head, len(word), 3)))
        return Phrase(groups, ",".join(groups))
    if isinstance(clause, Phrase) and clause.joined and _THOUSANDS.fullmatch(clause.written or ""):
        return Term("".join(clause.words))
    return None


def _spellings(clause: Clause | None) -> list[Term]:
    """An English word's other spelling, British or American ("defence" and "defense", "organisation" and
    "organization", "labour" and "labor"; 1,730 pairs from breame): one edition's copy writes one, a reader
    types the other, and neither engine's stems meet ("defenc", "defens"). Not for a prefix."""
    if not isinstance(clause, Term) or clause.prefix:
        return []
    other = BRITISH_ENGLISH_SPELLINGS.get(clause.word) or AMERICAN_ENGLISH_SPELLINGS.get(clause.word)
    return [Term(other, variant=True)] if other and other != clause.word else []


def _letter_runs(chunks: list[tuple]) -> list[tuple]:
    """Single Latin letters typed apart ("u s dollar", "j p morgan") as the abbreviation they spell ("u.s"): a
    phrase of its letters, as "U.S." typed is. PostgreSQL reads "U.S." in a story as one token, which "u"
    alone did not find (10 stories of "u s dollar" where SQLite, whose index splits it, found hundreds)."""
    out: list[tuple] = []
    for negated, quoted, bare in chunks:
        letter = bare is not None and len(bare) == 1 and bare.isascii() and bare.isalpha()
        previous = out[-1][2] if out and out[-1][0] == "" and out[-1][2] else ""
        if letter and _SINGLE_LETTERS.fullmatch(previous):
            out[-1] = ("", None, f"{previous}.{bare}")
        else:
            out.append((negated or "", quoted, bare))
    return out


def parse(raw: str, *, language: str | None = None) -> ParsedQuery:
    """``language``: the edition searched (None: every edition, as the newsroom searches)."""
    text, truncated = clean_text(raw)
    analysis = query_language(text, language)
    query = ParsedQuery(text=text, truncated=truncated, language=analysis)
    # Latin words of a Russian query keep the English stop words (PostgreSQL's russian does the same).
    stopwords = STOPWORDS | RUSSIAN_STOPWORDS if analysis == RUSSIAN else STOPWORDS
    pending_or = False
    count = 0
    for negated, quoted_text, bare in _letter_runs([m.groups() for m in _CHUNK.finditer(text)]):
        if bare == "OR":
            pending_or = bool(query.must)
            continue
        if bare is not None:
            negated, chunk, quoted = ("-" if bare.startswith("-") else ""), bare.lstrip("-"), False
        else:
            chunk, quoted = quoted_text, True
        clause = _clause(chunk, quoted, stopwords)
        # "AT&T": the phrase "at t" (stop words: none to search), or the name's whole term
        # (analysis.ampersand_terms), either one.
        whole = ampersand_term(chunk)
        code = _code(clause) or _number(clause)
        # Two words joined by a hyphen are also the compound written whole ("co-operation", "cooperation").
        joined = _compound(clause) if isinstance(clause, Phrase) else None
        spelt = _spelt(clause, stopwords)
        clauses = [
            c
            for c in (
                clause,
                code,
                *_spellings(clause),
                Term(joined, variant=True) if joined else None,
                Term(spelt, variant=True) if spelt else None,
                Term(whole) if whole else None,
            )
            if c is not None
        ]
        if not clauses and not negated:
            query.common_words += tuple(_words(chunk))
        if not clauses or count >= MAX_CLAUSES:
            pending_or = False
            continue
        count += 1
        if negated:
            query.must_not.extend(clauses)
        elif pending_or:
            query.must[-1].extend(clauses)
        else:
            query.must.append(clauses)
        pending_or = False
    return query


_DOTTED = re.compile(r"(?:[A-Za-z]\.\s*)+[A-Za-z]\.?")  # "U.N.", "e.u", "u.n" (``_letter_runs``), not "S&P"


def _spelt(clause: Clause | None, stopwords: frozenset[str]) -> str | None:
    """An abbreviation typed with its letters apart ("U.N.", "e.u.", "u k"; not "S&P" or "a-b") is also the word they spell, as most
    copy writes it ("UN", "EU", "UK"; both tokenizers read it as one word, which the phrase of its letters did
    not find): in the phrase's word group, as the same word. Not for a phrase in quotes, nor when that word is
    a stop word or "us", the pronoun of every story that quotes someone ("told us"): the Reuters topic
    description `u s dollar` fell from 0.756 to 0.687 nDCG@10 with it."""
    if not isinstance(clause, Phrase) or not clause.joined or not _DOTTED.fullmatch(clause.written or ""):
        return None
    word = "".join(clause.words)
    return None if word in stopwords or word == "us" else word


_HYPHENATED = re.compile(r"[A-Za-z]+[-\u2010\u2011\u2013][A-Za-z]+")


def _compound(phrase: Phrase) -> str | None:
    """The compound written whole ("cooperation" for "co-operation", "ceasefire" for "cease-fire", "email" for
    "e-mail"), for two runs of Latin letters typed joined by a hyphen: one outlet writes it so, another whole.
    ``parse`` puts it in the phrase's word group as the same word (``Term.variant``): "co" and "operation" found
    none of the demo's 97 "cooperation" stories, "cease" and "fire" none of its 31 "ceasefire" ones."""
    if not phrase.joined or not _HYPHENATED.fullmatch(phrase.written or ""):
        return None
    whole = "".join(phrase.words)
    return whole if len(whole) >= 4 and whole not in STOPWORDS else None


_UNBROKEN = re.compile(r"[a-z]{6,30}|[а-я]{6,30}")  # folded: "ё" is "е"
MIN_PART = 3  # letters of each part of a word broken in two (the spelling list holds words of three or more)


def word_splits(word: str) -> list[tuple[str, str]]:
    """Where a word typed whole may be two words ("antidoping": "anti" and "doping"; "вицепремьер": "вице" and
    "премьер"): each split of a run of 6 to 30 Latin or Cyrillic letters into two parts of ``MIN_PART``
    letters or more, neither a stop word, then a prefix of two letters ("alnusra": "al" and "nusra", as
    "al-Nusra"; "reelection") before the rest."""
    if not _UNBROKEN.fullmatch(word):
        return []
    pairs = [(word[:i], word[i:]) for i in (*range(MIN_PART, len(word) - MIN_PART + 1), 2)]
    stop = STOPWORDS | RUSSIAN_STOPWORDS
    return [(a, b) for a, b in pairs if a not in stop and b not in stop]


def unbroken_words(query: ParsedQuery) -> list[str]:
    """The query's words typed whole that may be two: each alone in its word group, not a prefix."""
    return [
        group[0].word
        for group in query.must
        if len(group) == 1
        and isinstance(group[0], Term)
        and not group[0].prefix
        and word_splits(group[0].word)
    ]


def broken(query: ParsedQuery, breaks: dict[str, tuple[str, str]]) -> ParsedQuery | None:
    """The query with each word of ``breaks`` as its two parts joined by a hyphen, as if typed so ("antidoping"
    as "anti-doping", the phrase of "anti" and "doping"): what the search looks for when nothing matches the
    query as typed and no story has the word whole (``BaseSearchBackend.broken_apart`` chooses the
    parts). None when no word is broken."""
    must: list[list[Clause]] = []
    for group in query.must:
        pair = breaks.get(group[0].word) if len(group) == 1 and isinstance(group[0], Term) else None
        parts = parse("-".join(pair), language=query.language).must if pair else []
        must.append(parts[0] if len(parts) == 1 else group)
    return replace(query, must=must) if must != query.must else None


def loosened(query: ParsedQuery, *, quoted: bool = False, letters: bool = False) -> ParsedQuery | None:
    """The query with each word group that is one phrase typed without quotes ("money-fx", "nat-gas") split into
    its words, each its own group: what the search looks for when no story, or too few, have the phrase's
    words side by side (the label codes of Reuters' topics are typed so, and found nothing). ``quoted``: a
    phrase in quotes too, and ``letters``: an abbreviation's letters too ("u.s", "a b c"), both for a query
    nothing matches as written. Stop words stay out, and so do words of one character beside longer ones
    ("l-cattle" is "cattle"); a code with a number is kept ("F-35", "Su-35", "9/11"), and so is a phrase whose
    words apart would be numbers only. None when no group is such a phrase."""
    must: list[list[Clause]] = []
    for group in query.must:
        clause = group[0]
        alone = all(isinstance(c, Term) and c.variant for c in group[1:])  # the compound written whole
        if alone and isinstance(clause, Phrase) and (clause.joined or quoted):
            # A run of single letters ("u s", typed so or as "U.S.") only with ``letters``, and then it keeps them:
            # they are all it has ("u" after "U.S." would add the stories of "U.N.").
            short = 0 if letters and all(len(w) == 1 for w in clause.words) else 1
            words = [w for w in clause.words if len(w) > short and w not in STOPWORDS | RUSSIAN_STOPWORDS]
            # Typed as one token with a number, it is a code, a date or a score, whose parts apart mean nothing:
            # "F-35" had been "35" (the Su-35's stories), "9/11" "11", "MiG-29" "миг" (a moment) and "29"; it
            # stays as typed. Nor are numbers alone a quoted phrase's words ("7 Thailand exported" goes apart).
            code = clause.joined and any(word.isdigit() for word in clause.words)
            if not code and any(not word.isdigit() for word in words):
                must += [[Term(w)] for w in dict.fromkeys(words)]
                continue
        must.append(group)
    if must == query.must:
        return None
    return replace(query, must=must)


def quoted_phrases(query: ParsedQuery) -> list[Phrase]:
    """The phrases the reader put in quotes, each a word group of its own."""
    return [g[0] for g in query.must if len(g) == 1 and isinstance(g[0], Phrase) and not g[0].joined]


def adjacent_pairs(query: ParsedQuery) -> list[tuple[str, str]]:
    """Consecutive words the reader typed, each its own group (not a phrase, an OR or a prefix): what the
    ranking's proximity looks for side by side ("james baker", "interest rates", "bank [of] england")."""
    words = [
        g[0].word
        if isinstance(g[0], Term)
        and not g[0].prefix
        and all(isinstance(c, Term) and c.variant for c in g[1:])
        else None
        for g in query.must
    ]
    return [(a, b) for a, b in zip(words, words[1:], strict=False) if a and b and a != b]


def looked_for_instead(query: ParsedQuery, instead: ParsedQuery) -> str:
    """What was looked for in place of ``query`` (``base.SearchPage.instead``), for the page: the typed text
    with each word that was replaced swapped, keeping its case ("Kyiv" -> "Kiev", "antidoping" ->
    "anti-doping"), or, where a group became several ("money-fx" as "money" and "fx"), the words looked for."""
    swaps: dict[str, str] = {}
    for typed, looked in (
        zip(query.must, instead.must, strict=False) if len(instead.must) == len(query.must) else ()
    ):
        if typed == looked:
            continue
        if len(typed) == len(looked) and all(isinstance(c, Term) for c in typed + looked):  # a name each
            swaps |= {a.word: b.word for a, b in zip(typed, looked, strict=True) if a.word != b.word}  # type: ignore[union-attr]
        elif isinstance(typed[0], Term):
            swaps[typed[0].word] = _shown(looked)
    if swaps:
        return replace_words(query, swaps)
    return " ".join(_shown(group) for group in instead.must)


def _shown(group: list[Clause]) -> str:
    """A word group as a reader writes it: its phrase as written, its alternatives joined by OR, the other
    spellings it adds left out."""
    return " OR ".join(
        (clause.word + "*" * clause.prefix)
        if isinstance(clause, Term)
        else (clause.written or " ".join(clause.words))
        for clause in group
        if not (isinstance(clause, Term) and clause.variant)
    )


def replace_words(query: ParsedQuery, replacements: dict[str, str]) -> str:
    """The query text with misspelt words swapped ("did you mean"), keeping its operators and each word's case
    ("Kamz" -> "Kamaz", "NATP" -> "NATO")."""

    def swap(match: re.Match) -> str:
        word = match.group(0)
        respelt = replacements.get(fold(word))
        if respelt is None:
            return word
        if word.isupper() and len(word) > 1:
            return respelt.upper()
        return respelt.capitalize() if word[0].isupper() else respelt

    return _WORD.sub(swap, query.text)
