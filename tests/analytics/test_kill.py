"""A hard kill (kill -9) of the real server under load loses at most the last second of counted reads."""

from __future__ import annotations

import http.client
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from .helpers import BROWSER_UA
from .livesrv import granian, kill_hard, prepare_site, server_env, stop, temp_data_dir

SENDERS = 2
MAX_BEACONS = 40_000  # bounded: the load generator stops here whatever happens
LOAD_SECONDS = 1.5


def _send(port: int, ids: list[int], sender: int, accepted: list[float], stop_at: threading.Event) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while not stop_at.is_set() and n < MAX_BEACONS // SENDERS:
        body = f"a={ids[n % len(ids)]}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": BROWSER_UA,
            "X-Real-IP": f"10.{sender}.{n // 256 % 256}.{n % 256}",  # a reader per beacon (see server_env)
        }
        try:
            conn.request("POST", "/analytics/read", body, headers)
            response = conn.getresponse()
            response.read()
        except OSError:
            return  # the server is gone
        if response.status == 204:
            accepted.append(time.monotonic())
        n += 1


def _stored(data_dir: str) -> int:
    db = sqlite3.connect(Path(data_dir) / "newsdesk.sqlite3")
    try:
        return db.execute("SELECT COALESCE(SUM(reads), 0) FROM analytics_hourreads").fetchone()[0]
    finally:
        db.close()


@pytest.mark.skipif(shutil.which("granian") is None and not (Path(__file__).parents[2] / ".venv/bin/granian").exists(),
                    reason="needs granian")  # fmt: skip
def test_kill_9_under_load_loses_at_most_the_last_second():
    data_dir = temp_data_dir()
    try:
        # Every beacon a distinct reader, so every accepted one must be stored: readers are told apart by
        # address, here the one a proxy would put in X-Real-IP.
        env = server_env(
            data_dir,
            ANALYTICS_BACKEND="database",
            ANALYTICS_FLUSH_INTERVAL="0.5",
            NEWSDESK_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        )
        ids = prepare_site(env, articles=20)
        accepted: list[list[float]] = [[] for _ in range(SENDERS)]
        with granian(env) as (port, proc):
            done = threading.Event()
            threads = [
                threading.Thread(target=_send, args=(port, ids, i, accepted[i], done)) for i in range(SENDERS)
            ]
            for t in threads:
                t.start()
            time.sleep(LOAD_SECONDS)
            killed_at = time.monotonic()
            kill_hard(proc)  # SIGKILL to granian and its workers, mid-load
            done.set()
            for t in threads:
                t.join(timeout=10)
        times = sorted(t for sender in accepted for t in sender)
        last_second = sum(1 for t in times if t > killed_at - 1.0)
        with granian(env) as (_, restarted):  # it comes back on the same database
            stored = _stored(data_dir)
            stop(restarted)
        lost = len(times) - stored
        print(
            f"accepted {len(times)}, stored {stored}, lost {lost}, accepted in the last second {last_second}"
        )
        assert len(times) > 500, "the load generator hardly ran"
        assert stored > 0
        assert (
            -SENDERS <= lost <= last_second
        )  # a reply still in flight may be stored yet not seen as accepted
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
