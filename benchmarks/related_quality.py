"""Quality of "Read also" (`make bench`): agreement with human judgement on the Lee corpus.

Lee, Pincombe & Welsh (2005), "An empirical evaluation of models of text document similarity": 50 short news
stories (Australian Broadcasting Corporation, 2001-02), every one of the 1,225 pairs rated for similarity by
about ten people (averaged, 0..1), and 300 more stories of the same source as a background corpus. They ship
inside the PyPI wheel of gensim (``gensim/test/test_data/``: ``lee.cor``, ``lee_background.cor``,
``similarities0-1.txt``, the upper triangle holding the ratings): the wheel is downloaded once into
``var/cache`` (``pip download --no-deps``; never installed, never committed) and the three files are read from
it, each checked against its SHA-256.

The 350 stories are loaded as published articles (a story's first sentence as its headline, the rest as its
body; the background first, older), indexed, and:
- **pipeline** (``related_scores``, what the publishing pipeline stores as "Read also"): every Lee story
  against the pool; Pearson of the score of each pair (the mean of both directions) with the human rating
  over the 1,225 pairs, the per-story Spearman of the order shown with the ratings, and the mean human rating
  of the first three shown (random three: the mean rating; the best three: the top of the ratings);
- **newsroom** (``related_articles``, the edit form's suggestions and the backfill): the mean rating of its
  first three;
- **TF-IDF cosine**, the textbook baseline, on the same stories: lower-cased words of three letters or more,
  PostgreSQL's stop words removed, idf log(N / df) over the 350, cosine.
Targets (issue 18): Pearson ≥ 0.60, first three ≥ 0.58. SQLite and PostgreSQL each in their own process.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from benchmarks.search_bench import ROOT

GENSIM = "gensim==4.3.3"
FILES = {
    "lee.cor": "a878f9a58f6743c32985c56c2f2f75988386216b38a4023a01fd3bcf7884d93e",
    "lee_background.cor": "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb",
    "similarities0-1.txt": "23762bc6b728897144dda3d324a2c032dc1e059e1009806226d64b6dd123ed79",
}
CACHE = ROOT / "var" / "cache"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


class LeeMissing(RuntimeError):
    pass


def lee_files() -> dict[str, str]:
    """The three files' text, from the gensim wheel in ``var/cache`` (downloaded when missing)."""
    wheels = sorted(CACHE.glob("gensim-4.3.3-*.whl"))
    if not wheels:
        CACHE.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            GENSIM,
            "-d",
            str(CACHE),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603 - fixed argv
        wheels = sorted(CACHE.glob("gensim-4.3.3-*.whl"))
        if done.returncode or not wheels:
            raise LeeMissing(f"could not download the {GENSIM} wheel: {done.stderr.strip()[-300:]}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        found = {name: wheel.read(f"gensim/test/test_data/{name}") for name in FILES}
    for name, data in found.items():
        if hashlib.sha256(data).hexdigest() != FILES[name]:
            raise LeeMissing(f"{name} in {wheels[-1].name} is not the published file (checksum)")
    return {name: data.decode("latin-1") for name, data in found.items()}


def lee_corpus() -> tuple[list[str], list[str], list[list[float]]]:
    files = lee_files()
    lee = [line for line in files["lee.cor"].splitlines() if line.strip()]
    background = [line for line in files["lee_background.cor"].splitlines() if line.strip()]
    rows = [
        [float(x) for x in line.split()] for line in io.StringIO(files["similarities0-1.txt"]) if line.strip()
    ]
    ratings = [[rows[min(i, j)][max(i, j)] for j in range(len(lee))] for i in range(len(lee))]
    return lee, background, ratings


# Measures ------------------------------------------------------------------------------------------------------
def pearson(a: list[float], b: list[float]) -> float:
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    num = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    den = math.sqrt(sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b))
    return num / den if den else 0.0


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    return pearson(_ranks(a), _ranks(b))


def measures(
    scores: list[dict[int, float]], ratings: list[list[float]], shown: list[list[int]] | None = None
) -> dict:
    """``scores[i][j]``: closeness of Lee story j to story i; ``shown[i]``: the order shown (by score when
    not given)."""
    n = len(ratings)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    ours = [(scores[i].get(j, 0.0) + scores[j].get(i, 0.0)) / 2 for i, j in pairs]
    humans = [ratings[i][j] for i, j in pairs]
    shown = shown or [
        sorted((j for j in range(n) if j != i), key=lambda j: -scores[i].get(j, 0.0)) for i in range(n)
    ]
    per_story = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        position = {j: p for p, j in enumerate(shown[i])}
        order = [-position.get(j, len(others)) for j in others]  # unshown last, tied
        per_story.append(spearman(order, [ratings[i][j] for j in others]))
    return {
        "pearson": pearson(ours, humans),
        "spearman_shown": statistics.fmean(per_story),
        "top3": statistics.fmean(statistics.fmean(ratings[i][j] for j in shown[i][:3]) for i in range(n)),
    }


def tfidf_scores(lee: list[str], background: list[str]) -> list[dict[int, float]]:
    from newsdesk.search.query import STOPWORDS

    bags = [
        Counter(w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in STOPWORDS)
        for text in lee + background
    ]
    df = Counter(word for found in bags for word in found)
    vectors = []
    for found in bags[: len(lee)]:
        weights = {w: c * math.log(len(bags) / df[w]) for w, c in found.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        vectors.append({w: x / norm for w, x in weights.items()})
    return [
        {j: sum(x * vectors[j].get(w, 0.0) for w, x in vectors[i].items()) for j in range(len(lee)) if j != i}
        for i in range(len(lee))
    ]


def baselines(ratings: list[list[float]]) -> dict:
    n = len(ratings)
    return {
        "random3": statistics.fmean(ratings[i][j] for i in range(n) for j in range(n) if j != i),
        "best3": statistics.fmean(statistics.fmean(sorted((ratings[i][j] for j in range(n) if j != i), reverse=True)[:3]) for i in range(n)),
    }  # fmt: skip


# The worker: one engine, one throwaway database --------------------------------------------------------------
def _worker(engine: str) -> dict:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.html import escape

    from newsdesk.news.models import Article, Section
    from newsdesk.search.selectors import related_articles, related_scores
    from newsdesk.search.services import search_rebuild

    call_command("migrate", verbosity=0)
    lee, background, ratings = lee_corpus()
    section = Section.objects.get(slug="society")
    now = timezone.now()
    texts = background + lee  # the background is the older archive; the Lee stories the newest
    articles = []
    for n, text in enumerate(texts):
        first, *rest = _SENTENCE.split(" ".join(text.split()), maxsplit=1)
        published = now - dt.timedelta(hours=len(texts) - n)
        articles.append(
            Article(
                headline=first[:300], slug=f"lee-{n}", guid=f"urn:lee:{n}", public_id=n + 1,
                body="".join(f"<p>{escape(part)}</p>" for part in rest), section=section,
                status=Article.Status.PUBLISHED, publish_at=published, first_published_at=published,
            )
        )  # fmt: skip
    Article.objects.bulk_create(articles)
    search_rebuild(batch_size=500)
    ids = list(Article.objects.order_by("public_id").values_list("pk", flat=True))
    lee_ids = ids[len(background) :]
    number = {pk: i for i, pk in enumerate(lee_ids)}
    found = related_scores(article_ids=lee_ids, at=now)
    scores = [{number[pk]: s for pk, s in found[pk] if pk in number} for pk in lee_ids]
    pipeline = measures(scores, ratings)
    by_pk = Article.objects.in_bulk(lee_ids)
    shown = [
        [number[a.pk] for a in related_articles(article=by_pk[pk], limit=49, at=now) if a.pk in number]
        for pk in lee_ids
    ]
    newsroom = measures(
        scores,
        ratings,
        shown=[s + [j for j in range(len(lee)) if j not in s and j != i] for i, s in enumerate(shown)],
    )
    return {
        "engine": engine,
        "pipeline": pipeline,
        "newsroom_top3": newsroom["top3"],
        "tfidf": measures(tfidf_scores(lee, background), ratings),
        **baselines(ratings),
    }  # fmt: skip


def report(result: dict) -> str:
    p, t = result["pipeline"], result["tfidf"]
    return "\n".join(
        [
            f"\n{result['engine']}: Lee corpus, 50 stories rated in pairs (+300 background); targets Pearson >= 0.60, "
            "first three >= 0.58",
            f"  {'':<38} {'Pearson':>8} {'Spearman shown':>15} {'first 3':>8}",
            f"  {'Read also (pipeline, related_scores)':<38} {p['pearson']:>8.3f} {p['spearman_shown']:>15.3f} {p['top3']:>8.3f}",
            f"  {'newsroom (related_articles)':<38} {'':>8} {'':>15} {result['newsroom_top3']:>8.3f}",
            f"  {'TF-IDF cosine':<38} {t['pearson']:>8.3f} {t['spearman_shown']:>15.3f} {t['top3']:>8.3f}",
            f"  {'random three / best three':<38} {'':>8} {'':>15} {result['random3']:.3f} / {result['best3']:.3f}",
        ]
    )  # fmt: skip


def main() -> None:
    try:
        lee_files()
    except (LeeMissing, OSError, subprocess.SubprocessError) as exc:
        print(f"related_quality skipped: the Lee corpus is not available ({exc})")
        return
    engines = [a for a in sys.argv[1:] if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    results = []

    def spawn(engine: str, env: dict[str, str]) -> None:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", "benchmarks.related_quality", "--worker", engine, out.name]
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
            print(f"related_quality: PostgreSQL skipped ({exc})")
    out = ROOT / "var" / "bench" / "related-quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        Path(sys.argv[3]).write_text(json.dumps(_worker(sys.argv[2])))
    else:
        main()
