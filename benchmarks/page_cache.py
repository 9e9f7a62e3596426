"""The page cache of one machine (newsdesk.edge.pagecache) on `make run`'s server, beside nginx serving the same
bytes, in one run.

granian WSGI with 2 workers as `make run` starts it, SQLite, 500 articles of real text over the sections. For
the home page, the news feed, a section page and an article: nginx serving the page's bytes as a static file
(the physical reference), the same page as an embedded cache hit, and the same page from a second server with
the page cache off (``NEWSDESK_PAGE_CACHE=0``: every request rendered by Django). wrk -t1 -c64, SECONDS each:
48 s of load in all. Target: a hit ≥ 0.25x nginx (issue "The embedded default holds real traffic").
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import urllib.request

from benchmarks.reader_pages import BUILD, FIRST_ID
from benchmarks.scale_pages import CONNECTIONS, line, nginx_static, wrk
from tests.analytics.livesrv import BIN, ROOT, granian, server_env, temp_data_dir

ARTICLES = 500
SECONDS = 4
TARGET = 0.25
PAGES = {
    "home": "/",
    "news feed": "/news/",
    "section": "/section/politics/",
    "article": f"/news/{FIRST_ID}/bench-0/",
}


def build(env: dict) -> None:
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(BIN / "newsdesk"), "migrate", "--no-input", "-v0"], **run)  # noqa: S603
    subprocess.run([str(BIN / "newsdesk"), "collectstatic", "--no-input", "-v0"], **run)  # noqa: S603
    code = BUILD.format(count=ARTICLES, first=FIRST_ID)
    subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run)  # noqa: S603


def kept_page(base: str, path: str) -> bytes:
    """The page's bytes, once each worker answers it from its cache (new connections reach both)."""
    hits, body = 0, b""
    for _ in range(40):
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 - our own local server
            body = response.read()
            hits += response.headers.get("X-Cache") == "HIT"
        if hits >= 6:
            return body
    raise RuntimeError(f"{path} is not answered from the page cache (X-Cache: HIT seen {hits} times)")


def measure(cached: str, uncached: str) -> list[tuple[str, dict, dict]]:
    results = []
    for name, path in PAGES.items():
        html = kept_page(cached, path)
        root = tempfile.mkdtemp(prefix="newsdesk-nginx-")
        try:
            with nginx_static(root, html) as static_url:
                ref = wrk(static_url, seconds=SECONDS)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        results.append((f"{name}: nginx, same {len(html):,} bytes (ref)", ref, ref))
        results.append((f"{name}: embedded cache hit", wrk(cached + path, seconds=SECONDS), ref))
        results.append((f"{name}: no page cache (Django)", wrk(uncached + path, seconds=SECONDS), ref))
    return results


def main() -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages)")
        return
    data_dir = temp_data_dir()
    try:
        env = server_env(data_dir)
        env.pop("NEWSDESK_PURGE_URLS", None)
        build(env)
        with (
            granian({**env, "NEWSDESK_PAGE_CACHE": "1"}) as (cached_port, _cached),
            granian({**env, "NEWSDESK_PAGE_CACHE": "0"}) as (uncached_port, _uncached),
        ):
            results = measure(f"http://127.0.0.1:{cached_port}", f"http://127.0.0.1:{uncached_port}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s; granian WSGI (2 workers) as `make run`, SQLite, {ARTICLES} "
          f"articles; each page beside nginx serving its bytes")  # fmt: skip
    worst = min(hit["rps"] / ref["rps"] for name, hit, ref in results if "cache hit" in name)
    for name, result, ref in results:
        print(line(name, result, ref))
    print(f"target: embedded cache hit ≥ {TARGET}x nginx on every page: lowest {worst:.2f}x "
          f"{'met' if worst >= TARGET else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
