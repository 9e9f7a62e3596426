"""How close two stories are, for "Read also": TF-IDF vectors over the whole text (headline, lead and body),
compared by cosine, a story's vector widened by its nearest neighbours, shared persons and topics on top.

Measured against human judgement on the Lee corpus (50 news stories, every pair rated by people) and on three
sets of stories that share a label (Reuters-21578 topics, MEANTIME's story groups, NEREL's Russian names;
docs/search.md, benchmarks/related_quality.py):
- words are Snowball-stemmed, Russian ones with Russian stems (as both engines index them); stop words of
  both languages and words of fewer than three letters are dropped; a stem's weight is (1 + log tf) ×
  log(1 + N / df) over the stories compared (the selectors: the newest stories the site has published), and
  a stem that no other story has is dropped (it can only add to the length of the vector);
- N and df count, beside the stories compared, ``PRIOR_STORIES`` stories of general text, in which a word
  is as common as wordfreq says it is in English or Russian: a small site's few stories cannot tell a common
  word ("government") from a rare one ("whale") that two of them happen to share;
- the subject's vector is widened with its ``NEIGHBOURS`` closest stories (weighted by closeness, ``WIDEN``):
  two stories about the same event often share fewer words with each other than with a third one.
The constants were chosen across the sets (``benchmarks._tune_related``); an extra weight for names
(capitalised words), which Lee's ratings had favoured, cost the Reuters topics what it gained there.
Pure functions over text and counts; the selectors read the stories and the counts.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import Stemmer
from scipy import sparse

from .analysis import RUSSIAN_STOPWORDS, fold, has_cyrillic, index_form
from .analysis import stem as russian_stem
from .query import STOPWORDS

Vector = dict[str, float]
NEIGHBOURS, WIDEN = 15, 2.0
# A story's vector keeps its heaviest stems (a long story has hundreds; comparing is then a few thousand
# steps, not a hundred thousand), the widened subject its heaviest of the sum.
VECTOR_TERMS, WIDENED_TERMS = 100, 200
# The prior: as many stories of general text as the pipeline's pool holds, each of ``STORY_WORDS`` words, so a
# word's expected share of them is STORY_WORDS x its frequency (wordfreq's "small" lists: the words at least
# one in a million, 29,000 English and 61,000 Russian; a word missing from them counts as rare).
PRIOR_STORIES, STORY_WORDS = 3_000, 300
# Words that say nothing about a news story (PostgreSQL's English and Russian stop words, plus the agency's own
# English verbs).
_STOP = (
    STOPWORDS
    | RUSSIAN_STOPWORDS
    | frozenset("said says also would could one two new year years last mr mrs ms per cent".split())
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_STEMMER = Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return _STEMMER.stemWord(word)  # PyStemmer keeps its own cache of recent words


def stems(found: list[str]) -> list[str]:
    return _STEMMER.stemWords(found)


def words(text: str) -> list[str]:
    """A text's words as the index reads them ("ﬁnance" is "finance"), less stop words."""
    return [w for w in (fold(m) for m in _WORD.findall(index_form(text))) if w not in _STOP]


def bag(*texts: str) -> tuple[Counter[str], dict[str, str]]:
    """A story's stems with their counts, and each stem's most frequent surface word (what to search for)."""
    surface: Counter[str] = Counter()
    for text in texts:
        surface.update(words(text))
    counts: Counter[str] = Counter()
    forms: dict[str, tuple[int, str]] = {}
    found = list(surface)
    roots = _STEMMER.stemWords(found)
    if any(has_cyrillic(text) for text in texts):
        roots = [russian_stem(w) if has_cyrillic(w) else root for w, root in zip(found, roots, strict=True)]
    for (word, count), root in zip(surface.items(), roots, strict=True):
        counts[root] += count
        if count > forms.get(root, (0, ""))[0]:
            forms[root] = (count, word)
    return counts, {root: word for root, (_, word) in forms.items()}


@functools.cache
def _frequencies() -> dict[str, float]:
    """Each stem's frequency in general text, the sum of its forms' in wordfreq's English and Russian lists
    (the stems of the two alphabets never meet). Built once per process when Read also is first asked (0.5 s):
    the library is imported then, not by every process that imports this module, and its own copies of the
    lists are let go; stemmed by stemmers of their own, so the 90,000 words leave the shared caches alone."""
    import wordfreq

    found: Counter[str] = Counter()
    for language, keep in (("en", lambda w: w.isalpha() and not has_cyrillic(w)), ("ru", has_cyrillic)):
        pairs = [
            (word, frequency)
            for word, frequency in (
                (fold(w), f) for w, f in wordfreq.get_frequency_dict(language, wordlist="small").items()
            )
            if keep(word)
        ]
        stemmer = Stemmer.Stemmer("english" if language == "en" else "russian", 0)
        for (word, frequency), root in zip(pairs, stemmer.stemWords([w for w, _ in pairs]), strict=True):
            found[root or word] += frequency  # type: ignore[assignment]
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return dict(found)


def general_share(root: str) -> float:
    """The share of general stories of ``STORY_WORDS`` words that have a word of this stem."""
    return min(1.0, STORY_WORDS * _frequencies().get(root, 0.0))


def vector_of(story: tuple, df: Mapping[str, int], total: int) -> Vector:
    """The unit TF-IDF vector of a story's ``bag`` (its ``VECTOR_TERMS`` heaviest stems); ``df``: how many
    of the ``total`` stories (the story among them) have each stem; the prior's stories count beside them."""
    weights = {}
    stories, general = total + PRIOR_STORIES, _frequencies()
    for root, count in story[0].items():
        found = df.get(root, 1)
        if found <= 1:
            continue  # no other story has it
        share = found + PRIOR_STORIES * min(1.0, STORY_WORDS * general.get(root, 0.0))
        weights[root] = (1 + math.log(count)) * math.log(1 + stories / share)
    return unit(heaviest(weights, VECTOR_TERMS))


def heaviest(weights: Mapping[str, float], n: int) -> Mapping[str, float]:
    if len(weights) <= n:
        return weights
    return dict(sorted(weights.items(), key=lambda item: -item[1])[:n])


def top_words(story: tuple, vec: Vector, n: int) -> list[str]:
    """The surface words of the ``n`` stems that weigh most in the story's vector (what to search for)."""
    forms = story[1]
    return [forms[root] for root, _ in sorted(vec.items(), key=lambda item: -item[1])[:n]]


def unit(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / norm for term, w in weights.items() if w > 0}


def cosine(a: Vector, b: Vector) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def widened(subject: Vector, neighbours: Iterable[tuple[float, Vector]]) -> Vector:
    """``subject`` plus ``WIDEN`` × each neighbour's vector weighted by its closeness (the ``NEIGHBOURS``
    closest are given), as a unit vector."""
    total = dict(subject)
    for closeness, other in neighbours:
        for term, w in other.items():
            total[term] = total.get(term, 0.0) + WIDEN * closeness * w
    return unit(heaviest(total, WIDENED_TERMS))


class Index:
    """Vectors of a pool of stories with their postings, to score one subject against all of them in time
    proportional to the postings of its own words, not to the pool (``similar``), or many subjects at once as
    sparse matrix products (``similar_many``: what the publishing pipeline asks, a batch of stories; the same
    scores in a hundredth of the time). Stories come and go one by one."""

    def __init__(self, vectors: Mapping[int, Vector] | None = None):
        self.vectors: dict[int, Vector] = {}
        self.postings: dict[str, dict[int, float]] = {}
        self._columns: dict[
            str, int
        ] = {}  # term -> column of the matrices (only grows: a rebuilt pool resets it)
        self._matrix: tuple[list[int], sparse.csr_matrix] | None = (
            None  # (row keys, rows), None: changed since
        )
        for key, vec in (vectors or {}).items():
            self.add(key, vec)

    def add(self, key: int, vec: Vector) -> None:
        self.remove(key)
        self.vectors[key] = vec
        self._matrix = None
        for term, w in vec.items():
            self.postings.setdefault(term, {})[key] = w

    def remove(self, key: int) -> None:
        if key in self.vectors:
            self._matrix = None
        for term in self.vectors.pop(key, {}):
            found = self.postings.get(term)
            if found is not None:
                found.pop(key, None)
                if not found:
                    del self.postings[term]

    def scores(self, subject: Vector, *, skip: int | None = None) -> Counter[int]:
        found: Counter[int] = Counter()
        for term, w in subject.items():
            for key, other in self.postings.get(term, {}).items():
                # Float counts, as Python's documentation allows; typeshed types a Counter's values as int.
                found[key] += w * other  # type: ignore[assignment]
        if skip is not None:
            found.pop(skip, None)
        return found

    def similar(self, subject: Vector, *, skip: int | None = None) -> Counter[int]:
        """Cosine of the subject widened by its ``NEIGHBOURS`` closest in the pool, with every story of it."""
        first = self.scores(subject, skip=skip)
        near = [(score, self.vectors[key]) for key, score in first.most_common(NEIGHBOURS) if score > 0]
        return self.scores(widened(subject, near), skip=skip) if near else first

    def similar_many(self, subjects: list[tuple[Vector, int | None]]) -> tuple[list[int], sparse.csr_matrix]:
        """``similar`` for each (subject, skip), in one pass of matrix products over the pool: the pool's keys,
        and a matrix of scores with a row per subject and a column per key (zero: no closeness)."""
        keys, pool = self._pool_matrix()
        if not subjects or not keys:
            return keys, sparse.csr_matrix((len(subjects), len(keys)))
        position = {key: row for row, key in enumerate(keys)}
        queries = self._rows([vec for vec, _ in subjects])
        pool = _widths(pool, queries.shape[1])
        skips = [None if skip is None else position.get(skip) for _, skip in subjects]
        first = _without(queries @ pool.T, skips)
        # Each subject widened by its NEIGHBOURS closest: subject + WIDEN x closeness x their vectors.
        near = _nearest(first, NEIGHBOURS)
        total = (queries + WIDEN * (near @ pool)).tocsr()
        second = _without(_unit_rows(_heaviest_rows(total, WIDENED_TERMS)) @ pool.T, skips)
        alone = np.diff(near.indptr) == 0  # no neighbour: the first scores stand
        if alone.any():
            second = sparse.diags((~alone).astype(float)) @ second + sparse.diags(alone.astype(float)) @ first
        return keys, second.tocsr()

    def _pool_matrix(self) -> tuple[list[int], sparse.csr_matrix]:
        if self._matrix is None:
            keys = list(self.vectors)
            self._matrix = (keys, self._rows([self.vectors[key] for key in keys]))
        return self._matrix

    def _rows(self, vectors: list[Vector]) -> sparse.csr_matrix:
        columns, indices, data, indptr = self._columns, [], [], [0]
        for vec in vectors:
            for term, w in vec.items():
                indices.append(columns.setdefault(term, len(columns)))
                data.append(w)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(vectors), max(len(columns), 1)),
        )


def _widths(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    """The matrix with ``columns`` columns (terms seen since it was made have none of its weight)."""
    if matrix.shape[1] == columns:
        return matrix
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns))


def _without(scores: sparse.spmatrix, skips: list[int | None]) -> sparse.csr_matrix:
    """Scores (subjects x pool) without each subject's own story."""
    scores = scores.tocsr()
    for row, column in enumerate(skips):
        if column is not None:
            start, end = scores.indptr[row], scores.indptr[row + 1]
            scores.data[start:end][scores.indices[start:end] == column] = 0.0
    scores.eliminate_zeros()
    return scores


def _nearest(scores: sparse.csr_matrix, n: int) -> sparse.csr_matrix:
    """Each row's ``n`` highest positive scores (the rest zero)."""
    rows, cols, data = [], [], []
    for row in range(scores.shape[0]):
        start, end = scores.indptr[row], scores.indptr[row + 1]
        values = scores.data[start:end]
        if not len(values):
            continue
        best = np.argpartition(-values, n)[:n] if len(values) > n else np.arange(len(values))
        best = best[values[best] > 0]
        rows.extend([row] * len(best))
        cols.extend(scores.indices[start:end][best].tolist())
        data.extend(values[best].tolist())
    return sparse.csr_matrix((data, (rows, cols)), shape=scores.shape)


def _heaviest_rows(matrix: sparse.csr_matrix, n: int) -> sparse.csr_matrix:
    """Each row's ``n`` heaviest positive entries (``heaviest`` per row)."""
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values = matrix.data[start:end]
        if end - start > n:
            values[np.argpartition(-values, n)[n:]] = 0.0
        values[values < 0] = 0.0
    matrix.eliminate_zeros()
    return matrix


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


def best_of(
    scores: sparse.csr_matrix, row: int, keys: np.ndarray, limit: int | None
) -> list[tuple[int, float]]:
    """A row of ``similar_many``'s scores as (key, score), best first, ties (to nine decimals) the higher key
    first; only the first ``limit``. ``keys``: the pool's keys as an array."""
    start, end = scores.indptr[row], scores.indptr[row + 1]
    values, found = scores.data[start:end], keys[scores.indices[start:end]]
    if limit is not None and len(values) > limit:
        # Only what can be among the first ``limit``: at least the limit-th best score, less a hair.
        floor = np.partition(values, len(values) - limit)[len(values) - limit] - 1e-9
        keep = values >= floor
        values, found = values[keep], found[keep]
    order = np.lexsort((-found, -np.round(values, 9)))[:limit]
    return list(zip(found[order].tolist(), values[order].tolist(), strict=True))


class Pool:
    """The stories compared against (the newest ones a site has published), kept up to date one story at a
    time: their stems' document frequencies, their vectors and the index. A story's vector is computed with
    the frequencies of when it joined; all are computed again after ``REFRESH_SECONDS`` or when most of the
    pool has changed, so the cost of keeping it follows what was published, not the pool."""

    REFRESH_SECONDS = 600.0

    def __init__(self) -> None:
        self._empty()

    def _empty(self) -> None:
        self.versions: dict[int, object] = {}
        self.bags: dict[int, tuple] = {}
        self.tags: dict[int, frozenset] = {}
        self.by_tag: dict[object, set[int]] = {}
        self.df: Counter[str] = Counter()
        self.index = Index()
        self.built = -math.inf

    @property
    def total(self) -> int:
        return len(self.versions)

    def sync(self, current: Mapping[int, object], load, *, now: float) -> None:
        """Make the pool ``current`` ({story id: version}); ``load(ids)`` gives {id: (bag, tags)} of stories
        that joined or changed."""
        changed = [pk for pk, version in current.items() if self.versions.get(pk) != version]
        gone = [pk for pk in self.versions if pk not in current]
        if now - self.built > self.REFRESH_SECONDS or len(changed) + len(gone) > len(current) // 2:
            self._empty()
            self.built = now
            changed, gone = list(current), []
        for pk in [*gone, *changed]:
            self._drop(pk)
        loaded = load(changed) if changed else {}
        for pk in changed:
            bag, tags = loaded.get(pk, (None, frozenset()))
            if bag is not None:
                self.versions[pk], self.bags[pk], self.tags[pk] = current[pk], bag, tags
                self.df.update(bag[0].keys())
                for tag in tags:
                    self.by_tag.setdefault(tag, set()).add(pk)
        for pk in changed:
            if pk in self.bags:
                self.index.add(pk, vector_of(self.bags[pk], self.df, self.total))

    def _drop(self, pk: int) -> None:
        if pk not in self.versions:
            return
        del self.versions[pk]
        self.df.subtract(self.bags.pop(pk)[0].keys())
        for tag in self.tags.pop(pk, ()):
            self.by_tag.get(tag, set()).discard(pk)
        self.index.remove(pk)

    def vector(self, bag: tuple, *, member: int | None = None) -> Vector:
        """A story's vector: the pool's own for a member; for another, with the pool's frequencies and the
        story itself counted."""
        if member in self.index.vectors:
            return self.index.vectors[member]
        df = {root: self.df.get(root, 0) + 1 for root in bag[0]}
        return vector_of(bag, df, self.total + 1)
