"""How Read also's constants were checked: a grid of ``newsdesk.search.related``'s constants (how many
neighbours widen the subject and by how much, how many stems a vector and a widened vector keep), each scored
with the pipeline's own code (``related.Pool`` and ``Index.similar_many``, no database):

1. on the Lee corpus, by five-fold cross-validation over the 50 rated stories: on each fold, the grid point
   with the best mean rating of the first three on the other 40 stories (among those whose Pearson on their
   pairs stays >= 0.60), reported on the fold's 10 held-out stories;
2. across sets (``related_quality``'s other sets): among the points whose Lee Pearson is >= 0.60 and whose
   first three are within ``LEE_NOISE`` of the grid's best, the one whose suggestions share a topic most
   often (precision of the first three) on the odd Reuters pools (1, 3, 5), reported on the even ones (2, 4,
   6) and on MEANTIME's groups.

``python -m benchmarks._tune_related`` (about ten minutes on two cores; not part of `make bench`).
"""

from __future__ import annotations

import itertools
import statistics

import numpy as np

from benchmarks import related_quality
from newsdesk.search import related

PEARSON_FLOOR = 0.60
FOLDS = 5
LEE_NOISE = 0.005
SHIPPED = {"NEIGHBOURS": 15, "WIDEN": 2.0, "VECTOR_TERMS": 100, "WIDENED_TERMS": 200}
GRID = {
    "NEIGHBOURS": (5, 10, 15),
    "WIDEN": (0.5, 1.0, 2.0),
    "VECTOR_TERMS": (60, 100, 150),
    "WIDENED_TERMS": (120, 200),
}


def stories() -> tuple[list[tuple[str, str]], int, list[list[float]]]:
    """(headline, body) of the background and then the Lee stories, as related_quality loads them."""
    lee, background, ratings = related_quality.lee_corpus()
    texts = []
    for text in background + lee:
        first, *rest = related_quality._SENTENCE.split(" ".join(text.split()), maxsplit=1)
        texts.append((first[:300], rest[0] if rest else ""))
    return texts, len(background), ratings


class constants_set:
    """``related``'s constants set to these values inside the block."""

    def __init__(self, values: dict):
        self.values, self.saved = values, {name: getattr(related, name) for name in values}

    def __enter__(self):
        for name, value in self.values.items():
            setattr(related, name, value)

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            setattr(related, name, value)


def lee_scores(texts, first_lee: int, constants: dict) -> list[dict[int, float]]:
    """scores[i][j]: the pipeline's closeness of Lee story j to story i with these constants."""
    with constants_set(constants):
        pool = related.Pool()
        pool.sync(
            dict.fromkeys(range(len(texts)), 1),
            lambda ids: {i: (related.bag(texts[i][0], "", texts[i][1]), frozenset()) for i in ids},
            now=0.0,
        )
        subjects = list(range(first_lee, len(texts)))
        keys, scores = pool.index.similar_many([(pool.vector(pool.bags[i], member=i), i) for i in subjects])
        found, scores = np.asarray(keys), scores.tocsr()
        return [
            {key - first_lee: s for key, s in related.best_of(scores, row, found, None) if key >= first_lee}
            for row in range(len(subjects))
        ]


def first_three(scores, ratings, subjects) -> float:
    n = len(ratings)
    return statistics.fmean(
        statistics.fmean(
            ratings[i][j]
            for j in sorted(
                (j for j in range(n) if j != i), key=lambda j: (-round(scores[i].get(j, 0.0), 9), -j)
            )[:3]
        )
        for i in subjects
    )


def pearson(scores, ratings, subjects) -> float:
    chosen, n = set(subjects), len(ratings)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if i in chosen or j in chosen]
    ours = [(scores[i].get(j, 0.0) + scores[j].get(i, 0.0)) / 2 for i, j in pairs]
    return related_quality.pearson(ours, [ratings[i][j] for i, j in pairs])


def main() -> None:
    texts, first_lee, ratings = stories()
    n = len(ratings)
    folds = [
        ([i for i in range(n) if i % FOLDS != f], [i for i in range(n) if i % FOLDS == f])
        for f in range(FOLDS)
    ]
    sets = [related_quality.meantime_groups(), *related_quality.reuters_pools()]
    rows = []
    for values in itertools.product(*GRID.values()):
        constants = dict(zip(GRID, values, strict=True))
        scores = lee_scores(texts, first_lee, constants)
        with constants_set(constants):
            shares = [
                related_quality.precision(
                    related_quality.read_also_lists(found, subjects), subjects, labels, 3
                )
                for _, found, subjects, labels in sets
            ]
        rows.append(
            {
                "constants": constants,
                "meantime": shares[0],
                "tune_pools": statistics.fmean(shares[1::2]),
                "held_pools": statistics.fmean(shares[2::2]),
                "all": (first_three(scores, ratings, range(n)), pearson(scores, ratings, range(n))),
                "folds": [
                    (
                        first_three(scores, ratings, tune),
                        pearson(scores, ratings, tune),
                        first_three(scores, ratings, held),
                    )
                    for tune, held in folds
                ],
            }
        )
    shipped = next(row for row in rows if row["constants"] == SHIPPED)
    print(f"shipped {SHIPPED}: first three {shipped['all'][0]:.3f}, Pearson {shipped['all'][1]:.3f}")
    best = sorted((r for r in rows if r["all"][1] >= PEARSON_FLOOR), key=lambda r: -r["all"][0])[:5]
    print("best on all 50 (not a held-out figure):")
    for row in best:
        print(f"  first three {row['all'][0]:.3f}, Pearson {row['all'][1]:.3f}  {row['constants']}")
    chosen, kept = [], []
    for f in range(FOLDS):
        allowed = [r for r in rows if r["folds"][f][1] >= PEARSON_FLOOR]
        pick = max(allowed, key=lambda r: (r["folds"][f][0], r["folds"][f][1]))
        chosen.append(pick["folds"][f][2])
        kept.append(shipped["folds"][f][2])
        print(
            f"  fold {f}: chosen {pick['constants']}, held-out first three {chosen[-1]:.3f} (shipped {kept[-1]:.3f})"
        )
    print(
        f"held-out first three over {FOLDS} folds: chosen by the grid {statistics.fmean(chosen):.3f}, "
        f"shipped {statistics.fmean(kept):.3f}"
    )
    lee_best = max(r["all"][0] for r in rows if r["all"][1] >= PEARSON_FLOOR)
    allowed = [r for r in rows if r["all"][1] >= PEARSON_FLOOR and r["all"][0] >= lee_best - LEE_NOISE]
    pick = max(allowed, key=lambda r: r["tune_pools"])
    print("across sets (Reuters topics' first three on pools 1, 3, 5; reported on 2, 4, 6 and MEANTIME):")
    for name, row in (("chosen", pick), ("shipped", shipped)):
        print(
            f"  {name} {row['constants']}: Lee first three {row['all'][0]:.3f}, Pearson {row['all'][1]:.3f}; "
            f"Reuters tune {row['tune_pools']:.3f}, held-out {row['held_pools']:.3f}; MEANTIME {row['meantime']:.3f}"
        )


if __name__ == "__main__":
    main()
