"""What metrics and request logs cost (newsdesk/ops/wsgi.py and middleware.py): CPU per request on the trivial
view, with them and without them, served by granian as `newsdesk serve` runs it (the server's CPU per request,
HTTP included: where the target is judged) and in one process through the WSGI application alone (no server
work in the denominator: the upper bound of the layers' share).

The trivial view: /robots.txt rendered by Django (page cache off, so each request reaches the view), and the
same page answered by the embedded page cache (a hit: the cheapest request there is, where the layer's share is
largest). "With": the project's WSGI application as newsdesk/wsgi.py builds it — the outer layer (request id,
counters, latency histogram, one JSON log line) and the middleware (view name, query count) — as `newsdesk
serve` runs it: prometheus-client in multiprocess mode (updates written to shared files), the site's
logging configuration writing JSON lines (NEWSDESK_LOG_FORMAT=json) to standard error, here /dev/null (the
write is counted, a terminal's speed is not). "Without": the same application built with neither.

Measured: CPU time of this process (process_time, not wall-clock: other work on the machine does not count;
its threads included), in batches of BATCH requests, each application in turn, ROUNDS times. The request tally
(newsdesk/ops/tally.py) writes counts and lines from a thread once a second; each batch ends by folding what it
left, so that work is charged to the batch that made it. The extra cost is the median over rounds
of with/without in the same round (slow drifts of a shared machine cancel out); the per-request times shown are
each application's fastest batch. Target (issue "Operate it"): at most 5 % more CPU per request.
Served: granian, one worker process and thread each, with and without the layers (benchmarks/_ops_wsgi.py), wrk
with two keep-alive connections, the server processes' user + system CPU per request, rounds alternating.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ingest_bench import ROOT, _env
from tests.stack.stack import free_port

BATCH = 500
ROUNDS = 30
SERVED_ROUNDS = 5
SERVED_SECONDS = 5
TARGET = 0.05
CHILD = r"""
import json, logging, os, random, sys, time, traceback
import django
from django.conf import settings
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.handlers.wsgi import WSGIHandler
from newsdesk.edge.pagecache import PageCacheMiddleware
from newsdesk.ops.logs import JSONFormatter
from newsdesk.ops.tally import TALLY
from newsdesk.ops.wsgi import Operations
from tests.edge.wsgi import call

# The site's own logging (settings.LOGGING: JSON lines to standard error), standard error sent to /dev/null.
request_log = logging.getLogger("newsdesk.request")
assert request_log.isEnabledFor(logging.INFO), "the request line would not be written"
assert any(isinstance(h.formatter, JSONFormatter) for h in logging.getLogger().handlers), "not JSON lines"
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
sys.excepthook = lambda *exc: print("".join(traceback.format_exception(*exc)), "FAILED")

with_ops = Operations(WSGIHandler())
metrics_only = Operations(WSGIHandler())
metrics_only.access_log = False  # NEWSDESK_ACCESS_LOG=0
ops_middleware = "newsdesk.ops.middleware.RequestAccountingMiddleware"
settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ops_middleware]
bare = WSGIHandler()
settings.MIDDLEWARE = [ops_middleware, *settings.MIDDLEWARE]
log = __import__("pathlib").Path(settings.DATA_DIR) / "purges.log"
apps = {
    "view, without": bare, "view, with": with_ops, "view, metrics only": metrics_only,
    "cache hit, without": PageCacheMiddleware(bare, log_path=log, max_bytes=1 << 24),
    "cache hit, with": Operations(PageCacheMiddleware(WSGIHandler(), log_path=log, max_bytes=1 << 24)),
}
from django.db import connections
from newsdesk.ops import queries


# The middleware's query count (a wrapper on each connection, installed when the middleware is made) is part of
# "with" only: taken off the connections for the applications without it.
def counting(on):
    for connection in connections.all(initialized_only=True):
        if on:
            queries._wrap(connection)
        elif queries._counted in connection.execute_wrappers:
            connection.execute_wrappers.remove(queries._counted)


for name, app in apps.items():
    counting(name.endswith(("with", "metrics only")))
    for _ in range(100):
        assert call(app, "/robots.txt").status == 200
TALLY.fold()
batch, rounds = int(sys.argv[1]), int(sys.argv[2])
times = {name: [] for name in apps}
order = list(apps)
for _ in range(rounds):
    random.shuffle(order)  # no application always first (or last) in a round
    for name in order:
        app = apps[name]
        counting(name.endswith(("with", "metrics only")))
        started = time.process_time()
        for _ in range(batch):
            call(app, "/robots.txt")
        TALLY.fold()  # the batch's counts and lines, written now: charged to it, not to whichever batch runs next
        times[name].append((time.process_time() - started) / batch)
print(json.dumps(times))
"""


def _group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of every process in the group: granian and its worker process."""
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:  # fields from the state on: pgrp is the third
                    total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def _wrk(port: int, *, seconds: int = SERVED_SECONDS) -> int:
    """Requests wrk made in ``seconds`` (keep-alive, 2 connections), all of them answered 200."""
    command = ["wrk", "-t1", "-c2", f"-d{seconds}s", f"http://127.0.0.1:{port}/robots.txt"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return int(re.search(r"(\d+) requests in", out).group(1))


def served(env: dict) -> dict[str, list[float]]:
    """CPU seconds per request of a granian server process (1 worker, 1 thread) answering GET /robots.txt
    with and without the ops layers (benchmarks/_ops_wsgi.py), from wrk, rounds alternating."""
    servers = {}
    try:
        for name, flag in (("without", "0"), ("with", "1")):
            port = free_port()
            cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                   str(port), "--workers", "1", "--blocking-threads", "1", "--no-ws", "benchmarks._ops_wsgi:application"]  # fmt: skip
            proc = subprocess.Popen(cmd, env={**env, "BENCH_OPS": flag}, cwd=ROOT, start_new_session=True,  # noqa: S603
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            servers[name] = (port, proc)
        for port, proc in servers.values():
            deadline = time.monotonic() + 60
            while not _answers(port):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("granian did not start")
                time.sleep(0.2)  # no event to wait on from here
            _wrk(port, seconds=1)  # warm: templates compiled, connections open
        per_request: dict[str, list[float]] = {name: [] for name in servers}
        for _ in range(SERVED_ROUNDS):
            for name, (port, proc) in servers.items():
                before = _group_cpu(proc.pid)
                requests = _wrk(port)
                per_request[name].append((_group_cpu(proc.pid) - before) / requests)
        return per_request
    finally:
        for _, proc in servers.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="newsdesk-ops-bench-") as tmp:
        data = Path(tmp)
        (data / "static").mkdir()
        (data / "metrics").mkdir()
        env = {
            **_env(data, {"NEWSDESK_PAGE_CACHE": "0", "NEWSDESK_LOG_FORMAT": "json",
                          "PROMETHEUS_MULTIPROC_DIR": str(data / "metrics")}),
            "LOG_LEVEL": "INFO",
        }  # fmt: skip
        done = subprocess.run([sys.executable, "-c", CHILD, str(BATCH), str(ROUNDS)], env=env, cwd=ROOT,  # noqa: S603
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode:
            raise RuntimeError((done.stderr + done.stdout)[-3000:])
        times = json.loads(done.stdout.strip().splitlines()[-1])
        served_times = served(env) if shutil.which("wrk") else None

    def extra(with_name: str, without_name: str) -> float:
        return (
            statistics.median(w / wo for w, wo in zip(times[with_name], times[without_name], strict=True)) - 1
        )

    fastest = {name: min(values) for name, values in times.items()}
    print(
        f"CPU per request (process time), {ROUNDS} rounds of {BATCH} requests each (GET /robots.txt, one process)"
    )
    print(f"  {'':<38}{'without':>10}{'with':>10}{'extra':>9}")
    rows = (
        ("the view (metrics and JSON log line)", "view, with", "view, without"),
        ("the view, metrics only (no log line)", "view, metrics only", "view, without"),
        ("a page cache hit", "cache hit, with", "cache hit, without"),
    )
    for label, with_name, without_name in rows:
        print(f"  {label:<38}{fastest[without_name] * 1e6:>8.1f}µs{fastest[with_name] * 1e6:>8.1f}µs"
              f"{extra(with_name, without_name):>+9.1%}")  # fmt: skip
    view = extra("view, with", "view, without")
    print(f"  the application alone, without the server's own work a request: {view:+.1%}")
    if served_times is None:
        print("served: skipped (needs wrk, a Debian package); the target is judged on it")
        return
    ratio = statistics.median(
        w / wo for w, wo in zip(served_times["with"], served_times["without"], strict=True)
    )
    print(f"Served by granian (1 process, 1 thread; wrk -c2 keep-alive), the server's CPU per request (user + "
          f"system), median of {SERVED_ROUNDS} alternating rounds of {SERVED_SECONDS} s:")  # fmt: skip
    print(f"  the view: without {statistics.median(served_times['without']) * 1e6:.0f}µs, with "
          f"{statistics.median(served_times['with']) * 1e6:.0f}µs, extra {ratio - 1:+.1%}")  # fmt: skip
    # The target is judged here: CPU per request of the server as `newsdesk serve` runs it, HTTP included.
    print(f"  target <= {TARGET:.0%} CPU per request on the trivial view, served: "
          f"{'met' if ratio - 1 <= TARGET else 'NOT met'} ({ratio - 1:+.1%})")  # fmt: skip


if __name__ == "__main__":
    main()
