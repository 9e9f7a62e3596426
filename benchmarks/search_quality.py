"""Search quality (`make bench`): nDCG@10 on a judged query set derived from Reuters-21578's own labels, with and
without the headline/lead weighting and the recency boost, each with the candidate bound and without it.

The judged set (derived here, deterministic):
- Documents: the Reuters-21578 stories with a body (~19,000), with their real 1987 dates; the search runs "the
  day after the last story". The label text is NOT indexed (no persons/topics are attached), so a label can
  only be found through the words of the story.
- Topic queries: every TOPICS category with at least 10 stories; the query is the words of its description in
  Lewis's ``cat-descriptions_120396.txt`` joined by OR ("Money/Foreign Exchange" -> ``money OR foreign OR
  exchange``); a story is relevant (gain 1) when it carries the label.
- People queries: every PEOPLE label with at least 5 stories; the query is the name's words (all must match,
  "james baker" -> ``james baker``); relevant when the story carries the label.
- nDCG@10 with binary gains, averaged over queries (topics and people reported apart and together).

Configurations: "plain BM25" (every field weight 1, no recency), "+ field weights" (headline 10, lead 5, body 1),
"default" (+ recency boost, half-life 14 days) — each with the back end's candidate bound (SQLite 1,500,
PostgreSQL 1,750: ``default_candidates``) and unbounded
(every match scored). The bound costs ``1 - bounded / unbounded`` of the score; the target is at most 2 %.
Runs on SQLite FTS5 and PostgreSQL, each in its own process on a throwaway database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from pathlib import Path

from benchmarks.search_bench import REUTERS, ROOT, reuters_sources

MIN_TOPIC_DOCS, MIN_PERSON_DOCS = 10, 5
UNBOUNDED = 10**9
CONFIGS = {
    "plain BM25": {"FIELD_WEIGHTS": dict.fromkeys(("headline", "lead", "keywords", "body"), 1.0), "RECENCY_WEIGHT": 0},
    "+ field weights": {"RECENCY_WEIGHT": 0},
    "default (+ recency)": {},
}  # fmt: skip


def topic_descriptions() -> dict[str, str]:
    text = (REUTERS / "cat-descriptions_120396.txt").read_text(encoding="latin-1")
    return {code.lower(): name for name, code in re.findall(r"^\s*(.+?)\s+\(([A-Z0-9-]+)\)\s*$", text, re.M)}


def judged_queries(sources) -> list[dict]:
    from newsdesk.search.query import STOPWORDS

    by_topic, by_person = defaultdict(set), defaultdict(set)
    for number, source in enumerate(sources):
        for topic in source.topics:
            by_topic[topic].add(number)
        for person in source.persons:
            by_person[person].add(number)
    queries = []
    names = topic_descriptions()
    for topic, relevant in sorted(by_topic.items()):
        words = [w for w in re.findall(r"[a-z]+", names.get(topic, "").lower()) if w not in STOPWORDS]
        if len(relevant) >= MIN_TOPIC_DOCS and words:
            queries.append(
                {
                    "kind": "topic",
                    "label": topic,
                    "q": " OR ".join(dict.fromkeys(words)),
                    "relevant": relevant,
                }
            )
    for person, relevant in sorted(by_person.items()):
        if len(relevant) >= MIN_PERSON_DOCS:
            queries.append({"kind": "person", "label": person, "q": person, "relevant": relevant})
    return queries  # fmt: skip


def ndcg_at_10(ranked: list[int], relevant: set[int]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:10]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal


def _load(sources) -> tuple[dict[int, int], dt.datetime]:
    from django.utils.html import escape

    from newsdesk.news.models import Article, Section

    section = Section.objects.get(slug="economy")
    articles = Article.objects.bulk_create(
        [
            Article(
                headline=s.headline[:300], slug=f"reuters-{n}", guid=f"urn:reuters-quality:{n}", public_id=n + 1,
                lead="", body="".join(f"<p>{escape(p)}</p>" for p in s.paragraphs), dateline_place=s.place[:100],
                section=section, status=Article.Status.PUBLISHED, publish_at=s.published, first_published_at=s.published,
            )
            for n, s in enumerate(sources)
        ],
        batch_size=2000,
    )  # fmt: skip
    now = max(s.published for s in sources) + dt.timedelta(days=1)
    return {a.pk: n for n, a in enumerate(articles)}, now


def _worker(engine: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from newsdesk.search.backends import get_backend
    from newsdesk.search.selectors import search_articles
    from newsdesk.search.services import search_rebuild

    call_command("migrate", verbosity=0)
    sources = [s for s in reuters_sources() if s.published]
    numbers, now = _load(sources)
    search_rebuild(batch_size=1000)
    queries = judged_queries(sources)
    scores = {}
    default_bound = type(get_backend()).default_candidates
    for config, options in CONFIGS.items():
        for label, bound in (("bounded", default_bound), ("unbounded", UNBOUNDED)):
            backend_options = {**options, "CANDIDATES": bound}
            settings.SEARCH_BACKENDS["default"]["OPTIONS"] = backend_options
            get_backend.cache_clear()
            per_kind = defaultdict(list)
            for query in queries:
                hits = search_articles(q=query["q"], per_page=10, at=now, facets=False).hits
                per_kind[query["kind"]].append(
                    ndcg_at_10([numbers[h.article.pk] for h in hits], query["relevant"])
                )
            scores[f"{config}|{label}"] = {kind: sum(v) / len(v) for kind, v in per_kind.items()} | {
                "all": sum(sum(v) for v in per_kind.values()) / sum(len(v) for v in per_kind.values())
            }  # fmt: skip
    kinds = {kind: sum(q["kind"] == kind for q in queries) for kind in ("topic", "person")}
    return {
        "engine": engine,
        "docs": len(sources),
        "queries": kinds,
        "bound": default_bound,
        "scores": scores,
    }


def report(result: dict) -> str:
    lines = [
        f"\n{result['engine']}: {result['docs']:,} Reuters-21578 stories, {result['queries']['topic']} topic and "
        f"{result['queries']['person']} people queries; nDCG@10 (all / topics / people); bound "
        f"{result['bound']:,} candidates"
    ]
    for config in CONFIGS:
        bounded, unbounded = result["scores"][f"{config}|bounded"], result["scores"][f"{config}|unbounded"]
        cost = 1 - bounded["all"] / unbounded["all"] if unbounded["all"] else 0.0
        lines.append(
            f"  {config:<22} bounded {bounded['all']:.3f} / {bounded['topic']:.3f} / {bounded['person']:.3f}   "
            f"unbounded {unbounded['all']:.3f} / {unbounded['topic']:.3f} / {unbounded['person']:.3f}   "
            f"bound costs {cost:+.1%}"
        )
    return "\n".join(lines)


def run_engines(
    module: str, report, name: str, *, engines=("sqlite", "postgres"), worker_flag: tuple[str, ...] = ()
) -> list[dict]:
    """Run ``module``'s worker once per engine, each in its own process on a throwaway database (SQLite in a
    temporary folder, PostgreSQL from the machine's binaries), print each ``report``, and write the results
    to ``var/bench/<name>.json``. The worker is ``python -m module [*worker_flag] ENGINE OUTPUT``."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    results = []

    def spawn(engine: str, env: dict[str, str]) -> None:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", module, *worker_flag, engine, out.name]
            child_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0", **env}
            if subprocess.call(command, cwd=ROOT, env=child_env) == 0:  # noqa: S603 - our own module
                results.append(json.loads(Path(out.name).read_text()))
                print(report(results[-1]), flush=True)

    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as tmp:
            spawn("sqlite", {"NEWSDESK_DATA_DIR": tmp})
    if "postgres" in engines:
        try:
            from tests.servers import postgres_server

            with postgres_server() as url:
                spawn("postgres", {"DATABASE_URL": url})
        except FileNotFoundError as exc:
            print(f"{name}: PostgreSQL skipped ({exc})")
    out = ROOT / "var" / "bench" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results))
    return results


def main() -> None:
    if not REUTERS.is_dir():
        print(f"search_quality skipped: Reuters-21578 is not at {REUTERS} (the ../shared folder)")
        return
    run_engines("benchmarks.search_quality", report, "search-quality")


if __name__ == "__main__":
    import json
    import sys

    Path(sys.argv[2]).write_text(json.dumps(_worker(sys.argv[1])))
