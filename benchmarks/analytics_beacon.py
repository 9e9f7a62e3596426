"""Reads/s accepted by the beacon endpoint, per back end, while article pages are being served.

Reference in the same run: nginx serving a static file of the beacon reply's bytes (empty) with the same wrk
load. Targets (issue "Most read"): ≥ 10,000 reads/s with Redis, ≥ 3,000 with SQLite, on a 2-core machine.
The per-client rate limit is off here: all load comes from one address.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from tests.analytics.livesrv import granian, prepare_site, server_env, stop, temp_data_dir
from tests.servers import _free_port, _wait_for_port, redis_server

SECONDS = 3
BEACON_CONNECTIONS = 32
PAGE_RATE = 10  # article pages per second, paced, served by the same server during the beacon load

BEACON_LUA = """
local ids = {%s}
local n = 0
request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    ["X-Real-IP"] = "%s" .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255)}
  return wrk.format("POST", "/analytics/read", headers, "a=" .. ids[(n %% #ids) + 1])
end
"""


def wrk(url: str, *, connections: int, script: str | None = None) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    if script:
        cmd += ["-s", script]
    # Our own fixed command line.
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    return {"rps": rps, "total": total, "bad": int(bad.group(1)) if bad else 0, "p99": p99.group(1) if p99 else "?",
            "errors": errors.group(0) if errors else ""}  # fmt: skip


@contextlib.contextmanager
def nginx(root: str):
    port = _free_port()
    conf = Path(root) / "nginx.conf"
    conf.write_text(textwrap.dedent(f"""
        daemon off; worker_processes 2; pid {root}/nginx.pid; error_log {root}/error.log;
        events {{ worker_connections 1024; }}
        http {{ access_log off; server {{ listen 127.0.0.1:{port}; root {root}/www; location / {{ }} }} }}
    """))  # fmt: skip
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", root], stderr=subprocess.DEVNULL)  # noqa: S603,S607
    try:
        _wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def reference() -> dict:
    root = tempfile.mkdtemp(prefix="newsdesk-nginx-")
    try:
        os.chmod(root, 0o755)  # noqa: S103 - nginx's workers run as another user and must read the file
        (Path(root) / "www").mkdir(mode=0o755)
        (Path(root) / "www" / "read").write_bytes(b"")  # the beacon's reply: no bytes
        with nginx(root) as port:
            return wrk(f"http://127.0.0.1:{port}/read", connections=BEACON_CONNECTIONS)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def stored_database(data_dir: str) -> int:
    db = sqlite3.connect(Path(data_dir) / "newsdesk.sqlite3")
    try:
        return db.execute("SELECT COALESCE(SUM(reads), 0) FROM analytics_hourreads").fetchone()[0]
    finally:
        db.close()


def stored_redis(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    return sum(int(v) for key in client.scan_iter(match="newsdesk:reads:a:*") for v in client.hvals(key))


def paced_pages(port: int, path: str, rate: int, done: threading.Event, out: dict) -> None:
    """Ask for an article page ``rate`` times a second (uncached, through Django) until ``done``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    asked, served, slowest, start = 0, 0, 0.0, time.monotonic()
    while not done.is_set():
        asked += 1
        t = time.monotonic()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        served += response.status == 200
        slowest = max(slowest, time.monotonic() - t)
        time.sleep(max(0.0, start + asked / rate - time.monotonic()))
    out.update(rps=served / (time.monotonic() - start), slowest_ms=slowest * 1000)


def settled(count, *, timeout: float = 10.0) -> int:
    """The stored count once it stops growing (the last batches are being written)."""
    last, deadline = -1, time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = count()
        if now == last:
            break
        last = now
    return last


def warm_up(port: int, path: str, script: str) -> None:
    """Both workers import, compile templates and load the published ids before anything is measured."""
    for _ in range(6):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
    cmd = ["wrk", "-t1", "-c8", "-d1s", "-s", script, f"http://127.0.0.1:{port}/analytics/read"]
    subprocess.run(cmd, capture_output=True, check=True)  # noqa: S603


def run_backend(name: str, extra_env: dict, stored) -> dict:
    data_dir = temp_data_dir()
    try:
        # Readers are told apart by address: each beacon comes from a random one, as a proxy would report it.
        # The page cache off: the article views measured here are rendered by Django, as before it existed.
        env = server_env(
            data_dir, ANALYTICS_BACKEND=name, NEWSDESK_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
            NEWSDESK_PAGE_CACHE="0", **extra_env,
        )  # fmt: skip
        ids = prepare_site(env, articles=200, static=True)
        # Each phase has new readers (10.x, then 11.x): the same addresses again would be deduplicated, rightly.
        warm_script, script = Path(data_dir) / "warm.lua", Path(data_dir) / "beacon.lua"
        warm_script.write_text(BEACON_LUA % (", ".join(map(str, ids)), "10."))
        script.write_text(BEACON_LUA % (", ".join(map(str, ids)), "11."))
        with granian(env) as (port, proc):
            path = f"/news/{ids[0]}/bench-0/"
            warm_up(port, path, str(warm_script))
            where = data_dir if name == "database" else extra_env["REDIS_URL"]
            before = settled(lambda: stored(where))  # the warm-up's reads are left out of the count
            pages: dict = {}
            done = threading.Event()
            side = threading.Thread(target=paced_pages, args=(port, path, PAGE_RATE, done, pages))
            side.start()
            beacons = wrk(
                f"http://127.0.0.1:{port}/analytics/read", connections=BEACON_CONNECTIONS, script=str(script)
            )
            done.set()
            side.join()
            counted = settled(lambda: stored(where)) - before
            stop(proc)
        return {"beacons": beacons, "pages": pages, "stored": counted}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def report(name: str, result: dict, ref: dict, target: int) -> None:
    b, p = result["beacons"], result["pages"]
    accepted = b["total"] - b["bad"]
    print(
        f"{name:9} beacons {b['rps']:8,.0f} req/s ({b['rps'] / ref['rps']:.2f}x nginx, p99 {b['p99']}), "
        f"accepted {accepted:,} / counted {result['stored']:,}{' ' + b['errors'] if b['errors'] else ''}; "
        f"meanwhile article pages {p.get('rps', 0):,.0f}/s (slowest {p.get('slowest_ms', 0):,.0f} ms); target {target:,} reads/s: "
        f"{'met' if b['rps'] >= target and b['bad'] == 0 else 'NOT met'}"
    )


def main() -> None:
    if not (shutil.which("wrk") and shutil.which("nginx")):
        print("skipped: needs wrk and nginx (Debian packages wrk, nginx)")
        return
    ref = reference()
    print(f"reference nginx static empty file: {ref['rps']:,.0f} req/s (p99 {ref['p99']}), wrk -t1 -c{BEACON_CONNECTIONS} "
          f"-d{SECONDS}s, beacons while {PAGE_RATE} article pages/s are served")  # fmt: skip
    report("sqlite", run_backend("database", {}, stored_database), ref, 3_000)
    ref = reference()  # again: the machine is shared, so each figure sits beside a fresh reference
    print(f"reference nginx static empty file: {ref['rps']:,.0f} req/s (p99 {ref['p99']})")
    try:
        with redis_server() as url:
            report("redis", run_backend("redis", {"REDIS_URL": url}, stored_redis), ref, 10_000)
    except FileNotFoundError as exc:
        print(f"redis: skipped ({exc})")


if __name__ == "__main__":
    main()
