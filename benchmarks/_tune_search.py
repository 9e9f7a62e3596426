"""How the ranking's weights were chosen: a grid of field weights, then of second-stage weights, each measured
on SQLite (``search_quality``'s worker: ``search_articles`` over the judged sets), chosen on the tune halves of
all six sets together and checked by leaving one set out.

``python -m benchmarks._tune_search [fields|rerank|postgres|russian|coordination|length]`` (a few minutes
each on two cores; not part of `make bench`); ``length``: the second stage's weight of a subject query's
length share (``rerank.length_share``), on both engines, English and Russian sets; ``postgres``: PostgreSQL's rank (BM25's k1 and b over each word group's
``ts_rank_cd``, and the ``ts_rank`` rank before it), measured on PostgreSQL; ``russian``: what a Russian query word is looked
for as besides its stem (``RUSSIAN_FORMS``: nothing, the whole word, and the adjectives made of it), on both
engines, over the Russian sets and the English Wikinews set (which it must leave as it is); ``coordination``:
the fallback counting the query's words a story has by their idf, or each as one, on both engines. The objective is the
mean over the sets of nDCG@10 / BM25's, each capped at +10 %, so that no
one set's gain pays for another's loss. Leave-one-set-out: for each set, the weights the other five choose,
reported on that set's held-out half — how the choice carries to a kind of query it never saw.
``BENCH_QUALITY_KEEP=DIR`` keeps the databases between runs.
"""

from __future__ import annotations

import itertools
import statistics
import sys

from benchmarks import search_quality
from benchmarks._judged import REPORTED_ONLY, SETS

CAP = 1.10
# What ``fields`` chose (2026-12-04; docs/search-decisions.md), the base of the ``rerank`` grid.
CHOSEN_FIELDS = {"headline": 3.0, "lead": 1.0, "body": 1.0}


def field_grid() -> dict[str, dict]:
    grid = {}
    for headline, lead in itertools.product((1.0, 2.0, 3.0), (0.5, 1.0, 2.0)):
        grid[f"headline {headline:g} lead {lead:g}"] = {
            "FIELD_WEIGHTS": {"headline": headline, "lead": lead, "body": 1.0}
        }
    return grid


def rerank_grid(fields: dict) -> dict[str, dict]:
    combos = [(h, o, 0.2) for h in (0.0, 0.25, 0.5) for o in (0.1, 0.3)] + [
        (0.25, 0.1, 0.0),
        (0.25, 0.1, 0.4),
    ]
    return {
        f"rerank h {h:g} o {o:g} p {p:g}": {**fields, "RERANK": {"headline": h, "opening": o, "proximity": p}}
        for h, o, p in combos
    }


def postgres_grid() -> dict[str, dict]:
    """PostgreSQL's rank: BM25's k1 and b over ts_rank_cd's weighted occurrences (the default), and the
    ts_rank rank it replaced with the exponent of its length normalization (0: none, 1: over 1 + ln of the
    length)."""
    grid = {
        f"bm25 k1 {k1:g} b {b:g}": {"TERM_FREQUENCY": "bm25", "BM25_K1": k1, "BM25_B": b}
        for k1, b in ((1.2, 0.75), (1.2, 0.9), (1.2, 1.0), (0.9, 0.9), (2.0, 0.75))
    }
    return grid | {
        f"ts_rank length {a:g}": {"TERM_FREQUENCY": "ts_rank", "LENGTH_NORMALIZATION": a} for a in (0.25, 0.5)
    }


def russian_grid() -> dict[str, dict]:
    return {f"russian forms {forms}": {"RUSSIAN_FORMS": forms} for forms in ("stem", "whole", "adjectives")}


def objective(rows: dict[str, dict], reference: dict[str, dict], sets, split: str) -> float:
    return statistics.fmean(min(rows[s][split] / reference[s][split], CAP) for s in sets)


def choose(result: dict, engine: str = "sqlite") -> None:
    rows, reference = {}, {}
    for data in result["corpora"].values():
        reference |= data["bm25"]
        for name, table in data["engines"][engine].items():
            rows.setdefault(name, {}).update(table["scores"])
    sets = [s for s in SETS if s in reference and s not in REPORTED_ONLY]
    ranked = sorted(rows, key=lambda name: -objective(rows[name], reference, sets, "tune"))
    print("\nobjective on the tune halves (mean over sets of nDCG@10 / BM25, capped at +10 %):")
    for name in ranked:
        cells = " ".join(
            f"{s.split('-')[-1][:8]} {rows[name][s]['tune'] / reference[s]['tune'] - 1:+.1%}" for s in sets
        )
        print(f"  {objective(rows[name], reference, sets, 'tune'):.4f}  {name:<34} {cells}")
    best = ranked[0]
    print(f"\nchosen on all tune halves: {best}; its held-out halves:")
    for s in sets:
        print(f"  {s:<18} {rows[best][s]['held-out']:.3f} vs BM25 {reference[s]['held-out']:.3f} "
              f"({rows[best][s]['held-out'] / reference[s]['held-out'] - 1:+.1%})")  # fmt: skip
    print("\nleave one set out (chosen on the other sets' tune halves; this set's held-out half):")
    for left in sets:
        others = [s for s in sets if s != left]
        pick = max(rows, key=lambda name: objective(rows[name], reference, others, "tune"))
        ours, theirs = rows[pick][left]["held-out"], reference[left]["held-out"]
        print(f"  {left:<18} {pick:<34} {ours:.3f} vs BM25 {theirs:.3f} ({ours / theirs - 1:+.1%})")


def main() -> None:
    stage = (sys.argv[1:2] or ["fields"])[0]
    if stage == "postgres":
        choose(search_quality.run(["postgres"], postgres_grid()), "postgres")
        return
    if stage == "coordination":
        grid = {f"idf coordination {on}": {"IDF_COORDINATION": on} for on in (False, True)}
        result = search_quality.run(["sqlite", "postgres"], grid)
        for engine in ("sqlite", "postgres"):
            print(f"\n== {engine}")
            choose(result, engine)
        return
    if stage == "length":
        grid = {f"length {w:g}": {"RERANK": {"length": w}} for w in (0.0, 0.4, 0.6)}
        for corpora in (("news", "wikinews"), ("nerel",)):
            result = search_quality.run(["sqlite", "postgres"], grid, corpora)
            for engine in ("sqlite", "postgres"):
                print(f"\n== {engine}, {' and '.join(corpora)}")
                choose(result, engine)
        return
    if stage == "russian":
        result = search_quality.run(["sqlite", "postgres"], russian_grid(), ("wikinews", "nerel"))
        for engine in ("sqlite", "postgres"):
            print(f"\n== {engine}")
            choose(result, engine)
        return
    grid = field_grid() if stage == "fields" else rerank_grid({"FIELD_WEIGHTS": CHOSEN_FIELDS})
    result = search_quality.run(["sqlite"], grid)
    choose(result)


if __name__ == "__main__":
    main()
