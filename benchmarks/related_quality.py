"""Quality of the "Read also" suggestions (`make bench`): label overlap of ``related_articles`` on Reuters-21578.

The judged set (derived here, deterministic):
- Documents: the Reuters-21578 stories with a body (~19,000) with their real 1987 dates, loaded as
  ``search_quality`` loads them (its ``_load``), plus a lead: the first sentence of the first paragraph, as a
  newsroom article has one and ``related_articles`` reads the headline AND the lead.
- Sources: ``SAMPLE`` stories drawn with a fixed seed among those with at least one TOPICS label.
- Judgement: a suggestion is relevant when it shares at least one TOPICS label with its source. The TOPICS
  labels are NEVER attached as Topics in either set-up: ``related_articles`` counts shared topics, so
  attaching the labels it is judged on would make the measure circular.
- ``at`` is the source's own publish time: a "Read also" list is mostly read in the hours after publication,
  when only earlier stories exist; it keeps later stories out of the suggestions and makes "the newest
  stories" a fair baseline (the wire's neighbours of the source, not one fixed list for every source).

Set-ups: "text only" (no persons, no topics attached: the suggestions come from the words alone — the engine
part) and "+ people" (the PEOPLE labels attached as Persons, as a newsroom tags named people; topics still
hidden); the second sample, every story (up to ``SAMPLE``, seeded) with both TOPICS and PEOPLE labels, shows
"+ people" where it can matter (few Reuters stories carry a PEOPLE label). Diagnostics: "text only" with
``RELATED_POOL`` (the newest matches the engine scores; 200 as built) raised to 2,000 and unbounded, to see
what the bound costs. Baselines in the same run: the 5 newest stories before ``at`` and 5 stories drawn at
random (seeded) among those before ``at``.

Metrics at ``LIMIT`` = 5: precision@5 (overlapping suggestions / 5; a short list counts the gaps as misses),
the share of sources with at least one overlapping suggestion, mean suggestions returned, the number of times
the source itself was returned (must be 0) and the mean time of one ``related_articles`` call.
Runs on SQLite FTS5 and PostgreSQL, each in its own process on a throwaway database.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import re
import time
from pathlib import Path

from benchmarks.search_bench import REUTERS, ROOT, reuters_sources

SAMPLE, LIMIT, SEED = 500, 5, 21578
DIAGNOSTIC_POOLS = {2000: "text only, pool 2,000", 10**9: "text only, pool unbounded"}
_FIRST_SENTENCE = re.compile(r"^.+?[.!?](?=\s|$)", re.S)
MAIN_ROWS = ("text only", *DIAGNOSTIC_POOLS.values(), "+ people", "newest 5", "random 5")
PEOPLE_ROWS = ("people: text only", "people: + people")


def sample(sources, *, people: bool = False) -> list[int]:
    labelled = [n for n, s in enumerate(sources) if s.topics and (s.persons or not people)]
    return sorted(random.Random(SEED).sample(labelled, min(SAMPLE, len(labelled))))


def _add_leads(numbers: dict[int, int], sources) -> None:
    from html import unescape

    from newsdesk.news.models import Article

    articles = list(Article.objects.filter(pk__in=numbers).only("pk", "lead"))
    for article in articles:
        first = sources[numbers[article.pk]].paragraphs[:1]
        found = _FIRST_SENTENCE.match(unescape(first[0]).strip()) if first else None
        article.lead = found.group(0)[:300] if found else ""
    Article.objects.bulk_update(articles, ["lead"], batch_size=2000)


def _attach_people(pks: dict[int, int], sources) -> int:
    from django.utils.text import slugify

    from newsdesk.news.models import Article, Person

    slugs = {name: slugify(name) for s in sources for name in s.persons}
    names = {slug: name for name, slug in sorted(slugs.items())}  # one Person per slug
    created = Person.objects.bulk_create(
        [Person(name=name.title(), slug=slug) for slug, name in names.items()]
    )
    people = {p.slug: p.pk for p in created}
    links = [
        Article.persons.through(article_id=pk, person_id=people[slug])
        for n, pk in pks.items()
        for slug in dict.fromkeys(slugs[name] for name in sources[n].persons)
    ]
    Article.persons.through.objects.bulk_create(links, batch_size=2000)
    return len(links)


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


class Tally:
    def __init__(self) -> None:
        self.sources = self.hits = self.any = self.returned = self.itself = 0
        self.seconds = 0.0

    def add(self, source: int, suggested: list[int], topics: list[set[str]], seconds: float = 0.0) -> None:
        overlap = sum(bool(topics[source] & topics[n]) for n in suggested)
        self.sources += 1
        self.hits += overlap
        self.any += overlap > 0
        self.returned += len(suggested)
        self.itself += source in suggested
        self.seconds += seconds

    def summary(self) -> dict:
        n = self.sources or 1
        return {
            "precision_at_5": self.hits / (LIMIT * n),
            "any_overlap": self.any / n,
            "mean_returned": self.returned / n,
            "itself": self.itself,
            "ms_per_call": 1000 * self.seconds / n,
        }


def _measure(chosen: list[int], articles: dict, numbers: dict[int, int], sources, topics) -> Tally:
    from newsdesk.search.selectors import related_articles

    tally = Tally()
    for n in chosen:
        started = time.perf_counter()
        related = related_articles(article=articles[n], limit=LIMIT, at=sources[n].published)
        tally.add(n, [numbers[a.pk] for a in related], topics, time.perf_counter() - started)
    return tally


def _baselines(chosen: list[int], articles: dict, numbers: dict[int, int], sources, topics) -> dict:
    from newsdesk.news.models import Article

    newest, drawn = Tally(), Tally()
    rng = random.Random(SEED)
    by_time = sorted(range(len(sources)), key=lambda n: (sources[n].published, n))
    times = [sources[n].published for n in by_time]
    for n in chosen:
        at = sources[n].published
        recent = Article.objects.published(at=at).exclude(pk=articles[n].pk).order_by("-publish_at", "-id")
        newest.add(n, [numbers[pk] for pk in recent.values_list("pk", flat=True)[:LIMIT]], topics)
        before = by_time[: bisect.bisect_right(times, at)]
        picks = rng.sample(before, min(LIMIT + 1, len(before)))
        drawn.add(n, [m for m in picks if m != n][:LIMIT], topics)
    return {"newest 5": newest.summary(), "random 5": drawn.summary()}


def _worker(engine: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.news.models import Article
    from newsdesk.search import selectors
    from newsdesk.search.services import search_rebuild

    call_command("migrate", verbosity=0)
    sources = [s for s in reuters_sources() if s.published]
    numbers, _ = _load(sources)
    pks = {n: pk for pk, n in numbers.items()}
    _add_leads(numbers, sources)
    search_rebuild(batch_size=1000)
    chosen, named = sample(sources), sample(sources, people=True)
    topics = [set(s.topics) for s in sources]
    by_pk = Article.objects.in_bulk([pks[n] for n in {*chosen, *named}])
    articles = {n: by_pk[pks[n]] for n in {*chosen, *named}}

    built = selectors.RELATED_POOL

    def measure(among: list[int], pool: int | None = None) -> dict:
        selectors.RELATED_POOL = pool or built  # a diagnostic's pool, then back to the pool as built
        try:
            return _measure(among, articles, numbers, sources, topics).summary()
        finally:
            selectors.RELATED_POOL = built

    rows = {"text only": measure(chosen), "people: text only": measure(named)}
    for pool, name in DIAGNOSTIC_POOLS.items():
        rows[name] = measure(chosen, pool)
    rows |= _baselines(chosen, articles, numbers, sources, topics)
    links = _attach_people(pks, sources)
    search_rebuild(batch_size=1000)  # the persons' names are indexed too
    rows |= {"+ people": measure(chosen), "people: + people": measure(named)}
    return {
        "engine": engine, "docs": len(sources), "sources": len(chosen), "people_sources": len(named),
        "person_links": links, "pool": built, "rows": rows,
    }  # fmt: skip


def report(result: dict) -> str:
    lines = [
        f"\n{result['engine']}: {result['docs']:,} Reuters-21578 stories; limit {LIMIT}, at = the source's publish "
        f"time; {result['person_links']:,} person links in '+ people'",
        f"  {'':<30} {'P@5':>6} {'>=1 hit':>8} {'returned':>9} {'itself':>7} {'ms/call':>8}",
    ]
    for title, names in (
        (f"{result['sources']} sources with a TOPICS label", MAIN_ROWS),
        (f"{result['people_sources']} sources with TOPICS and PEOPLE labels", PEOPLE_ROWS),
    ):
        lines.append(f"  {title}")
        for name in names:
            row = result["rows"][name]
            lines.append(
                f"  {name:<30} {row['precision_at_5']:>6.3f} {row['any_overlap']:>8.1%} "
                f"{row['mean_returned']:>9.2f} {row['itself']:>7} {row['ms_per_call']:>8.1f}"
            )
    return "\n".join(lines)


def main() -> None:
    import sys

    if not REUTERS.is_dir():
        print(f"related_quality skipped: Reuters-21578 is not at {REUTERS} (the ../shared folder)")
        return
    engines = [a for a in sys.argv[1:] if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    run_engines(
        "benchmarks.related_quality", report, "related-quality", engines=engines, worker_flag=("--worker",)
    )


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["--worker"]:
        Path(sys.argv[3]).write_text(json.dumps(_worker(sys.argv[2])))
    else:
        main()
