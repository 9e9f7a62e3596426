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
The same ratings again without a database (``lee_beside``), the 50 beside Lee's background, beside the demo's
485 tass.com stories (a `make run` site), and alone (a new site): a word's frequencies come from the stories
beside it.

Two more judged sets, of other outlets and other judges, scored once (the similarity is the same Python on
both engines: ``related.Pool`` and ``Index.similar_many``, what ``related_scores`` calls, over the stories'
text, without a database), each beside TF-IDF cosine and a random pick:
- **Reuters topics**: the 19,043 Reuters-21578 stories with a title and a body in six pools of 3,000 in
  order of time (what the pipeline compares against: the newest 3,000), every story with a TOPICS label a
  subject; a suggestion is right when it shares a topic with the story (precision of the first 3 and 10);
- **MEANTIME groups**: the 120 English Wikinews stories of MEANTIME, in four groups by their subject (Airbus,
  Apple, General Motors, the stock market), with GUM's 24 Wikinews stories beside them; right when of the
  same group;
- **NEREL names** (Russian): NEREL's 933 Russian Wikinews stories; right when both name a person or an
  organisation linked to the same Wikidata entity, among those named in at most ``COMMON_NAME`` of the
  stories (Russia's president is named in a fifth of them: sharing him says little).
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

from benchmarks.search_bench import REUTERS, ROOT

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


# The same ratings, the 50 beside other stories -------------------------------------------------------------
def lee_beside() -> list[dict]:
    """Read also's agreement with the ratings (``Pool``, no database) as a site would have the 50 stories
    beside others, which give the words their frequencies: Lee's 300 background stories (as the worker loads
    them), the demo's 485 tass.com stories (a `make run` site), or none (a new site); TF-IDF beside each."""
    from benchmarks import _judged, _tune_related

    lee, background, ratings = lee_corpus()

    def split(text: str) -> tuple[str, str]:
        first, *rest = _SENTENCE.split(" ".join(text.split()), maxsplit=1)
        return first[:300], rest[0] if rest else ""

    sites = [("Lee's 300 background stories", [split(text) for text in background])]
    try:
        rows = _judged._news_rows()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        print(f"related_quality: the demo's stories skipped ({exc})")
    else:
        demo = [(row["title"], row["text"]) for row in rows if "tass.com" in row["article_source_link"]]
        sites.append((f"the demo's {len(demo)} tass.com stories", demo))
    sites.append(("nothing else", []))
    found = []
    for name, others in sites:
        scores = _tune_related.lee_scores(others + [split(text) for text in lee], len(others), {})
        baseline = tfidf_scores(lee, [f"{head} {body}" for head, body in others])
        found.append(
            {"beside": name, "ours": measures(scores, ratings), "tfidf": measures(baseline, ratings)}
        )
    return found


def report_beside(rows: list[dict]) -> str:
    lines = [
        "\nThe 50 Lee stories beside other stories (no database): Pearson / first three",
        f"  {'beside':<34} {'Read also':>15} {'TF-IDF':>15}",
    ]
    for r in rows:
        ours, tfidf = r["ours"], r["tfidf"]
        lines.append(
            f"  {r['beside']:<34} {ours['pearson']:>7.3f} / {ours['top3']:.3f} {tfidf['pearson']:>7.3f} / {tfidf['top3']:.3f}"
        )
    return "\n".join(lines)


# More judged sets: stories that share a label ---------------------------------------------------------------
REUTERS_POOL = 3_000
COMMON_NAME = 0.05


def reuters_pools() -> list[tuple[str, list[tuple[str, str]], list[int], list[frozenset]]]:
    """(name, (headline, body) of each story, the subjects, each story's labels) of each pool: Reuters-21578
    in pools of ``REUTERS_POOL`` stories in order of time, the subjects those with a TOPICS label."""
    from benchmarks import _judged

    reuters = _judged._reuters()
    topics: dict[str, set[str]] = {}
    for label, keys in reuters.labels["TOPICS"].items():
        for key in keys:
            topics.setdefault(key, set()).add(label)
    stories = sorted(reuters.stories, key=lambda story: (story.published, story.key))
    pools = []
    for number, start in enumerate(range(0, len(stories) - REUTERS_POOL + 1, REUTERS_POOL)):
        chunk = stories[start : start + REUTERS_POOL]
        labels = [frozenset(topics.get(story.key, ())) for story in chunk]
        texts = [(story.headline, " ".join(story.paragraphs)) for story in chunk]
        pools.append(
            (
                f"Reuters topics, pool {number + 1}",
                texts,
                [i for i, found in enumerate(labels) if found],
                labels,
            )
        )
    return pools  # fmt: skip


def meantime_groups() -> tuple[str, list[tuple[str, str]], list[int], list[frozenset]]:
    """MEANTIME's 120 stories labelled with their group (the folder they come in), GUM's beside them."""
    from benchmarks import _judged

    stories, _ = _judged.wikinews()
    group = {
        "meantime:" + path.stem.split("_", 1)[0]: path.parent.name
        for path in (_judged.ENTITIES / "meantime" / "GOLD").glob("*/*.naf")
    }
    labels = [frozenset([group[s.key]]) if s.key in group else frozenset() for s in stories]
    texts = [(story.headline, " ".join(story.paragraphs)) for story in stories]
    return "MEANTIME groups", texts, [i for i, found in enumerate(labels) if found], labels


def nerel_names() -> tuple[str, list[tuple[str, str]], list[int], list[frozenset]]:
    """NEREL's stories labelled with the people and organisations they name (the less common ones)."""
    from benchmarks import _judged

    stories, found, _ = _judged.nerel()
    number = {story.key: i for i, story in enumerate(stories)}
    labels: list[set[str]] = [set() for _ in stories]
    for kind in ("ru-people", "ru-organisations"):
        for link, keys in found[kind].items():
            if len(keys) <= COMMON_NAME * len(stories):
                for key in keys:
                    labels[number[key]].add(link)
    texts = [(story.headline, " ".join(story.paragraphs)) for story in stories]
    return (
        "NEREL names (Russian)",
        texts,
        [i for i, x in enumerate(labels) if x],
        [frozenset(x) for x in labels],
    )


def read_also_lists(texts: list[tuple[str, str]], subjects: list[int], limit: int = 10) -> list[list[int]]:
    """Each subject's first ``limit`` suggestions among ``texts`` as the pipeline ranks them."""
    import numpy as np

    from newsdesk.search import related

    pool = related.Pool()
    pool.sync(
        dict.fromkeys(range(len(texts)), 1),
        lambda ids: {i: (related.bag(texts[i][0], "", texts[i][1]), frozenset()) for i in ids},
        now=0.0,
    )
    keys, scores = pool.index.similar_many([(pool.vector(pool.bags[i], member=i), i) for i in subjects])
    found, scores = np.asarray(keys), scores.tocsr()
    return [[key for key, _ in related.best_of(scores, row, found, limit)] for row in range(len(subjects))]


def tfidf_lists(texts: list[tuple[str, str]], subjects: list[int], limit: int = 10) -> list[list[int]]:
    """The same with ``tfidf_scores``' cosine (idf over the pool; English and Russian stop words out), ties the
    later story first."""
    import numpy as np
    from scipy import sparse

    from newsdesk.search.analysis import RUSSIAN_STOPWORDS
    from newsdesk.search.query import STOPWORDS

    stop = STOPWORDS | RUSSIAN_STOPWORDS
    bags = [
        Counter(w for w in re.findall(r"[^\W\d_]{3,}", f"{head} {body}".lower()) if w not in stop)
        for head, body in texts
    ]
    df = Counter(word for found in bags for word in found)
    columns: dict[str, int] = {}
    rows, cols, data = [], [], []
    for row, found in enumerate(bags):
        weights = {w: c * math.log(len(bags) / df[w]) for w, c in found.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        for word, x in weights.items():
            rows.append(row)
            cols.append(columns.setdefault(word, len(columns)))
            data.append(x / norm)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(bags), max(len(columns), 1)))
    lists = []
    for row, similar in zip(subjects, (matrix[subjects] @ matrix.T).toarray(), strict=True):
        similar[row] = 0.0
        order = np.lexsort((-np.arange(len(bags)), -np.round(similar, 9)))[:limit]
        lists.append([int(i) for i in order if similar[i] > 0])
    return lists


def precision(lists: list[list[int]], subjects: list[int], labels: list[frozenset], k: int) -> float:
    """The share of each subject's first ``k`` that share a label with it, averaged over the subjects."""
    return statistics.fmean(
        sum(1 for j in shown[:k] if labels[i] & labels[j]) / k
        for i, shown in zip(subjects, lists, strict=True)
    )


def by_chance(subjects: list[int], labels: list[frozenset]) -> float:
    """What a random pick would get: the share of the other stories that share a label, averaged."""
    n = len(labels)
    return statistics.fmean(
        sum(1 for j in range(n) if j != i and labels[i] & labels[j]) / (n - 1) for i in subjects
    )


def other_sets() -> list[dict]:
    """Read also and TF-IDF cosine on the Reuters pools, MEANTIME's groups and NEREL's names (empty when
    ../shared is not there)."""
    from benchmarks import _judged

    if _judged.available(("news", "wikinews")):
        return []
    sets = [meantime_groups(), *reuters_pools()]
    if not _judged.available(("nerel",)):
        sets.append(nerel_names())
    rows = []
    for name, texts, subjects, labels in sets:
        ours, tfidf = read_also_lists(texts, subjects), tfidf_lists(texts, subjects)
        rows.append({
            "set": name, "stories": len(texts), "subjects": len(subjects), "chance": by_chance(subjects, labels),
            **{f"{who}@{k}": precision(found, subjects, labels, k)
               for who, found in (("ours", ours), ("tfidf", tfidf)) for k in (3, 10)},
        })  # fmt: skip
    return rows


def report_sets(rows: list[dict]) -> str:
    lines = [
        "\nOther judged sets (no database): a suggestion is right when it shares the story's label",
        f"  {'set':<26} {'subjects':>9} {'Read also @3 / @10':>19} {'TF-IDF @3 / @10':>16} {'random':>7}",
    ]
    for r in rows:
        lines.append(
            f"  {r['set']:<26} {r['subjects']:>9,} {r['ours@3']:>10.3f} / {r['ours@10']:.3f} "
            f"{r['tfidf@3']:>7.3f} / {r['tfidf@10']:.3f} {r['chance']:>7.3f}"
        )
    return "\n".join(lines)


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
    engines = [a for a in sys.argv[1:] if a in ("sqlite", "postgres")] or ["sqlite", "postgres"]
    try:
        lee_files()
    except (LeeMissing, OSError, subprocess.SubprocessError) as exc:
        print(f"related_quality: the Lee corpus skipped, not available ({exc})")
        engines = []
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
    beside = lee_beside() if engines else []
    if beside:
        print(report_beside(beside), flush=True)
    sets = other_sets()
    if sets:
        print(report_sets(sets), flush=True)
    else:
        print(
            f"related_quality: the other sets skipped (Reuters-21578 or the entity corpora not at {REUTERS.parent})"
        )
    out = ROOT / "var" / "bench" / "related-quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"lee": results, "lee_beside": beside, "other_sets": sets}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        Path(sys.argv[3]).write_text(json.dumps(_worker(sys.argv[2])))
    else:
        main()
