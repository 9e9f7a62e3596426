"""Reader pages with no HTTP cache in front (issue: Reader site), on a database of 100,000 articles.

One run, same machine, granian WSGI with 2 workers as `make run` starts it, SQLite: nginx serving the saved
article page as a static file (the physical reference), a trivial Django view (the same middleware, no
database), and

- **article, cold**: a different article on every request (a Lua script walks all 100,000 in a scattered
  order), so neither the page kept per version nor SQLite's page cache helps — every request reads and renders;
- **article, warm**: the same article again and again: the page kept for its version (newsdesk.site.fragments)
  is served with its per-request parts filled in — still one state read per request, no HTTP/proxy cache;
- a 3-section filtered feed at page 1 and page 1,000 (keyset cursor).

Rounds alternate the runs; each figure is the median of ROUNDS. Targets: article ≥ 0.5x the trivial view;
feed page 1,000 within 10% of page 1. ``--inprocess`` prints only the CPU time per request measured in one
process (less noisy than HTTP on a shared machine), on the same kind of database.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from benchmarks.scale_pages import CONNECTIONS, SECONDS, line, nginx_static, wrk
from tests.analytics.livesrv import BIN, ROOT, build_site, granian, server_env, temp_data_dir

ARTICLES = 100_000
ROUNDS = 3
SECTIONS = ("politics", "world", "economy")
FIRST_ID = 300_000_000

# Real tass.com text (the seed page and the agency's headlines of 29–30 May 2017), cycled with a serial number.
BUILD = """
import datetime as dt, json
from django.utils import timezone
from newsdesk.news.models import Article, Section
from tests.factories import HEADLINES
from tests.site.conftest import MORE_HEADLINES
from tests.site.test_article import SEED_BODY as body
heads = HEADLINES + MORE_HEADLINES
lead = "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral relations hit their lowest point"
sections = list(Section.objects.all())
now = timezone.now()
rows = []
for n in range({count}):
    at = now - dt.timedelta(minutes=2 * n + 1)
    rows.append(Article(public_id={first} + n, guid=f"urn:newsml:bench:{{n}}", slug=f"bench-{{n}}",
        headline=f"{{heads[n % len(heads)]}} ({{n}})", lead=lead, body=body,
        dateline_place="MOSCOW", section=sections[n % len(sections)], status="published",
        publish_at=at, first_published_at=at))
    if len(rows) == 2000:
        Article.objects.bulk_create(rows); rows = []
Article.objects.bulk_create(rows)
"""

# Every request a different article: n walks 0..count-1 in a scattered order (7919 is prime to the count).
COLD_LUA = """
local n = 0
request = function()
  n = n + 1
  local k = (n * 7919) %% %d
  return wrk.format("GET", string.format("/news/%%d/bench-%%d/", %d + k, k))
end
"""

# CPU time per request in one process (time.process_time: what the page costs, not what the machine's other
# load adds). The WSGI handler is called directly, with the project's middleware.
INPROCESS = """
import io, json, time
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
def call(path):
    p, _, q = path.partition("?")
    env = {{"REQUEST_METHOD": "GET", "PATH_INFO": p, "QUERY_STRING": q, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1"}}
    status = []
    body = b"".join(app(env, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200"), (path, status)
    return body
def ms(paths, n):
    for p in paths[-3:]: call(p)
    best = []
    for r in range(3):  # each round its own paths: a cold round must not find the pages an earlier one kept
        start = time.process_time()
        for i in range(n): call(paths[((r * n + i) * 7919 + 11) % len(paths)])
        best.append((time.process_time() - start) / n * 1000)
    return min(best)
cold = [f"/news/{{{first} + k}}/bench-{{k}}/" for k in range(0, {count}, 7)]
out = {{
    "trivial view": ms(["/bench/trivial/"], 2000),
    "article, cold": ms(cold, 300),
    "article, warm": ms(["/news/{first}/bench-0/"], 1000),
    "filtered feed, page 1": ms([{feed!r}], 200),
}}
print(json.dumps(out))
"""


def build(env: dict) -> None:
    build_site(env, BUILD.format(count=ARTICLES, first=FIRST_ID))


def feed_path() -> str:
    return "/news/?" + "&".join(f"section={s}" for s in SECTIONS)


def in_process(env: dict) -> dict:
    code = INPROCESS.format(first=FIRST_ID, count=ARTICLES, feed=feed_path())
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    out = subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def deep_feed_url(base: str, feed: str, pages: int) -> str:
    """Follow "More news" ``pages`` times by reading each page's cursor link (as a reader's browser would)."""
    url = base + feed
    for _ in range(pages - 1):
        html = urllib.request.urlopen(url, timeout=30).read().decode()  # noqa: S310 - our own local server
        start = html.index('href="', html.index("data-more") - 200)
        href = html[start + 6 : html.index('"', start + 6)].replace("&amp;", "&")
        url = base + href
    return url


def measure(base: str, root: str) -> list[tuple[str, dict]]:
    article = f"/news/{FIRST_ID}/bench-0/"
    html = urllib.request.urlopen(base + article, timeout=30).read()  # noqa: S310
    deep = deep_feed_url(base, feed_path(), 1000)
    cold = Path(root) / "cold.lua"
    cold.write_text(COLD_LUA % (ARTICLES, FIRST_ID))
    runs = {
        "trivial Django view": lambda: wrk(base + "/bench/trivial/"),
        "article, cold": lambda: wrk(base, str(cold)),
        "article, warm": lambda: wrk(base + article),
        "filtered feed, page 1": lambda: wrk(base + feed_path()),
        "filtered feed, page 1,000": lambda: wrk(deep),
    }
    static_root = tempfile.mkdtemp(prefix="newsdesk-nginx-")
    rounds: dict[str, list[dict]] = {name: [] for name in ["nginx static article (ref)", *runs]}
    try:
        with nginx_static(static_root, html) as static_url:
            for _ in range(ROUNDS):
                rounds["nginx static article (ref)"].append(wrk(static_url))
                for name, run in runs.items():
                    rounds[name].append(run())
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return [(name, _median(results)) for name, results in rounds.items()]


def _median(results: list[dict]) -> dict:
    middle = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
    return {**middle, "p50": statistics.median(r["p50"] for r in results)}


def report(results: list[tuple[str, dict]], cpu: dict) -> None:
    ref, trivial = results[0][1], results[1][1]
    print(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s, median of {ROUNDS} alternating rounds; granian WSGI (2 workers), "
          f"SQLite, {ARTICLES:,} articles, no HTTP cache")  # fmt: skip
    for name, result in results:
        print(line(name, result, ref) + f"  {result['rps'] / trivial['rps']:.2f}x trivial")
    print("CPU per request in one process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    named = dict(results)
    first, deep = named["filtered feed, page 1"], named["filtered feed, page 1,000"]
    spread = abs(deep["rps"] - first["rps"]) / first["rps"]
    for name in ("article, cold", "article, warm"):
        ratio = named[name]["rps"] / trivial["rps"]
        print(f"target {name} ≥ 0.5x trivial view: {ratio:.2f}x {'met' if ratio >= 0.5 else 'NOT met'}")
    print(
        f"target feed page 1,000 within 10% of page 1: {spread:.0%} {'met' if spread <= 0.10 else 'NOT met'}"
    )


def main() -> None:
    inprocess_only = "--inprocess" in sys.argv
    if not inprocess_only and not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages)")
        return
    data_dir = temp_data_dir()
    try:
        # The page cache off: every request is rendered (benchmarks/page_cache.py measures kept pages).
        env = server_env(data_dir, NEWSDESK_PAGE_CACHE="0")
        env["DJANGO_SETTINGS_MODULE"] = "benchmarks._reader_settings"
        build(env)
        cpu = in_process(env)
        if inprocess_only:
            print("CPU per request in one process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
            return
        with granian(env) as (port, _proc):
            results = measure(f"http://127.0.0.1:{port}", data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    report(results, cpu)


if __name__ == "__main__":
    main()
