"""Search quality (`make bench`): nDCG@10 of Newsdesk's search beside plain BM25 on six judged sets built from
material the ranking was never tuned on before (``benchmarks/_judged.py``: Reuters-21578 topics, places,
organisations/exchanges and people labels, known-item searches in eight other outlets' articles, and
Wikinews gold entities), each reported on its tune half and its held-out half.

- **Newsdesk**: ``search_articles`` (what the page and ``GET /api/v1/search`` call: the freshness check, the
  statement, the candidate bound, the ranking), top 10, on SQLite FTS5 and on PostgreSQL, each in its own
  process on a throwaway database.
- **BM25**: tantivy 0.27 (Lucene's BM25, k1 1.2, b 0.75), English stemming, headline, lead and body as fields
  of equal weight, the query's words ORed (tantivy's default) — the textbook baseline, on the same stories.

The search runs a year after the newest story of the corpus: labels judge what a story is about, not how new it
is, so the recency boost (which only lifts the last weeks) does not enter the comparison. ``unbounded``: every
match scored, not only the newest ``CANDIDATES`` (what the bound costs); ``as before``: the ranking this one
replaced, measured the same way. nDCG@10 with binary gains; a query with no relevant
story in the index is left out (none is, by construction).

The Russian sets (``nerel``: NEREL's Russian Wikinews people, organisations and places) are loaded as Russian
articles and searched in the Russian edition; their BM25 stems with tantivy's Russian Snowball stemmer.

``python -m benchmarks.search_quality [sqlite] [postgres] [news] [wikinews] [nerel]`` runs it (all by default); results
go to ``var/bench/search-quality.json``. ``BENCH_QUALITY_KEEP=DIR`` keeps the SQLite databases there and reuses
them (for repeated runs while tuning; delete it after changing what is indexed).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.search_bench import ROOT

AT_GAP = dt.timedelta(days=365)
# Options of the default back end per configuration; "newsdesk" is the back end as shipped, "as before" the
# ranking this one replaced (headline ×10, lead ×5, no second stage, no any-words fallback).
CONFIGS = {"newsdesk": {}}
DIAGNOSTICS = {
    "unbounded": {"CANDIDATES": 10**9},  # every match scored: what the candidate bound costs
    "as before": {
        "FIELD_WEIGHTS": {"headline": 10.0, "lead": 5.0, "keywords": 3.0, "body": 1.0},
        "RERANK": {"depth": 0},
        "ANY_WORDS": False,
    },
}


def ndcg_at_10(ranked: list[str], relevant: frozenset[str] | set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:10]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal if ideal else 0.0


# Loading a corpus ------------------------------------------------------------------------------------------
def _section(language: str):
    from newsdesk.news.models import Section

    if language == "en":
        return Section.objects.get(slug="economy")
    defaults = {"name": "Экономика"}  # the edition's own section (docs/editions.md)
    return Section.objects.get_or_create(slug=f"economy-{language}", language=language, defaults=defaults)[0]


def load_stories(stories, language: str = "en") -> dict[int, str]:
    """The stories as published articles of the ``language`` edition (one section, no persons or topics: labels
    are never indexed); returns article id -> story key."""
    from django.db import connection
    from django.utils.html import escape

    from newsdesk.news.models import Article
    from newsdesk.search.services import search_rebuild

    section = _section(language)
    articles = Article.objects.bulk_create(
        [
            Article(
                headline=s.headline[:300], slug=f"judged-{n}", guid=s.key, public_id=n + 1, lead=s.lead[:300],
                body="".join(f"<p>{escape(p)}</p>" for p in s.paragraphs), section=section,
                status=Article.Status.PUBLISHED, publish_at=s.published, first_published_at=s.published,
                language=language,
            )
            for n, s in enumerate(stories)
        ],
        batch_size=2000,
    )  # fmt: skip
    with connection.cursor() as cursor:  # an imported archive: last modified when published
        cursor.execute("UPDATE news_article SET modified_at = publish_at")
    search_rebuild(batch_size=1000)  # which brings PostgreSQL's statistics up to date, as users get it
    return {a.pk: s.key for a, s in zip(articles, stories, strict=True)}


def keys_by_id() -> dict[int, str]:
    from newsdesk.news.models import Article

    return dict(Article.objects.values_list("pk", "guid"))


def apply_options(base: dict, options: dict) -> None:
    """The default back end with ``options`` over its configured ones."""
    from django.conf import settings

    from newsdesk.search.backends import reset_backend

    settings.SEARCH_BACKENDS["default"]["OPTIONS"] = {**base, **options}
    reset_backend()


def rankings(
    queries, keys: dict[int, str], *, at: dt.datetime, language: str = "en"
) -> tuple[list[list[str]], list[float]]:
    from newsdesk.search.selectors import search_articles

    ranked, seconds = [], []
    for query in queries:
        started = time.perf_counter()
        hits = search_articles(q=query.q, per_page=10, at=at, facets=False, language=language).hits
        seconds.append(time.perf_counter() - started)
        ranked.append([keys[h.article.pk] for h in hits])
    return ranked, seconds


def corpus_at(stories, when: str) -> dt.datetime:
    newest = max(s.published for s in stories)
    return newest + (dt.timedelta(days=1) if when == "fresh" else AT_GAP)


def _worker(engine: str, corpus: str, configs: dict) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks import _judged

    judged = _judged.build((corpus,))
    stories, queries = judged.corpora[corpus], judged.queries[corpus]
    language = _judged.LANGUAGES.get(corpus, "en")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    keys = keys_by_id() if _kept_and_loaded(stories) else load_stories(stories, language)
    load_s = time.perf_counter() - started
    out = {"engine": engine, "corpus": corpus, "docs": len(stories), "load_s": load_s, "configs": {}}
    base = dict(settings.SEARCH_BACKENDS["default"].get("OPTIONS", {}))
    for name, options in configs.items():
        options = dict(options)
        at = corpus_at(stories, options.pop("at", "archive"))
        apply_options(base, options)
        rankings(queries[:20], keys, at=at, language=language)  # warm the caches
        ranked, seconds = rankings(queries, keys, at=at, language=language)
        out["configs"][name] = {"ranked": ranked, "ms": [1000 * s for s in seconds]}
    return out


def _kept_and_loaded(stories) -> bool:
    """A kept database (``BENCH_QUALITY_KEEP``, for repeated tuning runs) that holds these stories already."""
    from newsdesk.news.models import Article

    return bool(os.environ.get("BENCH_QUALITY_KEEP")) and Article.objects.count() == len(stories)


# BM25 reference ---------------------------------------------------------------------------------------------
def bm25_rankings(stories, queries, language: str = "en") -> list[list[str]]:
    """``language`` "ru": words stemmed by Snowball's Russian stemmer (tantivy's, as its en_stem: the simple
    tokenizer, long words dropped, lower case), the textbook baseline for Russian."""
    import re

    import tantivy

    tokenizer = "ru_stem" if language == "ru" else "en_stem"
    builder = tantivy.SchemaBuilder()
    for name in ("headline", "lead", "body"):
        builder.add_text_field(name, tokenizer_name=tokenizer)
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    schema = builder.build()
    with tempfile.TemporaryDirectory() as path:
        index = tantivy.Index(schema, path=path)
        if language == "ru":
            analyzer = (
                tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.stemmer("russian"))
                .build()
            )
            index.register_tokenizer("ru_stem", analyzer)
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for story in stories:
            writer.add_document(
                tantivy.Document(
                    key=story.key, headline=story.headline, lead=story.lead, body=" ".join(story.paragraphs)
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        searcher = index.searcher()
        ranked = []
        for query in queries:
            words = " ".join(re.findall(r"[^\W_]+", query.q))  # words only: no query-parser syntax
            parsed = index.parse_query(words, ["headline", "lead", "body"])
            hits = searcher.search(parsed, 10).hits
            ranked.append([searcher.doc(address)["key"][0] for _, address in hits])
        return ranked


# Scoring and the report --------------------------------------------------------------------------------------
def scores(queries, ranked: list[list[str]]) -> dict[str, dict]:
    """set -> "tune"/"held-out"/"all" and "set|kind" rows -> mean nDCG@10; "zero" counts empty result lists;
    "values": each query's nDCG@10, in the queries' order (for ``gain_interval``)."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    zero: dict[str, int] = defaultdict(int)
    for query, found in zip(queries, ranked, strict=True):
        value = ndcg_at_10(found, query.relevant)
        for group in (query.split, "all", f"kind:{query.kind}"):
            groups[(query.set, group)].append(value)
        zero[query.set] += not found
    table: dict[str, dict] = defaultdict(dict)
    for (set_name, group), values in groups.items():
        table[set_name][group] = statistics.fmean(values)
        table[set_name][f"n:{group}"] = len(values)
        if group == "all":
            table[set_name]["values"] = values
    for set_name, count in zero.items():
        table[set_name]["zero"] = count
    return dict(table)


# Resamples of the paired bootstrap: the interval's ends move by about 0.1 point between seeds at 2,000.
BOOTSTRAP = 2_000


def gain_interval(ours: list[float], reference: list[float], level: float = 0.95) -> tuple[float, float]:
    """The ``level`` interval of the gain over the reference (mean nDCG@10 / the reference's - 1), the queries
    resampled with replacement, both rankings' values of a query together (a paired bootstrap, seeded, so a
    report is the same each run): how far the gain may move on other queries of the same kind, which is what
    an outside check asks."""
    import numpy as np

    mine, theirs = np.asarray(ours, dtype=float), np.asarray(reference, dtype=float)
    if not len(mine) or not theirs.sum():
        return 0.0, 0.0
    picks = np.random.default_rng(0).integers(0, len(mine), (BOOTSTRAP, len(mine)))
    gains = mine[picks].sum(axis=1) / np.maximum(theirs[picks].sum(axis=1), 1e-12) - 1
    low, high = np.quantile(gains, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def report(result: dict) -> str:
    from benchmarks._judged import SETS

    lines = []
    for corpus, data in result["corpora"].items():
        lines.append(f"\ncorpus {corpus}: {data['docs']:,} stories; nDCG@10 tune / held-out / all (queries)")
        reference = data["bm25"]
        for set_name in [s for s in SETS if s in reference]:
            ref = reference[set_name]
            lines.append(
                f"  {set_name:<18} BM25 (tantivy)  {ref['tune']:.3f} / {ref['held-out']:.3f} / {ref['all']:.3f}"
                f"  ({int(ref['n:tune'])}+{int(ref['n:held-out'])}) zero results {int(ref['zero'])}"
            )
            for engine, configs in data["engines"].items():
                for name, table in configs.items():
                    row = table["scores"][set_name]
                    gain = row["all"] / ref["all"] - 1 if ref["all"] else 0.0
                    low, high = gain_interval(row["values"], ref["values"])
                    lines.append(
                        f"  {'':<18} {engine + ' ' + name:<15} {row['tune']:.3f} / {row['held-out']:.3f} / "
                        f"{row['all']:.3f}  {gain:+.1%} vs BM25 (95 % interval {low:+.1%} to {high:+.1%}); "
                        f"zero results {int(row['zero'])}; "
                        f"p50/p95 {table['p50']:.1f}/{table['p95']:.1f} ms"
                    )
            kinds = sorted(k.removeprefix("kind:") for k in ref if k.startswith("kind:"))
            if len(kinds) > 1:
                for kind in kinds:
                    cells = [f"BM25 {ref['kind:' + kind]:.3f}"] + [
                        f"{engine} {name} {table['scores'][set_name]['kind:' + kind]:.3f}"
                        for engine, configs in data["engines"].items()
                        for name, table in configs.items()
                    ]
                    lines.append(f"  {'':<18}   {kind}: " + ", ".join(cells))
    return "\n".join(lines)


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def spawn(engine: str, corpus: str, configs: dict, env: dict[str, str]) -> dict | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, "-m", "benchmarks.search_quality", "--worker", engine, corpus, out.name]
        child_env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0",
            "BENCH_QUALITY_CONFIGS": json.dumps(configs), **env,
        }  # fmt: skip
        if subprocess.call(command, cwd=ROOT, env=child_env) != 0:  # noqa: S603 - our own module
            return None
        return json.loads(Path(out.name).read_text())


def run(
    engines=("sqlite", "postgres"), configs: dict | None = None, corpora=("news", "wikinews", "nerel")
) -> dict:
    from benchmarks import _judged

    configs = configs or {**CONFIGS, **DIAGNOSTICS}
    judged = _judged.build(corpora)
    result = {"corpora": {}}
    for corpus, stories in judged.corpora.items():
        queries = judged.queries[corpus]
        language = _judged.LANGUAGES.get(corpus, "en")
        bm25 = bm25_rankings(stories, queries, language)
        data = {"docs": len(stories), "bm25": scores(queries, bm25), "engines": {}}
        for engine in engines:
            found = _engine(engine, corpus, configs)
            if found is None:
                continue
            data["engines"][engine] = {
                name: {
                    "scores": scores(queries, table["ranked"]),
                    "p50": _percentile(table["ms"], 0.5),
                    "p95": _percentile(table["ms"], 0.95),
                    "ranked": table["ranked"],
                }
                for name, table in found["configs"].items()
            }
        result["corpora"][corpus] = data
    return result


def _engine(engine: str, corpus: str, configs: dict) -> dict | None:
    keep = os.environ.get("BENCH_QUALITY_KEEP")
    if engine == "sqlite":
        if keep:
            folder = Path(keep) / corpus
            folder.mkdir(parents=True, exist_ok=True)
            return spawn(engine, corpus, configs, {"NEWSDESK_DATA_DIR": str(folder)})
        with tempfile.TemporaryDirectory() as tmp:
            return spawn(engine, corpus, configs, {"NEWSDESK_DATA_DIR": tmp})
    try:
        from tests.servers import postgres_server

        with postgres_server() as url:
            return spawn(engine, corpus, configs, {"DATABASE_URL": url})
    except FileNotFoundError as exc:
        print(f"search_quality: PostgreSQL skipped ({exc})")
        return None


def main(argv: list[str] | None = None) -> None:
    from benchmarks import _judged

    argv = sys.argv[1:] if argv is None else argv
    engines = [a for a in argv if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    corpora = [a for a in argv if a in ("news", "wikinews", "nerel")] or ["news", "wikinews", "nerel"]
    missing = _judged.available(corpora)
    if missing:
        print(f"search_quality skipped: {missing}")
        return
    result = run(engines, corpora=corpora)
    print(report(result), flush=True)
    out = ROOT / "var" / "bench" / "search-quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        engine, corpus, path = sys.argv[2:5]
        configs = json.loads(os.environ.get("BENCH_QUALITY_CONFIGS") or json.dumps(CONFIGS))
        Path(path).write_text(json.dumps(_worker(engine, corpus, configs)))
    else:
        main()
