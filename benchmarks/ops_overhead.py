"""What metrics and request logs cost (newsdesk/ops/wsgi.py and middleware.py): CPU per request on the trivial
view, with them and without them, in one process, in one run.

The trivial view: /robots.txt rendered by Django (page cache off, so each request reaches the view), and the
same page answered by the embedded page cache (a hit: the cheapest request there is, where the layer's share is
largest). "With": the project's WSGI application as newsdesk/wsgi.py builds it — the outer layer (request id,
counters, latency histogram, one JSON log line written to /dev/null) and the middleware (view name, query
count). "Without": the same application built with neither. CPU time (process_time) of REQUESTS requests,
alternating, best of ROUNDS. Target (issue "Operate it"): at most 5 % more CPU per request.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.ingest_bench import ROOT, _env

REQUESTS = 3000
ROUNDS = 7
TARGET = 0.05
CHILD = r"""
import io, logging, os, sys, time
import django
from django.conf import settings
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.handlers.wsgi import WSGIHandler
from newsdesk.edge.pagecache import PageCacheMiddleware
from newsdesk.ops.logs import JSONFormatter
from newsdesk.ops.wsgi import Operations
from tests.edge.wsgi import call

sink = logging.StreamHandler(open(os.devnull, "w"))
sink.setFormatter(JSONFormatter())
logging.getLogger("newsdesk.request").handlers = [sink]
logging.getLogger("newsdesk.request").propagate = False
logging.getLogger("django.request").setLevel(logging.ERROR)

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
for app in apps.values():
    for _ in range(50):
        assert call(app, "/robots.txt").status == 200
best = {name: float("inf") for name in apps}
for _ in range(int(sys.argv[2])):
    for name, app in apps.items():
        started = time.process_time()
        for _ in range(int(sys.argv[1])):
            call(app, "/robots.txt")
        best[name] = min(best[name], (time.process_time() - started) / int(sys.argv[1]))
for name, seconds in best.items():
    print(f"{name}\t{seconds}")
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="newsdesk-ops-bench-") as tmp:
        data = Path(tmp)
        (data / "static").mkdir()
        env = _env(data, {"NEWSDESK_PAGE_CACHE": "0"})
        done = subprocess.run([sys.executable, "-c", CHILD, str(REQUESTS), str(ROUNDS)], env=env, cwd=ROOT,  # noqa: S603
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
        best = {line.split("\t")[0]: float(line.split("\t")[1]) for line in done.stdout.strip().splitlines()}
    print(f"CPU per request, best of {ROUNDS} rounds of {REQUESTS:,} (GET /robots.txt, in one process)")
    print(f"  {'':<12}{'without':>12}{'with':>12}{'extra':>10}")
    for what in ("view", "cache hit"):  # with: metrics and the JSON log line
        without, with_ops = best[f"{what}, without"], best[f"{what}, with"]
        extra = with_ops / without - 1
        print(f"  {what:<12}{without * 1e6:>10.1f}µs{with_ops * 1e6:>10.1f}µs{extra:>+10.1%}")
    only = best["view, metrics only"]
    print(
        f"  {'view, metrics without the log line':<36}{only * 1e6:>10.1f}µs{only / best['view, without'] - 1:>+10.1%}"
    )
    extra = best["view, with"] / best["view, without"] - 1
    print(f"  target <= {TARGET:.0%} on the trivial view: {'met' if extra <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
