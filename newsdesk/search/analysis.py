"""How the words of each edition's language become index terms (docs/search.md, "Russian").

Both engines stem with Snowball: PostgreSQL's ``english`` and ``russian`` configurations, and on SQLite the
same algorithms from PyStemmer applied here, at index time (the FTS5 triggers call ``index_text`` through an
SQL function) and at query time (``query_word``). Latin words are stemmed as English in every edition (as
PostgreSQL's ``russian`` does too), Cyrillic words as Russian in the Russian edition, with ``ё`` folded to
``е`` on both sides. FTS5's own Porter stemmer (before migration search 0018) made words one that Snowball
keeps apart and PostgreSQL found apart: "news" and "new", "way" and "Wai".

On SQLite each word is replaced by its stem where it stands and everything else is kept, so the FTS5
tokenizer finds the same number of tokens at the same positions in the indexed (stemmed) text as in the
stored text: ``highlight()`` and ``snippet()`` read the stored text and mark the tokens at the positions the
index matched, so the reader sees "Путина" marked for the query "Путин" and "Reuters'" for "reuters".
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

import Stemmer

RUSSIAN = "ru"
# Languages with an analysis of their own; every other edition is indexed as English text is.
ANALYSED = frozenset({RUSSIAN})
# PostgreSQL's text search configuration for a document or query of each language.
PG_CONFIGS = {RUSSIAN: "russian"}
PG_DEFAULT_CONFIG = "english"
# The SQL function the SQLite triggers call (registered on every connection: apps.py).
INDEX_FUNCTION = "newsdesk_index_text"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A run of letters with at least one Cyrillic letter in it (digits, underscores and everything else the
# tokenizers treat as separators or keep as they are).
_CYRILLIC_RUN = re.compile(r"[^\W\d_]*[\u0400-\u04ff][^\W\d_]*")
_STEMMER = Stemmer.Stemmer("russian")
# A run of Latin letters (ASCII and the Latin-1 and Extended-A/B blocks: "Élysée", "Müller", "Wałęsa"): what
# is stemmed as English. A run inside a token with digits ("g7", "1980s") is stemmed on its own, on both
# sides alike, and stays inside its token.
_LATIN_SPLIT = re.compile(r"([A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+)")
_ENGLISH_STEMMER = Stemmer.Stemmer("english")
RUSSIAN_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"

# PostgreSQL's Russian stop words (tsearch_data/russian.stop, ё folded): both back ends ignore them as single
# words, as they do the English ones, so that a query means the same on both.
RUSSIAN_STOPWORDS = frozenset(
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от "
    "меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж "
    "вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без "
    "будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один "
    "почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после "
    "над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед "
    "иногда лучше чуть том нельзя такой им более всегда конечно всю между".split()
)


# A name of (Latin) letters joined by an ampersand: "AT&T", "S&P", "P&G", "Texas A&M", "M&A". Both engines' tokenizers
# split it into letters and short words ("at", "t"), stop words that PostgreSQL leaves out of its index, so
# "AT&T" found nothing there. Such a name is also indexed whole, as one term ("atandt"), among a document's
# keywords (documents.build_document), and a query of the name looks for that term too (query.parse).
_AMPERSAND_NAME = re.compile(r"(?<![\w&])([A-Za-z]{1,4})&([A-Za-z]{1,4})(?![\w&])")
_AMPERSAND_QUERY = re.compile(r"[^\w&]*([A-Za-z]{1,4})&([A-Za-z]{1,4})(?:['’]s)?[^\w&]*")


def ampersand_names(text: str) -> list[tuple[str, str]]:
    """A text's ampersand names, as their two sides: "AT&T bid" -> [("AT", "T")]."""
    if "&" not in text:  # most stories: the pattern's look-behind at every character cost 0.02 ms a story
        return []
    return _AMPERSAND_NAME.findall(text)


MAX_AMPERSAND_TERMS = 20  # a story names a few; a list of codes ("A&B, C&D, ...") must not swell its keywords


def ampersand_terms(text: str) -> list[str]:
    """The whole terms of a text's ampersand names, each once, the first ``MAX_AMPERSAND_TERMS``: "AT&T bid,
    S&P falls" -> ["atandt", "sandp"]."""
    terms = dict.fromkeys(f"{fold(left)}and{fold(right)}" for left, right in ampersand_names(text))
    return list(terms)[:MAX_AMPERSAND_TERMS]


def ampersand_term(chunk: str) -> str | None:
    """The whole term of a query word that is an ampersand name ("AT&T", "at&t's"), or None."""
    match = _AMPERSAND_QUERY.fullmatch(chunk)
    return f"{fold(match.group(1))}and{fold(match.group(2))}" if match else None


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


@functools.cache
def _compatible_letters() -> dict[int, str]:
    """Each letter and decimal digit that Unicode writes in a compatibility form (3,526 of them: ligatures
    "ﬁ", full-width "Ｔ" and "１", the micro sign, mathematical letters), with its compatibility form (NFKC).
    Made once per process when a text first needs it (0.15 s)."""
    table = {}
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        kind = unicodedata.category(char)
        if kind[0] == "L" or kind == "Nd":
            compatible = unicodedata.normalize("NFKC", char)
            if compatible != char:
                table[code] = compatible
    return table


def index_form(text: str) -> str:
    """Text as both engines index it (documents.build_document): composed (NFC: "e" and a combining acute are
    "é"), and each letter or digit written in a compatibility form as that form ("ﬁnance" is "finance",
    "Ｔｏｋｙｏ" "Tokyo"), as the query reads them (query._as_indexed): copy pasted from a PDF or written with
    full-width letters held words no query could spell. Symbols ("№", "™", which the tokenizers read as
    spaces) and numbers ("²", "½") stay as written, as the query keeps them."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # nearly every story; the rest mostly for "…", "№" or a no-break space
    text = unicodedata.normalize("NFC", text)
    table, (plane, planes) = _compatible_letters(), _compatible_runs()
    # The pattern of the first plane alone is a bitmap (14 µs for a 4,600-character story); with the others'
    # letters (mathematical alphanumerics) 40 times slower, so it is used only for a text that has any.
    found = planes if _OTHER_PLANES.search(text) else plane
    return found.sub(lambda run: run.group(0).translate(table), text)


def compatible_hint() -> str:
    """A regular expression (PostgreSQL's and Python's) for the texts ``index_form`` may change: a combining
    diacritical mark, or a letter or digit of a compatibility form (migration search 0022)."""
    return _character_class([*range(0x300, 0x370), *_compatible_letters()])


_OTHER_PLANES = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _compatible_runs() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Runs of the first plane's letters of a compatibility form, and of every plane's."""
    codes = list(_compatible_letters())
    plane = _character_class([code for code in codes if code <= 0xFFFF])
    return re.compile(plane + "+"), re.compile(f"(?:{plane}|{_character_class(codes)})+")


def _character_class(codes: list[int]) -> str:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


def fold(word: str) -> str:
    """Lower case, ``ё`` as ``е`` (Russian print mostly omits the dots: "Королев" is "Королёв")."""
    return word.lower().replace("ё", "е")


# Only words up to this long are kept in the stems' caches: a word is a few letters, and a hostile text of long
# runs of letters ("aaaa…" of a megabyte each) must not fill a cache of 100,000 entries with them.
MAX_CACHED_WORD = 64


def stem(word: str) -> str:
    """The Snowball Russian stem of a folded word; the word itself when the stem would be empty."""
    return _russian_stem(word) if len(word) <= MAX_CACHED_WORD else (_STEMMER.stemWord(word) or word)


@functools.lru_cache(maxsize=50_000)
def _russian_stem(word: str) -> str:
    return _STEMMER.stemWord(word) or word


def _stem_run(match: re.Match) -> str:
    return stem(fold(match.group(0)))


_ENGLISH_STEMS: dict[str, str] = {}  # word as written -> stem; a plain dict: a story's words stem in 0.05 ms
MAX_ENGLISH_STEMS = (
    100_000  # the words of a site's vocabulary that are cached (beyond them, stemmed each time)
)


def english_stem(word: str) -> str:
    """The Snowball English stem of a run of Latin letters, lower-cased and without its accents first (as the
    FTS5 tokenizer folds them: "Élysée" is stemmed as "elysee"); the folded word when the stem would be
    empty."""
    found = _ENGLISH_STEMS.get(word)
    if found is None:
        folded = word.lower()
        if not folded.isascii():
            folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
        found = _ENGLISH_STEMMER.stemWord(folded) or folded
        if len(_ENGLISH_STEMS) < MAX_ENGLISH_STEMS and len(word) <= MAX_CACHED_WORD:
            _ENGLISH_STEMS[word] = found
    return found


def english_index_text(text: str) -> str:
    """``text`` with each run of Latin letters replaced by its English stem, everything else as it is."""
    parts = _LATIN_SPLIT.split(text)  # the runs at odd indexes
    parts[1::2] = [_ENGLISH_STEMS.get(word) or english_stem(word) for word in parts[1::2]]
    return "".join(parts)


def index_text(text: str | None, language: str | None) -> str | None:
    """What the SQLite index is given for a stored text of a document in ``language``: each run of Latin
    letters replaced by its English stem, and for Russian each Cyrillic word by its Russian stem (a run of
    letters by a run of letters: token positions are kept); a Cyrillic word of another edition as it is."""
    if not text:
        return text
    text = english_index_text(text)
    if language != RUSSIAN or not has_cyrillic(text):
        return text
    return _CYRILLIC_RUN.sub(_stem_run, text)


def query_language(text: str, edition: str | None) -> str:
    """The analysis for a query: its edition's when that language has one, else Russian for a query in
    Cyrillic (the newsroom searches every edition; a reader may type Russian on the English edition), else
    English."""
    if edition in ANALYSED:
        return edition
    return RUSSIAN if has_cyrillic(text) else "en"


def query_word(word: str, language: str) -> str:
    """A (lower-cased) query word as the SQLite index holds it (``index_text`` of the word alone)."""
    return index_text(word, language) or word


# What a Russian query word is looked for as besides its stem (OPTIONS["RUSSIAN_FORMS"], ``other_terms``):
# "stem" nothing more; "whole" the word itself where Snowball shortens it; "adjectives" that and the
# adjectives Russian makes of it with -ск-. Chosen on the judged sets' tune halves
# (docs/search-decisions.md).
RUSSIAN_FORMS = ("stem", "whole", "adjectives")
DEFAULT_RUSSIAN_FORMS = "adjectives"
_ENDINGS = "аяоеиыь"  # a noun's nominative ending, left off before -ск- ("Одесса" → "одесский")


def other_terms(word: str, language: str, forms: str = DEFAULT_RUSSIAN_FORMS) -> tuple[str, ...]:
    """The index terms a (folded, unprefixed) query word is also looked for as, beside its stem:
    - ``whole``: for a Russian word that Snowball shortens, the word itself. Snowball strips what looks like
      an ending from a word in its dictionary form ("киев" → "ки", "милан" → "мила", "иерусалим" →
      "иерусал", "песков" → "песк"), while the word's other forms keep it whole ("Киеве", "Киева" → "киев"):
      the stem alone finds only the stories that use the nominative. Lucene's KeywordRepeatFilter keeps the
      unstemmed token beside the stem for the same reason; here only the query needs it, since the index
      holds what the inflected forms stem to.
    - ``adjectives``: also the stems of the relational adjectives Russian forms from a noun with the suffix
      -ск- (``relational_adjectives``): news names a place as often by its adjective ("в киевском суде",
      "римская полиция", "российской стороны") as by its name, and no stemmer relates the two.
    Other languages, prefixes and words with other characters than Cyrillic letters: none."""
    if forms == "stem" or language != RUSSIAN or not _CYRILLIC_RUN.fullmatch(word):
        return ()
    found = [word] if stem(word) != word else []
    if forms == "adjectives":
        found += [term for term in relational_adjectives(word) if term not in found and term != stem(word)]
    return tuple(found)


@functools.lru_cache(maxsize=10_000)
def relational_adjectives(word: str) -> tuple[str, ...]:
    """Stems of the adjectives formed from the noun ``word`` with -ск-, by the rules of Russian word formation
    (the suffix after the noun's stem, the nominative's ending left off): "рим" → "римский", "китай" →
    "китайский", "одесса" → "одесский" (сс + ск is written сск), "казань" → "казанский", "израиль" →
    "израильский", "германия" → "германский" and "россия" → "российский" (-ия takes -ийский or -ский). A
    candidate that is no word matches nothing; alternations ("Москва" → "московский", "Франция" →
    "французский") are not made. Words under three letters: none."""
    if len(word) < 3:
        return ()
    bases = {word} if word[-1] not in _ENDINGS else {word[:-1]}
    if word.endswith("ь"):
        bases.add(word)  # "израильский" keeps it, "казанский" does not
    if word.endswith("ия"):
        bases = {word[:-2], word[:-2] + "ий"}
    return tuple(sorted({stem(base + ("кий" if base.endswith("с") else "ский")) for base in bases}))


def pg_config(language: str | None) -> str:
    return PG_CONFIGS.get(language or "", PG_DEFAULT_CONFIG)


def alphabet(word: str) -> str:
    """The letters "did you mean" tries in a word of this script."""
    return RUSSIAN_ALPHABET if has_cyrillic(word) else "abcdefghijklmnopqrstuvwxyz"
