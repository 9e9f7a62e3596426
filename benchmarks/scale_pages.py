"""Pages in the recommended deployment (Varnish in front of granian WSGI, Redis; granian ASGI for the live feed)
against nginx serving a saved copy of an article page as a static file — the physical reference — all in one run.

Runs (wrk -t1 -c64): hot article (cache hit), cold article (every request a miss), a filtered feed page, the
search page (a few seconds each); mixed traffic — article and list pages plus read beacons (one request in
BEACON_EVERY) while one article is published (and purged) per second — for ``mixed_seconds`` (60 in `make
bench`); then the same mixed traffic three more times: alone, while 2,000 live-feed (SSE) connections are held open on
the ASGI process and receive every published story, and alone again — the run with the streams is compared with
the mean of the two around it. Ratios are against runs measured in the same run (the machine is shared and
noisy).

``python -m benchmarks.scale_pages --mixed-seconds 10 --streams 500`` for a shorter run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import selectors
import shutil
import socket
import subprocess
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

from tests.analytics.livesrv import BIN, ROOT, granian, kill_hard, prepare_site, server_env, temp_data_dir
from tests.edge.proxy import varnish_server
from tests.servers import _free_port, _wait_for_port, redis_server

SECONDS = 4
CONNECTIONS = 64
MIXED_SECONDS = 60
STREAMS = 2000
STREAM_SECONDS = 20  # each of the two runs compared for the live-feed connections
BEACON_EVERY = 4  # one request in four is a read beacon (a POST that always reaches the app)
# Beacons answered by a process of their own (routed by the proxy), so they never queue behind a page render.
BEACON_PROCESS = os.environ.get("BENCH_BEACON_PROCESS", "1") == "1"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"

MIX_LUA = """
local paths = {%s}
local ids = {%s}
local n = 0
request = function()
  n = n + 1
  if n %% %d == 0 then
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["User-Agent"] = "%s",
      ["X-Real-IP"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255)}
    return wrk.format("POST", "/analytics/read", headers, "a=" .. ids[(n %% #ids) + 1])
  end
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""

ROTATE_LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1]%s)
end
"""

PUBLISHER = """
import time
from django.utils import timezone
from newsdesk.news import services
from newsdesk.news.models import Article, Section
section = Section.objects.get(slug="politics")
for n in range({count}):
    a = Article.objects.create(headline=f"Kremlin comments on the summit ({{n}})", slug=f"live-{{n}}-{{time.time_ns()}}",
        body="<p>The Kremlin said the talks were constructive.</p>", section=section, status="draft")
    services.article_publish(article=a, by=None)
    time.sleep(1)
"""


def wrk(url: str, script: str | None = None, *, seconds: int = SECONDS) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        *(["-s", script] if script else []),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603 - fixed command
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(1) if errors else "",
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def lua(root: str, name: str, paths: list[str], unique: bool = False) -> str:
    script = Path(root) / f"{name}.lua"
    suffix = ' .. "?r=" .. n' if unique else ""
    body = ROTATE_LUA % (", ".join(f'"{p}"' for p in paths), "")
    if unique:
        body = body.replace("paths[(n % #paths) + 1]", f"paths[(n % #paths) + 1]{suffix}")
    script.write_text(body)
    return str(script)


@contextlib.contextmanager
def nginx_static(root: str, html: bytes):
    port = _free_port()
    os.chmod(root, 0o755)  # noqa: S103 - nginx's workers run as another user and must read the file
    www = Path(root) / "www"
    www.mkdir(mode=0o755)
    (www / "article.html").write_bytes(html)
    conf = Path(root) / "nginx.conf"
    conf.write_text(textwrap.dedent(f"""
        daemon off; worker_processes 2; pid {root}/nginx.pid; error_log {root}/error.log;
        events {{ worker_connections 1024; }}
        http {{ access_log off; server {{ listen 127.0.0.1:{port}; root {www}; location / {{ }} }} }}
    """))  # fmt: skip
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", root], stderr=subprocess.DEVNULL)  # noqa: S603,S607
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/article.html"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def line(name: str, result: dict, ref: dict) -> str:
    errors = f", {result['bad']} non-2xx/3xx" if result["bad"] else ""
    errors += f", socket errors {result['errors']}" if result["errors"] else ""
    return (f"{name:44} {result['rps']:9,.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms  "
            f"{result['rps'] / ref['rps']:.3f}x nginx{errors}")  # fmt: skip


@contextlib.contextmanager
def asgi(env: dict, *, port: int):
    """The live feed's process, as README "Scale out" runs it: one granian ASGI worker for thousands of streams."""
    cmd = [str(BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
           "--backlog", "4096", "--backpressure", "8192", "--no-ws", "newsdesk.asgi:application"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait_for_port(port, proc)
        yield proc
    finally:
        kill_hard(proc)


def run(redis_url: str, *, mixed_seconds: int, streams: int, stream_seconds: int) -> list[tuple[str, dict]]:
    data_dir = temp_data_dir()
    try:
        app_port, live_port, beacon_port = _free_port(), _free_port(), _free_port()
        # Each streamed pass holds a client and a fetch thread in Varnish: room for the live-feed connections.
        threads = ["-p", "thread_pool_min=200", "-p", f"thread_pool_max={max(1000, streams * 2)}",
                   "-p", "thread_queue_limit=1000"]  # fmt: skip
        ports = {
            "app_port": app_port,
            "live_port": live_port,
            "beacon_port": beacon_port if BEACON_PROCESS else None,
        }
        with varnish_server(**ports, extra_args=threads) as proxy:
            # A reader per beacon, told apart by address (X-Real-IP: Varnish passes it through unchanged).
            env = server_env(
                data_dir,
                REDIS_URL=redis_url,
                NEWSDESK_PURGE_URLS=proxy.url,
                NEWSDESK_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
            )
            ids = prepare_site(env, articles=300, static=True)
            beacons = (
                granian(env, port=beacon_port, workers=1) if BEACON_PROCESS else contextlib.nullcontext()
            )
            with granian(env, port=app_port), asgi(env, port=live_port), beacons:
                bench = Bench(proxy.url, ids, env, data_dir)
                return bench.pages(mixed_seconds) + bench.live(streams, stream_seconds)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


class Bench:
    def __init__(self, base: str, ids: list[int], env: dict, root: str) -> None:
        self.base, self.ids, self.env, self.root = base, ids, env, root
        self.articles = [f"/news/{pid}/bench-{n}/" for n, pid in enumerate(ids)]
        lists = ["/news/?section=politics", "/news/", "/"] * 3 + ["/section/politics/", "/section/world/"]
        self.mix_script = mix_lua(root, self.articles[:50] * 16 + lists, ids[:50])

    def pages(self, mixed_seconds: int) -> list[tuple[str, dict]]:
        return measure(self.base, self.ids, self.root) + [
            (f"mixed+beacons, 1 publish/s, {mixed_seconds}s", self.mixed(mixed_seconds))
        ]

    def mixed(self, seconds: int) -> dict:
        publisher = subprocess.Popen(  # noqa: S603 - our own command line
            [str(BIN / "newsdesk"), "shell", "-c", PUBLISHER.format(count=seconds + 3)],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(1.5)  # the publisher's Django has started
        try:
            return wrk(self.base, self.mix_script, seconds=seconds)
        finally:
            publisher.kill()
            publisher.wait(timeout=30)

    def live(self, streams: int, seconds: int) -> list[tuple[str, dict]]:
        if streams <= 0:
            return []
        # Without, with, without again: the machine drifts (the database and the cache grow with each publish),
        # so the run with the streams is compared with the mean of the runs on either side of it.
        before = self.mixed(seconds)
        holder = StreamHolder(self.base, streams)
        holder.start()
        held = self.mixed(seconds)
        stats = holder.stop()
        time.sleep(2)  # the closed streams are gone from the proxy and the live process
        after = self.mixed(seconds)
        alone = {**before, "rps": (before["rps"] + after["rps"]) / 2, "p99": max(before["p99"], after["p99"]),
                 "bad": before["bad"] + after["bad"], "errors": before["errors"] + after["errors"]}  # fmt: skip
        return [(f"mixed, {seconds}s, no live streams (before)", before),
                (f"mixed, {seconds}s, {streams} live streams", {**held, "streams": stats}),
                (f"mixed, {seconds}s, no live streams (after)", after),
                (f"mixed, {seconds}s, no live streams (mean)", alone)]  # fmt: skip


def mix_lua(root: str, paths: list[str], ids: list[int]) -> str:
    script = Path(root) / "mix.lua"
    body = MIX_LUA % (", ".join(f'"{p}"' for p in paths), ", ".join(map(str, ids)), BEACON_EVERY, BROWSER)
    script.write_text(body)
    return str(script)


class StreamHolder:
    """Holds ``count`` SSE connections to /live/stream (through the proxy) from one thread: plain non-blocking
    sockets on one epoll selector, counting story frames per connection. The client shares the machine with
    the servers it measures, so it spends as little as it can per event (no event loop, no line parsing)."""

    REQUEST = (f"GET /live/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
               f"User-Agent: {BROWSER}\r\n\r\n").encode()  # fmt: skip
    STORY = b"event: story\n"

    def __init__(self, base: str, count: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.count = count
        self.open = 0
        self.stories = [0] * count
        self.failed: list[str] = []
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self.ready.wait(timeout=120):
            raise RuntimeError(f"only {self.open} of {self.count} live-feed connections opened")

    def stop(self) -> dict:
        held_at_end = self.open
        self._stop.set()
        self._thread.join(timeout=30)
        return {"held": held_at_end, "with_stories": sum(1 for n in self.stories if n), "failed": self.failed[:3],
                "stories_min": min(self.stories), "stories_max": max(self.stories)}  # fmt: skip

    def _main(self) -> None:
        selector = selectors.DefaultSelector()
        waiting_status: set[int] = set()
        tails: dict[int, bytes] = {}
        for n in range(self.count):
            try:
                sock = socket.create_connection(self.address, timeout=10)
                sock.sendall(self.REQUEST)
            except OSError as exc:
                self.failed.append(repr(exc))
                continue
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, n)
            waiting_status.add(n)
            tails[n] = b""
        while not self._stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                n = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except OSError as exc:
                    chunk, error = b"", repr(exc)
                else:
                    error = "closed by the server"
                if not chunk:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.failed.append(error)
                    if n not in waiting_status:
                        self.open -= 1
                    waiting_status.discard(n)
                    continue
                data = tails[n] + chunk
                if n in waiting_status:
                    if not data.startswith(b"HTTP/1.1 200 "):
                        self.failed.append(data[:60].decode(errors="replace"))
                    waiting_status.discard(n)
                    self._opened()
                self.stories[n] += data.count(self.STORY)
                tails[n] = b"" if data.endswith(b"\n") else data[-(len(self.STORY) - 1) :]
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()

    def _opened(self) -> None:
        self.open += 1
        if self.open == self.count:
            self.ready.set()


def measure(base: str, ids: list[int], root: str) -> list[tuple[str, dict]]:
    article = f"/news/{ids[0]}/bench-0/"
    articles = [f"/news/{pid}/bench-{n}/" for n, pid in enumerate(ids)]
    html = urllib.request.urlopen(base + article, timeout=30).read()  # noqa: S310 - our own local server
    for path in [article, "/news/?section=politics", "/", "/search/?q=relations"]:
        for _ in range(4):
            urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
    results = []
    static_root = tempfile.mkdtemp(prefix="newsdesk-nginx-")  # not under the data dir: nginx's user reads it
    try:
        with nginx_static(static_root, html) as static_url:
            results.append(("nginx static article (ref)", wrk(static_url)))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    results.append(("hot article (hit)", wrk(base + article)))
    results.append(("cold article (miss)", wrk(base, lua(root, "cold", articles, unique=True))))
    results.append(("filtered feed", wrk(base + "/news/?section=politics")))
    results.append(("search page", wrk(base, lua(root, "search", [f"/search/?q={w}" for w in SEARCH_WORDS]))))
    return results


SEARCH_WORDS = [
    "putin",
    "relations",
    "moscow",
    "syria",
    "sanctions",
    "trump",
    "kremlin",
    "talks",
    "minister",
    "oil",
]


def raise_open_files(wanted: int) -> None:
    """Thousands of sockets: the client's, Varnish's and the ASGI process's (they inherit this limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def main(
    *, mixed_seconds: int = MIXED_SECONDS, streams: int = STREAMS, stream_seconds: int = STREAM_SECONDS
) -> None:
    varnish = shutil.which("varnishd") or Path("/usr/sbin/varnishd").exists()
    if not (shutil.which("wrk") and shutil.which("nginx") and varnish):
        print("skipped: needs wrk, nginx and varnish (Debian packages)")
        return
    raise_open_files(streams * 4 + 1024)
    try:
        with redis_server() as redis_url:
            results = run(
                redis_url, mixed_seconds=mixed_seconds, streams=streams, stream_seconds=stream_seconds
            )
    except FileNotFoundError as exc:
        print(f"skipped: {exc}")
        return
    report(results, mixed_seconds=mixed_seconds, streams=streams)


def report(results: list[tuple[str, dict]], *, mixed_seconds: int, streams: int) -> None:
    ref = results[0][1]
    print(f"wrk -t1 -c{CONNECTIONS}; Newsdesk = Varnish (xkey soft purge) → granian WSGI (2 workers) + Redis, SQLite; "
          f"live feed: granian ASGI (1 worker); mixed = article/list pages + 1 beacon in {BEACON_EVERY} requests")  # fmt: skip
    for name, result in results:
        print(line(name, result, ref))
    hit = results[1][1]["rps"] / ref["rps"]
    mixed = results[5][1]
    ok = mixed["p99"] <= 100 and not mixed["bad"] and not mixed["errors"]
    print(f"targets: cache hit ≥ 0.5x nginx: {hit:.2f}x {'met' if hit >= 0.5 else 'NOT met'}; "
          f"mixed p99 ≤ 100 ms with no errors for {mixed_seconds} s: {mixed['p99']:.1f} ms, "
          f"{mixed['bad']} non-2xx/3xx, {'met' if ok and mixed_seconds >= 60 else 'NOT met'}")  # fmt: skip
    if streams > 0:
        held, alone = results[7][1], results[9][1]
        kept = held["rps"] / alone["rps"]
        live = held["streams"]
        print(f"live feed: {live['held']} of {streams} connections held to the end, {live['with_stories']} got "
              f"stories ({live['stories_min']}–{live['stories_max']} each), failures {live['failed'] or 'none'}; "
              f"page throughput with them {kept:.0%} of without: "
              f"{'met' if kept >= 0.8 and live['held'] == streams else 'NOT met'} (target ≥ 80%)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixed-seconds", type=int, default=MIXED_SECONDS)
    parser.add_argument(
        "--streams", type=int, default=STREAMS, help="live-feed connections to hold (0: skip)"
    )
    parser.add_argument("--stream-seconds", type=int, default=STREAM_SECONDS)
    options = parser.parse_args()
    main(mixed_seconds=options.mixed_seconds, streams=options.streams, stream_seconds=options.stream_seconds)
