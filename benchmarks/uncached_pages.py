"""The first reader after a publish: home, news feed and a section page rendered by Django (no page cache), each
beside a trivial Django view in the same run.

A site as an agency's looks (benchmarks/_reader_data.py: articles over every section with persons, topics, lead
photos and urgent items, five top stories with photos, galleries, infographics, a week of Most read reads),
SQLite, ``NEWSDESK_PAGE_CACHE=0`` so that every request renders.

- **In one process**: CPU time per render (time.process_time, the best of 10 rounds; less noisy than HTTP on a
  shared machine) and the queries each page makes (the edge middleware's read of the next scheduled
  publication included: the trivial view makes it too), for ARTICLES and for BIG articles.
- **Over HTTP**: granian WSGI with 2 workers as `make run` starts it, wrk -t1 -c64, SECONDS per page, ROUNDS
  alternating rounds (median), on ARTICLES articles: 4 x 3 x 3 = 36 s of load.

Target (issue "The embedded default holds real traffic"): uncached home, feed and section ≥ 0.25x the trivial
view. ``--inprocess`` runs only the in-process part; ``--articles N`` changes ARTICLES.

Before the pages were reworked (same machine, 2 cores shared): in one process home 12.6 ms (18 queries), feed
2.9 ms (4), section 2.5 ms (4), trivial 0.20 ms; over HTTP trivial 4,112 req/s, home 83 (0.02x), feed 442
(0.11x), section 396 (0.10x).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess

from benchmarks.scale_pages import CONNECTIONS, wrk
from tests.analytics.livesrv import BIN, ROOT, build_site, granian, server_env, temp_data_dir

ARTICLES = 500
BIG = 20_000
SECONDS = 3
ROUNDS = 3
TARGET = 0.25
PAGES = {
    "trivial Django view": "/bench/trivial/",
    "home": "/",
    "news feed": "/news/",
    "section": "/section/politics/",
}

# Run inside the project (``newsdesk shell``): CPU per render and queries per page, through the WSGI handler with
# the project's middleware, as granian calls it.
INPROCESS = """
import io, json, time
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
app = WSGIHandler()
def call(path):
    p, _, q = path.partition("?")
    env = {{"REQUEST_METHOD": "GET", "PATH_INFO": p, "QUERY_STRING": q, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1"}}
    status = []
    b"".join(app(env, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (path, status)
def queries(path):
    seen = []
    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)
    with connection.execute_wrapper(count):
        call(path)
    return len(seen)
def ms(path, n):
    for _ in range(5): call(path)
    best = []
    for _ in range(10):
        start = time.process_time()
        for _ in range(n): call(path)
        best.append((time.process_time() - start) / n * 1000)
    return min(best)
pages = {pages!r}
print(json.dumps({{name: [ms(path, 500 if "trivial" in name else 60), queries(path)] for name, path in pages.items()}}))
"""


def build(env: dict, articles: int) -> None:
    build_site(env, f"from benchmarks._reader_data import build; build({articles})")


def bench_env(data_dir: str) -> dict:
    env = server_env(data_dir, NEWSDESK_PAGE_CACHE="0")
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks._reader_settings"
    return env


def in_process(env: dict) -> dict[str, tuple[float, int]]:
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    code = INPROCESS.format(pages=PAGES)
    out = subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def over_http(base: str) -> dict[str, dict]:
    rounds: dict[str, list[dict]] = {name: [] for name in PAGES}
    for _ in range(ROUNDS):
        for name, path in PAGES.items():
            rounds[name].append(wrk(base + path, seconds=SECONDS))
    medians = {}
    for name, results in rounds.items():
        middle = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
        medians[name] = {**middle, "p50": statistics.median(r["p50"] for r in results)}
    return medians


def report_cpu(articles: int, cpu: dict) -> None:
    trivial = cpu["trivial Django view"][0]
    print(f"In one process, {articles:,} articles (CPU ms per render, best of 10 rounds; queries per page):")
    for name, (ms, queries) in cpu.items():
        print(f"  {name:22} {ms:7.2f} ms  {queries:3d} queries  {trivial / ms:.2f}x trivial")


def report_http(results: dict) -> None:
    trivial = results["trivial Django view"]["rps"]
    print(f"HTTP: wrk -t1 -c{CONNECTIONS} -d{SECONDS}s, median of {ROUNDS} alternating rounds; granian WSGI "
          f"(2 workers), SQLite, {ARTICLES:,} articles, no page cache")  # fmt: skip
    worst = 1.0
    for name, r in results.items():
        ratio = r["rps"] / trivial
        if name != "trivial Django view":
            worst = min(worst, ratio)
        bad = f", {r['bad']} non-2xx/3xx" if r["bad"] else ""
        print(f"  {name:22} {r['rps']:8,.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  "
              f"{ratio:.2f}x trivial{bad}")  # fmt: skip
    verdict = "met" if worst >= TARGET else "NOT met"
    print(
        f"target: uncached home, feed and section ≥ {TARGET}x the trivial view: lowest {worst:.2f}x {verdict}"
    )


def main(argv: list[str] | None = None) -> None:
    global ARTICLES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inprocess", action="store_true", help="only the in-process CPU and query figures")
    parser.add_argument("--articles", type=int, default=ARTICLES)
    args = parser.parse_args(argv if argv is not None else [])
    ARTICLES = args.articles
    if not args.inprocess and not shutil.which("wrk"):
        print("skipped: needs wrk (Debian package)")
        return
    for articles in (ARTICLES, BIG):
        data_dir = temp_data_dir()
        try:
            env = bench_env(data_dir)
            build(env, articles)
            report_cpu(articles, in_process(env))
            if articles == ARTICLES and not args.inprocess:
                with granian(env) as (port, _proc):
                    report_http(over_http(f"http://127.0.0.1:{port}"))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
