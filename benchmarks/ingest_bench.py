"""Wire ingest throughput, PUBLISHED: the Reuters-21578 stories as IPTC ninjs 3.1 files, one item per file (as
wires deliver them), imported with status published (`newsdesk ingest DIR --section world --publish`), then the
publishing pipeline's catch-up. On SQLite and on PostgreSQL.

Not timed: reading the SGML (../shared/corpora/reuters21578) and writing one ninjs 3.1 file per story. The stories
keep their text but are dated within the last hour (their own 1987 dates would make them backfill, which the
pipeline never announces): the worst case, every story news.
Timed:
- ingest: `ingest_paths` on that folder — parsing, checks, the articles with their persons, topics, first
  revisions, ingest records, search documents and outbox rows, all committed: at its end every story is
  visible AND searchable (checked);
- catch-up: the pipeline's drain of that burst (search index check, Read also for every story, edge purge,
  one live event per story, WebSub off) — what the worker does after the burst, measured from its end.
Each at two archive sizes: an empty site, and ARCHIVE articles already stored (loaded once, kept in the temp
dir), for the "cost per item flat as the archive grows" target.
Targets (issue "Publishing at wire speed"): >= 1,000 items/s published on SQLite until visible and searchable;
the pipeline catches up with a 20,000-item burst within 60 s; the same throughput +-10 % with a large archive.
Environment: BENCH_INGEST_ITEMS (default: all ~19,000 stories), BENCH_ARCHIVE (default 100,000; 0: skip),
BENCH_INGEST_POSTGRES=0 to skip PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "reuters21578"

CHILD = r"""
import datetime as dt, json, logging, os, sys, time
from pathlib import Path
import django
django.setup()
logging.getLogger("newsdesk").setLevel(logging.ERROR)  # the corpus's body-less stories are refused, by design
for name in ("newsdesk.ingest.batch", "newsdesk.pipeline"):  # batch fallbacks, failed effects
    logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger(name).addHandler(logging.StreamHandler())
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import connection
from django.utils import timezone
from newsdesk.ingest.services import Routing, ingest_paths
from newsdesk.live.models import LiveEvent
from newsdesk.news.models import Article, ReadAlsoSuggestion, Section
from newsdesk.pipeline.models import Change, EffectFailure
from newsdesk.pipeline.services import pipeline_drain_all
from newsdesk.search.models import SearchDocument

folder, archive = Path(sys.argv[1]), int(sys.argv[2])
if archive and Article.objects.count() < archive:
    from benchmarks.ingest_bench import load_archive
    load_archive(archive)
before = Article.objects.count()
items = len(list(folder.iterdir()))
routing = Routing(section=Section.objects.get(slug="world"), status=Article.Status.PUBLISHED)
started, cpu = time.perf_counter(), time.process_time()
report = ingest_paths(paths=[str(folder)], routing=routing)
took, cpu = time.perf_counter() - started, time.process_time() - cpu
visible = Article.objects.published().count() - before
searchable = SearchDocument.objects.count() - before
backlog = Change.objects.count()
started = time.perf_counter()
pipeline_drain_all(limit_batches=10**6)
catch_up = time.perf_counter() - started
announced = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # the log keeps 1,000
suggested = ReadAlsoSuggestion.objects.values("article").distinct().count()
print(json.dumps(dict(items=items, took=took, cpu=cpu, report=str(report), visible=visible, searchable=searchable,
                      backlog=backlog, catch_up=catch_up, left=Change.objects.count(),
                      failures=EffectFailure.objects.count(), live=announced, read_also=suggested, archive=before)))
"""


def main() -> None:
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora sit beside the project)")
        return
    limit = int(os.environ.get("BENCH_INGEST_ITEMS", "0")) or None
    archive = int(os.environ.get("BENCH_ARCHIVE", "100000"))
    with tempfile.TemporaryDirectory(prefix="newsdesk-ingest-bench-") as tmp:
        if archive:
            _archive_template(
                archive, {}
            )  # first: the files' dates below must still be this hour when imported
        files = Path(tmp) / "ninjs"
        files.mkdir()
        stories = convert(files, limit=limit)
        print(
            f"{stories:,} Reuters-21578 stories as ninjs 3.1, one file each, imported as PUBLISHED, dated this hour"
        )
        empty = _run("SQLite, empty site", files, Path(tmp) / "sqlite", {}, archive=0)
        if empty:
            print(f"  target >= 1,000 items/s on SQLite: {'met' if empty[0] >= 1000 else 'NOT met'}")
        if archive:
            full = _run(
                f"SQLite, {archive:,} articles stored", files, Path(tmp) / "sqlite-archive", {}, archive
            )
            if empty and full:
                print(
                    f"  with the archive: {full[0] / empty[0] - 1:+.1%} items/s, {full[1] / empty[1] - 1:+.1%} CPU "
                    "per item against the empty site (target within 10 %; on a busy machine the CPU figure is "
                    "the one to read)"
                )
        if os.environ.get("BENCH_INGEST_POSTGRES", "1") != "0":
            _postgres(files, Path(tmp))


def _postgres(files: Path, tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.servers import postgres_server

    try:
        with postgres_server() as url:
            _run(
                "PostgreSQL (throwaway server, fsync off), empty site",
                files,
                tmp / "pg",
                {"DATABASE_URL": url},
                0,
            )
    except (FileNotFoundError, OSError) as exc:
        print(f"PostgreSQL: skipped ({exc})")


def convert(folder: Path, *, limit: int | None = None) -> int:
    """One ninjs 3.1 document per story, as a wire delivers them; the stories without a body (which ingest
    refuses) are left out. Dated within the last hour, oldest first: news, not backfill."""
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    from newsdesk.ingest.formats import WireItem, reuters
    from tests.syndication.schemas import ninjs_validator

    validator = ninjs_validator("3.1")
    stories = []
    for sgm in sorted(CORPUS.glob("reut2-*.sgm")):
        stories += [item for item in reuters.parse(sgm.read_bytes()) if isinstance(item, WireItem)]
    stories = stories[:limit]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=50)
    step = dt.timedelta(minutes=45) / max(len(stories), 1)
    for n, item in enumerate(stories):
        document = ninjs(item, when=start + n * step)
        if n % 100 == 0:
            validator.validate(document)  # a sample against the official schema: genuine ninjs 3.1
        (folder / f"{n:06}.json").write_text(json.dumps(document))
    return len(stories)


def ninjs(item, *, when) -> dict:
    document = {
        "uri": item.guid,
        "type": "text",
        "version": str(item.version),
        "firstCreated": when.isoformat(),
        "versionCreated": when.isoformat(),
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


def load_archive(count: int) -> None:
    """``count`` published articles with their search documents, made from the corpus's stories (guids, slugs
    and public ids of their own), as a years-old archive would be: through the same bulk write, in batches."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from newsdesk.ingest.formats import WireItem, reuters
    from newsdesk.news import services as news
    from newsdesk.news.models import Article, Section
    from newsdesk.pipeline.models import Change
    from newsdesk.search.services import search_index_articles

    stories = [s for sgm in sorted(CORPUS.glob("reut2-*.sgm")) for s in reuters.parse(sgm.read_bytes())]
    stories = [s for s in stories if isinstance(s, WireItem) and s.body_html]
    section = Section.objects.get(slug="world")
    now = timezone.now()
    for start in range(0, count, 2000):
        batch = []
        for n in range(start, min(start + 2000, count)):
            story = stories[n % len(stories)]
            when = now - dt.timedelta(days=3650) + dt.timedelta(minutes=n)
            article = Article(
                headline=story.headline[:300] or "Wire",
                lead="",
                body=story.body_html,
                section=section,
                status=Article.Status.PUBLISHED,
                publish_at=when,
                first_published_at=when,
                is_backfill=True,
                dateline_place=story.dateline_place[:100],
            )
            batch.append(
                news.NewArticle(article=article, slug=f"archive-{n}", guid=f"urn:archive:{n}", note="archive")
            )
        with transaction.atomic():
            articles = news.articles_ingest(new=batch, now=now)
            search_index_articles(article_ids=[a.pk for a in articles], loaded=articles)
        Change.objects.all().delete()  # an archive's effects ran long ago


def _archive_template(count: int, extra_env: dict) -> Path:
    """A migrated SQLite database holding ``count`` archive articles, built once and kept in the temp dir."""
    kept = Path(tempfile.gettempdir()) / f"newsdesk-bench-archive-{count}"
    if not (kept / "newsdesk.sqlite3").exists():
        kept.mkdir(exist_ok=True)
        (kept / "static").mkdir(exist_ok=True)
        print(f"  (building the {count:,}-article archive once, kept in {kept})", flush=True)
        env = _env(kept, extra_env)
        script = "import django; django.setup(); from django.core.management import call_command; " \
                 "call_command('migrate', verbosity=0); from benchmarks.ingest_bench import load_archive; " \
                 f"load_archive({count})"  # fmt: skip
        subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True)  # noqa: S603
    return kept / "newsdesk.sqlite3"


def _env(data: Path, extra_env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "HUEY_"))}
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=str(data), SECRET_KEY="bench-" + "x" * 40,
               LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), NEWSDESK_WEBSUB_HUB="", **extra_env)  # fmt: skip
    return env


def _run(
    label: str, documents: Path, data: Path, extra_env: dict, archive: int
) -> tuple[float, float] | None:
    """Import the folder into a fresh site (or a copy of the archive); returns (items/s, CPU ms per item)."""
    data.mkdir()
    (data / "static").mkdir()
    if archive:
        shutil.copy(_archive_template(archive, extra_env), data / "newsdesk.sqlite3")
        with open(
            data / "newsdesk.sqlite3", "rb+"
        ) as copied:  # written out now, not by the first checkpoint's
            os.fsync(copied.fileno())  # fsync inside the timed import
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, str(documents), str(archive)], env=_env(data, extra_env), cwd=ROOT,
        capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        print(f"{label}: failed\n{out.stderr[-3000:]}")
        return None
    r = json.loads(out.stdout.strip().splitlines()[-1])
    if r["searchable"] < r["visible"]:
        print(f"{label}: {r['visible'] - r['searchable']} visible articles not in the search index!")
    rate = r["items"] / r["took"]
    print(
        f"{label}: {r['items']:,} files in {r['took']:.1f} s = {rate:,.0f} items/s published, visible and "
        f"searchable ({r['report']}; {r['visible']:,} visible, {r['searchable']:,} in the search index; this "
        f"process's CPU {r['cpu'] / r['items'] * 1000:.2f} ms per item)\n"
        f"  pipeline catch-up: {r['backlog']:,} changes in {r['catch_up']:.1f} s = "
        f"{r['backlog'] / max(r['catch_up'], 1e-9):,.0f} changes/s ({r['live']:,} stories announced live, "
        f"Read also for "
        f"{r['read_also']:,} articles, {r['failures']} failed effects, {r['left']} left)"
    )
    return rate, r["cpu"] / r["items"] * 1000
