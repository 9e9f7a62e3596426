"""A backup taken while the site works: `newsdesk backup` during a 20,000-item wire ingest and 200 requests/s of
pages, then restored into a fresh data folder that must pass the smoke test (home, an article, search, the API,
the newsroom's sign-in) with every story committed before the backup started.

The site: `newsdesk serve` (granian, 2 processes, and the worker) on SQLite. The ingest: BENCH_LOAD_ITEMS
(default 20,000) Reuters-21578 stories as ninjs files, `newsdesk ingest --publish`. The load: BENCH_LOAD_RATE
(default 200) requests/s spread over the home page, the news feed, an article, search and the API, from
threads, each request on a connection of its own. The backup starts once BENCH_LOAD_BEFORE (default 5,000)
stories are stored. Reported: the backup's time under that load, the restore's, the requests' latency before and
during the backup (p50, p99) and their errors, and each smoke check. Not in `make bench`'s default run (it takes
minutes): BENCH_BACKUP_UNDER_LOAD=1 turns it on.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.ingest_bench import CORPUS, ROOT, _env, convert
from tests.stack.stack import free_port

PASSWORD = "night-shift-bench-password"  # noqa: S105 - a throwaway site's, for the sign-in smoke check


def _newsdesk(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, check=True, **kwargs)  # fmt: skip


def _count(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM news_article").fetchone()
    finally:
        conn.close()


class Load:
    """``rate`` requests/s from threads until stopped; (time, seconds, status) of each."""

    def __init__(self, port: int, paths: list[str], rate: int) -> None:
        self.port, self.paths, self.rate = port, paths, rate
        self.results: list[tuple[float, float, int]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _one(self, path: str) -> None:
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError:
            status = 0
        with self.lock:
            self.results.append((started, time.monotonic() - started, status))

    def run(self) -> None:
        interval, n = 1.0 / self.rate, 0
        begin = time.monotonic()
        while not self.stop.is_set():
            due = begin + n * interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the load's pace: a request every 1/rate s
            threading.Thread(target=self._one, args=(self.paths[n % len(self.paths)],), daemon=True).start()
            n += 1


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    ordered = sorted(values)
    return f"p50 {ordered[len(ordered) // 2] * 1000:.0f} ms, p99 {ordered[int(len(ordered) * 0.99)] * 1000:.0f} ms"


def main() -> None:
    if os.environ.get("BENCH_BACKUP_UNDER_LOAD") != "1":
        print("skipped: set BENCH_BACKUP_UNDER_LOAD=1 (it takes minutes)")
        return
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora sit beside the project)")
        return
    items = int(os.environ.get("BENCH_LOAD_ITEMS", "20000"))
    rate = int(os.environ.get("BENCH_LOAD_RATE", "200"))
    before_backup = int(os.environ.get("BENCH_LOAD_BEFORE", "5000"))
    with tempfile.TemporaryDirectory(prefix="newsdesk-backup-load-") as tmp:
        tmp = Path(tmp)
        site, fresh, files = tmp / "site", tmp / "fresh", tmp / "ninjs"
        for folder in (site, fresh, files):
            folder.mkdir()
        env = _env(site, {"NEWSDESK_ACCESS_LOG": "0"})
        _newsdesk(env, "migrate", "--no-input", "-v0")
        _newsdesk(env, "collectstatic", "--no-input", "-v0")
        _newsdesk(env, "shell", "-c", "from django.contrib.auth.models import User; "
                  f"User.objects.create_superuser('night', password='{PASSWORD}')")  # fmt: skip
        convert(files, limit=items)
        first = sorted(files.iterdir())[:50]
        seed = tmp / "seed"
        seed.mkdir()
        for path in first:
            path.rename(seed / path.name)
        _newsdesk(env, "ingest", "--publish", "--section", "world", str(seed))
        public_id, slug = _newsdesk(env, "shell", "-c", "from newsdesk.news.models import Article; "
                                    "a = Article.objects.order_by('id').first(); print(a.public_id, a.slug)"
                                    ).stdout.split()[-2:]  # fmt: skip
        port = free_port()
        serve = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", str(port), "--workers", "2"],  # noqa: S603
                                 env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 process_group=0)  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                time.sleep(0.2)  # the server's start has no event to wait on from here
            paths = [
                "/",
                "/news/",
                f"/news/{public_id}/{slug}/",
                "/search/?q=oil+prices",
                "/api/v1/items?limit=10",
            ]
            load = Load(port, paths, rate)
            threading.Thread(target=load.run, daemon=True).start()
            time.sleep(5)  # the "before" sample of latencies: five seconds of load with nothing else
            ingest = subprocess.Popen([sys.executable, "-m", "newsdesk", "ingest", "--publish", "--section", "world",  # noqa: S603
                                       str(files)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
            while _count(site / "newsdesk.sqlite3")[0] < before_backup and ingest.poll() is None:
                time.sleep(0.2)
            stored_before, max_before = _count(site / "newsdesk.sqlite3")
            backup_started = time.monotonic()
            _newsdesk(env, "backup", str(tmp / "site.tar"))
            backup_seconds = time.monotonic() - backup_started
            backup_ended = time.monotonic()
            ingest.wait(timeout=1800)
            load.stop.set()
            stored_after = _count(site / "newsdesk.sqlite3")[0]
        finally:
            os.killpg(serve.pid, signal.SIGTERM)
            serve.wait(timeout=60)
        env_fresh = _env(fresh, {})
        started = time.monotonic()
        _newsdesk(env_fresh, "restore", str(tmp / "site.tar"))
        restore_seconds = time.monotonic() - started
        _newsdesk(env_fresh, "collectstatic", "--no-input", "-v0")
        smoke = _newsdesk(env_fresh, "shell", "-c", SMOKE.format(public_id=public_id, slug=slug, password=PASSWORD,
                                                                 max_before=max_before, stored_before=stored_before)).stdout  # fmt: skip
        checks = json.loads(smoke.strip().splitlines()[-1])  # ingest only adds: the stories up to max_before
        # are exactly those stored when the backup started (SQLite gives ids in commit order, one writer)
    results = load.results
    before = [s for t, s, _ in results if t < backup_started - 1 and t > backup_started - 30]
    during = [s for t, s, _ in results if backup_started <= t <= backup_ended]
    failed = [status for _, _, status in results if status == 0 or status >= 500]
    errors = (
        f"{len(failed)} ({', '.join(sorted({str(s or 'no answer') for s in failed}))})" if failed else "0"
    )
    print(
        f"{items:,} stories ingested while {rate} requests/s were served; the backup started at {stored_before:,}"
    )
    print(
        f"  backup under load: {backup_seconds:.1f} s; restore into a fresh data folder: {restore_seconds:.1f} s"
    )
    print(f"  requests: {len(results):,}, errors {errors}; before the backup {_percentiles(before)}; "
          f"during it {_percentiles(during)}")  # fmt: skip
    print(f"  stored at the end: {stored_after:,}; restored: {checks['restored']:,} "
          f"(every story committed before the backup: {'yes' if checks['all_before'] else 'NO'})")  # fmt: skip
    for name in ("home", "article", "search", "api", "sign-in"):
        print(f"  smoke {name}: {'passed' if checks[name] else 'FAILED'}")


SMOKE = """
import json
from django.test import Client
from newsdesk.news.models import Article
c = Client(HTTP_HOST="127.0.0.1")
article = c.get("/news/{public_id}/{slug}/")
search = c.get("/search/?q=oil")
api = c.get("/api/v1/items?limit=5")
signed = Client(HTTP_HOST="127.0.0.1")
login = signed.post("/newsroom/login/", {{"username": "night", "password": "{password}"}})
print(json.dumps({{
    "home": c.get("/").status_code == 200,
    "article": article.status_code == 200,
    "search": search.status_code == 200 and b"oil" in search.content.lower(),
    "api": api.status_code == 200 and len(api.json().get("items", api.json().get("data", []))) > 0,
    "sign-in": login.status_code == 302 and signed.get("/newsroom/").status_code == 200,
    "restored": Article.objects.count(),
    "all_before": Article.objects.filter(id__lte={max_before}).count() == {stored_before},
}}))
"""


if __name__ == "__main__":
    main()
