"""Search quality the way an outside check meets it: a `make run` site (migrated, the demo content loaded), the
Reuters-21578 stories ingested as IPTC ninjs files through the wire (`newsdesk ingest DIR --publish`, their own
1987 dates, no labels in the files), the publishing pipeline drained, then each of ``_judged``'s Reuters queries
asked of ``GET /api/v1/search?q=…`` (the whole request: middleware, the API's rules, its JSON), the first ten
hits scored by nDCG@10 against the labels. The demo's stories are in the index and count as non-relevant.

BM25 (tantivy, as ``search_quality``) indexes the same stories: the Reuters ones and the demo's, as the site
stores them. ``search_quality`` loads the stories straight into the database and calls the search function;
this one takes the path a subscriber's stories and queries take, so a difference between the two is a
difference the product makes (what ingest keeps of a story, the demo's newer stories beside the archive).

``python -m benchmarks.search_outside [sqlite] [postgres]`` (both by default; about two minutes each). Part of
`make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.search_bench import ROOT

SETS = ("reuters-topics", "reuters-places", "reuters-orgs", "reuters-people", "reuters-codes")

CHILD = r"""
import html, json, logging, os, re, sys, time
from pathlib import Path
import warnings
warnings.filterwarnings("ignore", message="No directory at")  # a fresh site has no collected static files
import django
django.setup()
logging.getLogger("newsdesk").setLevel(logging.ERROR)  # the corpus's body-less stories are refused, by design
from django.core.management import call_command
from django.test import Client
from benchmarks import _judged
from benchmarks.search_outside import write_ninjs
from newsdesk.ingest.items import Routing
from newsdesk.ingest.services import ingest_paths
from newsdesk.news.models import Article, Section
from newsdesk.pipeline.services import pipeline_drain_all

folder, output = Path(sys.argv[1]), Path(sys.argv[2])
call_command("migrate", verbosity=0)
started = time.perf_counter()
call_command("demo", if_empty=True, verbosity=0, stdout=open(os.devnull, "w"))
demo_s = time.perf_counter() - started
demo = list(Article.objects.published().values_list("public_id", "headline", "lead", "body"))
items = write_ninjs(folder)
started = time.perf_counter()
report = ingest_paths(paths=[str(folder)], routing=Routing(section=Section.objects.get(slug="world"),
                                                           status=Article.Status.PUBLISHED))
pipeline_drain_all(limit_batches=10**6)
ingest_s = time.perf_counter() - started
guids = {pid: guid for pid, guid in Article.objects.values_list("public_id", "guid") if guid.startswith("urn:reuters")}
queries = _judged.reuters_sets(_judged._reuters())
client, ranked, failed = Client(HTTP_HOST="127.0.0.1"), [], 0
for query in queries:
    response = client.get("/api/v1/search", {"q": query.q, "per_page": 10})
    if response.status_code != 200:
        failed += 1
        ranked.append([])
        continue
    ranked.append([guids.get(hit["id"]) or f"site:{hit['id']}" for hit in response.json()["hits"]])
text = lambda value: html.unescape(re.sub(r"<[^>]+>", " ", value or ""))
output.write_text(json.dumps({
    "items": items, "report": str(report), "demo_s": demo_s, "ingest_s": ingest_s, "failed": failed,
    "articles": Article.objects.count(), "ranked": ranked, "guids": sorted(guids.values()),
    "demo": [[f"site:{pid}", headline, lead, text(body)] for pid, headline, lead, body in demo],
}))
"""


def write_ninjs(folder: Path) -> int:
    """The stories ``_judged`` reads, one ninjs 3.1 file each as a wire delivers them, with their own dates;
    the labels (subjects, people) left out: they are what the queries are judged by."""
    from benchmarks import _judged
    from benchmarks.ingest_bench import CORPUS, ninjs
    from newsdesk.ingest.formats import WireItem, reuters

    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for sgm in sorted(CORPUS.glob("reut2-*.sgm")):
        for item in reuters.parse(sgm.read_bytes()):
            if isinstance(item, WireItem) and item.versioncreated:
                document = ninjs(item, when=item.versioncreated)
                document.pop("subjects", None)
                document.pop("people", None)
                (folder / f"{count:06}.json").write_text(json.dumps(document))
                count += 1
    assert _judged.REUTERS.is_dir()
    return count


def _engine(engine: str, tmp: Path) -> dict | None:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0",
        "NEWSDESK_DATA_DIR": str(tmp / "data"), "NEWSDESK_API_ANONYMOUS_RATE": "1000000",
        "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    out = tmp / f"{engine}.json"

    def run(extra: dict) -> dict | None:
        command = [sys.executable, "-c", CHILD, str(tmp / "ninjs"), str(out)]
        if subprocess.call(command, cwd=ROOT, env={**env, **extra}) != 0:  # noqa: S603 - our own code
            print(f"search_outside: {engine} failed (see above)")
            return None
        return json.loads(out.read_text())

    if engine == "sqlite":
        return run({})
    from tests.servers import postgres_server

    try:
        with postgres_server() as url:
            return run({"DATABASE_URL": url})
    except FileNotFoundError as exc:
        print(f"search_outside: PostgreSQL skipped ({exc})")
        return None


def main(argv: list[str] | None = None) -> None:
    from benchmarks import _judged, search_quality

    argv = sys.argv[1:] if argv is None else argv
    engines = [a for a in argv if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    missing = _judged.available(("news",))
    if missing:
        print(f"search_outside skipped: {missing}")
        return
    reuters = _judged._reuters()
    queries = _judged.reuters_sets(reuters)
    rows = {}
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="newsdesk-outside-") as tmp:
            found = _engine(engine, Path(tmp))
        if found is None:
            continue
        demo = [
            _judged.Story(key, head, lead, (body,), reuters.stories[0].published)
            for key, head, lead, body in found["demo"]
        ]
        # The same stories the site holds: a story whose body another already had is linked to that
        # article by ingest (the wire's duplicates), not stored again.
        held = set(found["guids"])
        bm25 = search_quality.bm25_rankings([s for s in reuters.stories if s.key in held] + demo, queries)
        rows[engine] = {
            "found": found, "ours": search_quality.scores(queries, found["ranked"]),
            "bm25": search_quality.scores(queries, bm25), "bm25_ranked": bm25,
        }  # fmt: skip
        print(
            f"\n{engine}: {found['items']:,} ninjs files ingested and the pipeline drained in "
            f"{found['ingest_s']:.0f} s ({found['report']}); {found['articles']:,} articles with the demo's "
            f"({len(found['demo']):,} published); {len(queries)} queries through GET /api/v1/search, "
            f"{found['failed']} refused"
        )
        print(
            f"  {'set':<16} {'queries':>8} {'Newsdesk':>9} {'BM25':>7} {'vs BM25':>8} {'95 % interval':>17} "
            f"{'no result':>10}"
        )
        for name in SETS:
            ours, ref = rows[engine]["ours"][name], rows[engine]["bm25"][name]
            low, high = search_quality.gain_interval(ours["values"], ref["values"])
            print(
                f"  {name:<16} {int(ours['n:all']):>8} {ours['all']:>9.3f} {ref['all']:>7.3f} "
                f"{ours['all'] / ref['all'] - 1:>+8.1%} {f'{low:+.1%} to {high:+.1%}':>17} {int(ours['zero']):>10}"
            )
    out = ROOT / "var" / "bench" / "search-outside.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        engine: {"ours": r["ours"], "bm25": r["bm25"], "bm25_ranked": r["bm25_ranked"], "queries": [q.q for q in queries],
                 **{k: v for k, v in r["found"].items() if k not in ("demo", "guids")}}
        for engine, r in rows.items()
    }))  # fmt: skip


if __name__ == "__main__":
    main()
