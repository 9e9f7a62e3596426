"""A backup taken while the site works: `newsdesk backup` during a 20,000-item wire ingest and 200 requests/s of
pages, then restored into a fresh data folder that must pass the smoke test (home, an article, search, the API,
the newsroom's sign-in) with every story committed before the backup started.

The site: `newsdesk serve` (granian, 2 processes, and the worker) on SQLite. The ingest: BENCH_LOAD_ITEMS
(default 20,000) Reuters-21578 stories as ninjs files, `newsdesk ingest --publish`. The load: BENCH_LOAD_RATE
(default 200) requests/s spread over the home page, the news feed, an article, search and the API, from
threads, each request on a connection of its own (an open loop), all from 127.0.0.1 (it stands for many readers:
the API's anonymous rate per address and the server's connections per address are raised for it). The backup starts once BENCH_LOAD_BEFORE
(default 5,000) stories are stored. Reported: the stories committed when the backup started and whether every
one of them is in the restored site, the backup's time under that load and the restore's, each smoke check, and
the requests of each phase (load alone, ingest, ingest and backup, ingest after it): answered, refused by the
server's limits (429, 503), failed (5xx), unanswered (each with its error), and their latency (p50, p99). The
load stops, and its requests in flight are answered, before the server stops. Not in `make bench`'s default run
(it takes minutes): BENCH_BACKUP_UNDER_LOAD=1 turns it on there; `python -m benchmarks.backup_under_load` runs
it alone.
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
from collections import Counter
from pathlib import Path

from benchmarks.ingest_bench import CORPUS, ROOT, _env, convert
from tests.stack.stack import free_port

TIMEOUT = 30  # seconds a request may take before it counts as unanswered
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
    """``rate`` requests/s, each on a thread and a connection of its own (an open loop: a slow server does not
    slow the load down), until stopped; then ``drain()`` waits for the ones in flight. Each request's
    (start, seconds, status, error): status 0 when no answer came, with the error that says why."""

    def __init__(self, port: int, paths: list[str], rate: int) -> None:
        self.port, self.paths, self.rate = port, paths, rate
        self.results: list[tuple[float, float, int, str]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def _one(self, path: str) -> None:
        started = time.monotonic()
        status, error = 0, ""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if status >= 400:  # what the server said, for the report
                    error = f"{path}: {body.decode(errors='replace').strip().splitlines()[0][:120] if body else ''}"
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - any failure is a request without an answer, and why
            error = f"{path}: {type(exc).__name__}: {exc}"[:160]
        with self.lock:
            self.results.append((started, time.monotonic() - started, status, error))

    def start(self) -> None:
        self.pacer = threading.Thread(target=self._run, daemon=True)
        self.pacer.start()

    def _run(self) -> None:
        interval, n = 1.0 / self.rate, 0
        begin = time.monotonic()
        while not self.stop.is_set():
            due = begin + n * interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the load's pace: a request every 1/rate s
            thread = threading.Thread(target=self._one, args=(self.paths[n % len(self.paths)],), daemon=True)
            thread.start()
            self.threads.append(thread)
            n += 1

    def drain(self) -> None:
        """Stop starting requests and wait for those in flight: the server must not be stopped under them (a
        request started a moment before the server stops is reset, which is the stop, not the site)."""
        self.stop.set()
        self.pacer.join()  # it may be starting one more request: after this, none
        for thread in self.threads:
            thread.join(TIMEOUT + 5)


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    ordered = sorted(values)
    return f"p50 {ordered[len(ordered) // 2] * 1000:.0f} ms, p99 {ordered[int(len(ordered) * 0.99)] * 1000:.0f} ms"


def _phase(label: str, results: list[tuple[float, float, int, str]]) -> str:
    """A phase's requests: answered (2xx-4xx), refused by the server's limits (429, 503), failed (other 5xx),
    unanswered (no status), and the answered ones' latency."""
    answered = [seconds for _, seconds, status, _ in results if 200 <= status < 500 and status != 429]
    refused = sum(1 for _, _, status, _ in results if status in (429, 503))
    failed = sum(1 for _, _, status, _ in results if status >= 500 and status != 503)
    unanswered = sum(1 for _, _, status, _ in results if status == 0)
    return (f"  {label:<34}{len(results):>7,} requests, {len(answered):>7,} answered, {refused} refused, "
            f"{failed} failed, {unanswered} unanswered; {_percentiles(answered)}")  # fmt: skip


def main(*, forced: bool = False) -> None:
    if not forced and os.environ.get("BENCH_BACKUP_UNDER_LOAD") != "1":
        print(
            "skipped: set BENCH_BACKUP_UNDER_LOAD=1, or run python -m benchmarks.backup_under_load (minutes)"
        )
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
        # Every request comes from 127.0.0.1, standing for many readers: the limits meant for one client would
        # refuse or cut the load as one client's excess — the API's anonymous rate (60 a minute per address) and
        # the server's connections per address (newsdesk/serving/guard.py). Both are raised here, as a site
        # behind a proxy that names each reader would have them; any refusal left is reported apart.
        env = _env(site, {"NEWSDESK_ACCESS_LOG": "0", "NEWSDESK_API_ANONYMOUS_RATE": "1000000",
                          "NEWSDESK_SERVE_CONNECTIONS_PER_ADDRESS": "100000"})  # fmt: skip
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
            load.start()
            time.sleep(5)  # the "before" sample of latencies: five seconds of load with nothing else
            ingest_started = time.monotonic()
            ingest = subprocess.Popen([sys.executable, "-m", "newsdesk", "ingest", "--publish", "--section", "world",  # noqa: S603
                                       str(files)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
            while _count(site / "newsdesk.sqlite3")[0] < before_backup and ingest.poll() is None:
                time.sleep(0.2)
            stored_before, max_before = _count(site / "newsdesk.sqlite3")
            backup_started = time.monotonic()
            _newsdesk(env, "backup", str(tmp / "site.tar"))
            backup_ended = time.monotonic()
            ingest_ok = ingest.wait(timeout=3600) == 0
            ingest_ended = time.monotonic()
            load.drain()  # the requests in flight get their answers before the server stops
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
    phases = (
        ("load alone (before the ingest)", [r for r in results if r[0] < ingest_started]),
        ("ingest, before the backup", [r for r in results if ingest_started <= r[0] < backup_started]),
        ("ingest and the backup", [r for r in results if backup_started <= r[0] <= backup_ended]),
        ("ingest, after the backup", [r for r in results if backup_ended < r[0] <= ingest_ended]),
    )
    print(f"{items:,} stories ingested ({'completed' if ingest_ok else 'FAILED'}) while {rate} requests/s were "
          f"served (newsdesk serve, 2 processes); {stored_before:,} stories committed when the backup started")  # fmt: skip
    print(f"  backup under load: {backup_ended - backup_started:.1f} s; "
          f"restore into a fresh data folder: {restore_seconds:.1f} s")  # fmt: skip
    print(f"  requests ({len(results):,} in all):")
    for label, phase in phases:
        print(_phase(label, phase))
    for started_at, seconds, status, error in results:
        if status == 0 or (status >= 500 and status != 503):
            print(f"    {'no answer' if status == 0 else status} at {started_at - backup_started:+.1f} s from the "
                  f"backup's start, after {seconds:.1f} s: {error}")  # fmt: skip
    refusals = Counter((status, error) for _, _, status, error in results if status in (429, 503))
    for (status, error), n in refusals.most_common():
        print(f"    refused {n}x, {status}: {error}")
    print(f"  stored at the end: {stored_after:,}; restored: {checks['restored']:,}; every story committed before "
          f"the backup restored: {'yes' if checks['all_before'] else 'NO'}")  # fmt: skip
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
    main(forced=True)
