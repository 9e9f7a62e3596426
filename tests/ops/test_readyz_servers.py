"""/readyz against real servers: it goes not ready when PostgreSQL, Redis or the worker's heartbeat is gone, and
ready again when they come back — in a site process that keeps running throughout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.servers import server_missing
from tests.stack.stack import ROOT, free_port, request, wait_for

from .restartable import Postgres, Redis, serve
from .sites import Site


@pytest.fixture(scope="module")
def servers():
    try:
        postgres, redis = Postgres(), Redis()
    except FileNotFoundError as exc:
        server_missing("PostgreSQL and Redis", exc, "the readiness tests need postgresql-15 and redis-server")
    postgres.start()
    redis.start()
    yield postgres, redis
    postgres.close()
    redis.close()


def _ready(port: int) -> tuple[int, dict]:
    try:
        status, headers, body = request(port, "/readyz", timeout=20)
    except OSError:
        return 0, {}
    assert headers.get("Cache-Control") == "no-store"
    return status, json.loads(body)


def _states(port: int) -> tuple[int, dict[str, str]]:
    status, body = _ready(port)
    return status, {name: check["state"] for name, check in body.get("checks", {}).items()}


def _wait_state(port: int, status: int, **states: str) -> None:
    def reached():
        now = _states(port)
        return now[0] == status and all(now[1].get(name) == state for name, state in states.items())

    wait_for(reached, timeout=90, what=f"/readyz {status} with {states} (last: {_states(port)})")


def test_readyz_follows_the_database_redis_and_the_worker(servers, tmp_path):
    postgres, redis = servers
    site = Site(tmp_path / "site", DATABASE_URL=postgres.url, REDIS_URL=redis.url,
                NEWSDESK_WORKER_HEARTBEAT_SECONDS="0.5", NEWSDESK_WORKER_STALE_SECONDS="4",
                NEWSDESK_ACCESS_LOG="0")  # fmt: skip
    site.run("migrate", "--no-input", "-v0")
    env = {**site.env, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    port = free_port()
    web = serve(env, port)
    try:
        _wait_state(port, 200, database="ok", cache="ok", queue="ok", worker="ok")

        redis.stop()
        _wait_state(port, 503, cache="down", queue="down", database="ok")
        redis.start()
        _wait_state(port, 200, cache="ok", queue="ok")

        postgres.stop()
        _wait_state(port, 503, database="down")
        postgres.start()
        _wait_state(port, 200, database="ok", worker="ok")  # the worker's heartbeat resumes by itself

        worker.terminate()
        worker.wait(timeout=60)
        _wait_state(port, 503, worker="down", database="ok", cache="ok")
        assert "no worker heartbeat" in _ready(port)[1]["checks"]["worker"]["error"]  # asked from loopback
        worker = subprocess.Popen([sys.executable, "-m", "newsdesk", "worker"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        _wait_state(port, 200, worker="ok")
        assert request(port, "/healthz")[0] == 200
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=60)
