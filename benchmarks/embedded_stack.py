"""`make run` under live readers and slow clients: pages beside the same run without them, and beside nginx.

`newsdesk serve` as `make run` starts it (granian WSGI, 2 processes x 4 threads, the worker), SQLite, 500
articles. For the home page, the news feed and an article: wrk -t1 -c64 for SECONDS, first alone, then while
READERS live readers poll /live/events every 1.5 s (jittered, kept-alive connections, If-None-Match, as live.js
does) and SLOW clients each send a POST /analytics/read that declares 500 bytes and sends 3 (when cut off or
refused, they wait 1 s and send another). A story is published (the newsroom's service) while the readers
poll: every reader must show it within 3 s of the commit. nginx serving the article's bytes is the physical
reference. About 60 s of load.

Targets (issue "The embedded default holds real traffic"): with the readers and slow clients, p99 ≤ 100 ms and
throughput ≥ 80% of the same page alone; every reader gets the story within 3 s.

``python -m benchmarks.embedded_stack --readers 100`` for a lighter run. The readers and slow clients run in a
process of their own (``--clients``), one asyncio loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.reader_pages import BUILD, FIRST_ID
from benchmarks.scale_pages import CONNECTIONS, line, nginx_static, wrk
from tests.analytics.livesrv import BIN, ROOT, server_env, temp_data_dir
from tests.servers import _free_port

SECONDS = 8
ARTICLES = 500
READERS = 500
SLOW = 8
POLL_SECONDS = 1.5
PAGES = {"home": "/", "news feed": "/news/", "article": f"/news/{FIRST_ID}/bench-0/"}
HEADLINE = "Kremlin confirms the summit date (published during the benchmark)"
PUBLISH = """
import time
from newsdesk.news import services
from newsdesk.news.models import Article, Section
story = Article.objects.create(headline="{headline}", slug="summit-date", section=Section.objects.get(slug="politics"),
    body="<p>The summit is in Hamburg, officials said.</p>", status="draft")
services.article_publish(article=story, by=None)
print(time.time())
"""


# The clients: a process of their own ------------------------------------------------------------------------
async def _response(reader: asyncio.StreamReader) -> tuple[int, dict, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        k.strip().lower(): v.strip() for k, v in (item.split(":", 1) for item in lines[1:] if ":" in item)
    }
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(lines[0].split()[1]), headers, body


async def _reader(port: int, stats: dict, seen: list, stop: asyncio.Event) -> None:
    since, last, etag, conn = int(time.time() * 1000), "", "", None
    await asyncio.sleep(random.random() * POLL_SECONDS)  # noqa: S311 - jitter, not security
    while not stop.is_set():
        query = f"after={last}" if last else f"since={since}"
        request = f"GET /live/events?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        request += (f"If-None-Match: {etag}\r\n" if etag else "") + "\r\n"
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again, as browsers do
            try:
                if conn is None:
                    conn = await asyncio.open_connection("127.0.0.1", port)
                conn[1].write(request.encode())
                status, headers, body = await _response(conn[0])
                break
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                conn = None
                if attempt == 2:
                    stats["failed"] += 1
                    status = 0
        stats["polls"] += 1
        stats[str(status)] = stats.get(str(status), 0) + 1
        if status == 200:
            answer = json.loads(body)
            last, etag = answer["last"], headers.get("etag", "")
            if any(event["headline"] == HEADLINE for event in answer["events"]):
                seen.append(time.time())
        await asyncio.sleep(POLL_SECONDS * (0.8 + 0.4 * random.random()))  # noqa: S311


async def _slow(port: int, stats: dict, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /analytics/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 500\r\n\r\na=1")  # fmt: skip
            answer = await reader.read(100)
            kind = "slow " + (answer.split(b" ", 2)[1].decode() if answer else "cut")
            stats[kind] = stats.get(kind, 0) + 1
            writer.close()
        except OSError:
            stats["slow cut"] += 1
        await asyncio.sleep(1)


async def _clients(port: int, readers: int, slow: int, out: Path) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    stats = {"polls": 0, "failed": 0}
    stats.update({f"slow {kind}": 0 for kind in ("cut", "408", "429", "503")})
    seen: list[float] = []
    tasks = [asyncio.create_task(_reader(port, stats, seen, stop)) for _ in range(readers)]
    tasks += [asyncio.create_task(_slow(port, stats, stop)) for _ in range(slow)]
    await stop.wait()
    for task in tasks:
        task.cancel()
    out.write_text(json.dumps({**stats, "seen": seen}))


# The run ----------------------------------------------------------------------------------------------------
def _newsdesk(env: dict, *args: str) -> str:
    argv = [str(BIN / "newsdesk"), *args]
    done = subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def publish(env: dict) -> float:
    """Publish a story from the newsroom's service; returns the time its publish committed."""
    out = _newsdesk(env, "shell", "-c", PUBLISH.format(headline=HEADLINE))
    return float(out.strip().splitlines()[-1])


@contextlib.contextmanager
def serve(env: dict):
    port = _free_port()
    argv = [
        str(BIN / "newsdesk"),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--threads",
        "4",
    ]  # make run's
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, **quiet)  # noqa: S603 - our own command
    try:
        deadline = time.monotonic() + 180
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5):  # noqa: S310
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("newsdesk serve did not start")
            time.sleep(0.2)
        time.sleep(3)  # both granian processes up (the first answer needs only one)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


@contextlib.contextmanager
def clients(port: int, readers: int, slow: int, root: str):
    out = Path(root) / "clients.json"
    argv = [
        sys.executable,
        "-m",
        "benchmarks.embedded_stack",
        "--clients",
        str(port),
        str(readers),
        str(slow),
    ]
    proc = subprocess.Popen([*argv, str(out)], cwd=ROOT)  # noqa: S603 - this module
    result: dict = {}
    try:
        time.sleep(POLL_SECONDS * 2)  # every reader has polled once
        yield result
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        result.update(json.loads(out.read_text()))


def run(readers: int, slow: int) -> tuple[list, dict, float]:
    data_dir, root = temp_data_dir(), tempfile.mkdtemp(prefix="newsdesk-nginx-")
    try:
        # The load comes from one address, readers from many: no limit of connections per address here.
        env = server_env(data_dir, NEWSDESK_SERVE_CONNECTIONS_PER_ADDRESS="4096")
        env.pop("NEWSDESK_PURGE_URLS", None)
        _newsdesk(env, "migrate", "--no-input", "-v0")
        _newsdesk(env, "collectstatic", "--no-input", "-v0")
        _newsdesk(env, "shell", "-c", BUILD.format(count=ARTICLES, first=FIRST_ID))
        with serve(env) as port:
            base = f"http://127.0.0.1:{port}"
            with urllib.request.urlopen(base + PAGES["article"], timeout=30) as response:  # noqa: S310
                html = response.read()
            with nginx_static(root, html) as static_url:
                results = [("nginx, the article's bytes (ref)", wrk(static_url, seconds=SECONDS))]
            alone = {name: wrk(base + path, seconds=SECONDS) for name, path in PAGES.items()}
            with clients(port, readers, slow, root) as stats:
                published = publish(env)
                crowded = {name: wrk(base + path, seconds=SECONDS) for name, path in PAGES.items()}
            for name in PAGES:
                results += [
                    (f"{name}: alone", alone[name]),
                    (f"{name}: with readers + slow clients", crowded[name]),
                ]
            return results, stats, published
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def main(*, readers: int = READERS, slow: int = SLOW) -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages)")
        return
    results, stats, published = run(readers, slow)
    ref = results[0][1]
    print(f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s; `newsdesk serve` as `make run` (granian WSGI 2 x 4 "
          f"threads, worker), SQLite, {ARTICLES} articles; {readers} live readers polling every "
          f"{POLL_SECONDS:g} s, {slow} slow-body clients")  # fmt: skip
    for name, result in results:
        print(line(name, result, ref))
    worst_p99 = max(result["p99"] for name, result in results if "with readers" in name)
    kept = min(results[i + 1][1]["rps"] / results[i][1]["rps"] for i in range(1, len(results), 2))
    delays = sorted(seen - published for seen in stats["seen"])
    slowest = f"{delays[-1]:.1f} s" if delays else "never"
    print(f"readers: {stats['polls']} polls ({stats.get('304', 0)} answered 304), {stats['failed']} failed; "
          f"slow clients: {stats['slow cut']} cut, {stats['slow 408']} 408, {stats['slow 429']} 429, "
          f"{stats['slow 503']} 503; the story reached {len(delays)} of {readers} readers, the last after "
          f"{slowest}")  # fmt: skip
    everyone = len(delays) == readers and delays[-1] <= 3.0
    print(f"targets: p99 ≤ 100 ms with them: {worst_p99:.1f} ms {'met' if worst_p99 <= 100 else 'NOT met'}; "
          f"throughput ≥ 80% of alone: lowest {kept:.0%} {'met' if kept >= 0.8 else 'NOT met'}; every reader "
          f"gets the story within 3 s: {'met' if everyone else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--readers", type=int, default=READERS)
    parser.add_argument("--slow", type=int, default=SLOW)
    parser.add_argument("--clients", nargs=4, metavar=("PORT", "READERS", "SLOW", "OUT"))
    args = parser.parse_args()
    if args.clients:
        port, readers, slow, out = args.clients
        asyncio.run(_clients(int(port), int(readers), int(slow), Path(out)))
    else:
        main(readers=args.readers, slow=args.slow)
