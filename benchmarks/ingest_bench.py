"""Wire ingest throughput: the Reuters-21578 stories as IPTC ninjs 3.1, imported on SQLite and on PostgreSQL.

Not timed: reading the SGML (../shared/corpora/reuters21578) and writing one ninjs 3.1 document (a JSON list of
items) per file. Timed: `ingest_paths` on that folder into a freshly migrated database — parsing, checks, the
articles with their persons, topics, first revisions and ingest records, and the search index (SQLite FTS5 /
PostgreSQL full text), exactly what `newsdesk ingest FOLDER --section world` does.
Reference in the same run and database: the same article rows written by the database driver alone
(executemany in one transaction) — the floor under any import that writes them.
Target (issue "Wire ingest"): at least 1,000 items/s on SQLite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "reuters21578"

CHILD = r"""
import json, logging, sys, time
from pathlib import Path
import django
django.setup()
logging.getLogger("newsdesk").setLevel(logging.ERROR)  # the corpus's body-less stories are refused, by design
for name in ("django.db.backends.base", "newsdesk.ingest.batch"):  # failing after-commit jobs; batch fallbacks
    logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger(name).addHandler(logging.StreamHandler())
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connection, transaction
from newsdesk.ingest.models import IngestedItem, IngestLog
from newsdesk.ingest.services import Routing, ingest_paths
from newsdesk.news.models import Article, Revision, Section
from newsdesk.search.models import SearchDocument

folder = Path(sys.argv[1])
items = sum(len(json.loads(f.read_bytes())) for f in folder.glob("*.json"))
routing = Routing(section=Section.objects.get(slug="world"))
started, cpu = time.perf_counter(), time.process_time()
report = ingest_paths(paths=[str(folder)], routing=routing)
took, cpu = time.perf_counter() - started, time.process_time() - cpu
counts = dict(articles=Article.objects.count(), revisions=Revision.objects.count(),
              records=IngestedItem.objects.count(), indexed=SearchDocument.objects.count(),
              refused=IngestLog.objects.count())

columns = ["public_id", "guid", "version", "headline", "slug", "lead", "body", "dateline_place", "dateline_date",
           "dateline_source", "byline", "language", "section_id", "urgency", "status", "modified_at", "created_at",
           "top_story_rank", "read_also_after"]
rows = list(Article.objects.values_list(*columns))
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE bench_article AS SELECT * FROM news_article WHERE 1 = 0")
    started = time.perf_counter()
    with transaction.atomic():
        cursor.executemany(f"INSERT INTO bench_article ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", rows)
    reference = time.perf_counter() - started
print(json.dumps(dict(items=items, took=took, cpu=cpu, report=str(report), reference=reference, rows=len(rows),
                      **counts)))
"""


def main() -> None:
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora sit beside the project)")
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-ingest-bench-") as tmp:
        documents = Path(tmp) / "ninjs"
        documents.mkdir()
        stories = convert(documents)
        print(f"{stories:,} Reuters-21578 stories as ninjs 3.1 in {len(list(documents.iterdir()))} documents")
        rate = _run("SQLite (WAL, the project's pragmas)", documents, Path(tmp) / "sqlite", {})
        if rate:
            print(f"  target >= 1,000 items/s on SQLite: {'met' if rate >= 1000 else 'NOT met'}")
        sys.path.insert(0, str(ROOT))
        from tests.servers import postgres_server

        try:
            with postgres_server() as url:
                _run(
                    "PostgreSQL (throwaway server, fsync off)",
                    documents,
                    Path(tmp) / "pg",
                    {"DATABASE_URL": url},
                )
        except (FileNotFoundError, OSError) as exc:
            print(f"PostgreSQL: skipped ({exc})")


def convert(folder: Path) -> int:
    """One ninjs 3.1 document per SGML file; the stories without a body (which ingest refuses) are left out."""
    sys.path.insert(0, str(ROOT))
    from newsdesk.ingest.formats import WireItem, reuters
    from tests.syndication.schemas import ninjs_validator

    validator = ninjs_validator("3.1")
    total = 0
    for sgm in sorted(CORPUS.glob("reut2-*.sgm")):
        stories = [ninjs(item) for item in reuters.parse(sgm.read_bytes()) if isinstance(item, WireItem)]
        for story in stories[::100]:  # a sample is checked against the official schema: genuine ninjs 3.1
            validator.validate(story)
        (folder / f"{sgm.stem}.json").write_text(json.dumps(stories))
        total += len(stories)
    return total


def ninjs(item) -> dict:
    when = item.versioncreated.isoformat() if item.versioncreated else None
    document = {
        "uri": item.guid,
        "type": "text",
        "version": str(item.version),
        "firstCreated": when,
        "versionCreated": when,
        "pubStatus": "usable",
        "language": item.language,
        "headlines": [{"role": "main", "value": item.headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": item.body_html}],
        "by": item.byline,
        "located": item.dateline_place.title(),
        "subjects": [
            {"name": code.split(":", 1)[1], "rel": "about", "literal": code} for code in item.subjects
        ],
        "people": [{"name": name, "rel": "subject"} for name in item.persons],
        "copyrightHolder": item.outlet,
        "standard": {
            "name": "ninjs",
            "version": "3.1",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
        },
    }
    return {key: value for key, value in document.items() if value not in ("", [], None)}


def _run(label: str, documents: Path, data: Path, extra_env: dict) -> float | None:
    data.mkdir()
    (data / "static").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=str(data), SECRET_KEY="bench-" + "x" * 40,
               LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), **extra_env)  # fmt: skip
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, str(documents)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        print(f"{label}: failed\n{out.stderr[-3000:]}")
        return None
    r = json.loads(out.stdout.strip().splitlines()[-1])
    if r["indexed"] != r["articles"]:
        print(
            f"{label}: {r['articles'] - r['indexed']} articles not in the search index:\n{out.stderr[-3000:]}"
        )
    rate, floor = r["items"] / r["took"], r["rows"] / r["reference"]
    print(
        f"{label}: {r['items']:,} items in {r['took']:.1f} s = {rate:,.0f} items/s ({r['report']}; "
        f"{r['articles']:,} articles, {r['revisions']:,} revisions, {r['indexed']:,} in the search index; "
        f"this process's CPU {r['cpu'] / r['items'] * 1000:.2f} ms per item)\n"
        f"  reference: the same {r['rows']:,} article rows by the driver alone (executemany, one transaction): "
        f"{floor:,.0f} rows/s"
    )
    return rate
