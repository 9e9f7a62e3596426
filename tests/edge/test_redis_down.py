"""Redis going away under load degrades instead of failing (issue "Scale out", Failure).

A real granian server (as `make run` starts it) with REDIS_URL on a real redis-server, under a bounded load of
reader pages, the polling endpoint and read beacons. Redis is stopped mid-load while a newsroom process
publishes a story, then started again. No request may answer 5xx, and once Redis is back every read that was
answered as counted is counted, and the published story reaches the live feed.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.analytics.livesrv import BIN, ROOT, granian, kill_hard, prepare_site, server_env, temp_data_dir
from tests.servers import _free_port, _wait_for_port, server_missing

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
HEADLINE = "Kremlin says Putin and Macron agreed to meet again in autumn"
MAX_REQUESTS = 4000  # a bound on the load, whatever the machine's speed

# A newsroom process: publishes when asked (a worker beside it runs what follows), and lives on as a server would.
PUBLISHER = """
import pathlib, time
from django.utils import timezone
from newsdesk.news import services
from newsdesk.news.models import Article, Section
go, done = pathlib.Path({go!r}), pathlib.Path({done!r})
while not go.exists():
    time.sleep(0.05)
article = Article.objects.create(headline={headline!r}, slug="putin-macron-autumn", section=Section.objects.get(
    slug="politics"), body="<p>The two leaders spoke by phone.</p>", status="draft")
services.article_publish(article=article, by=None)
done.write_text(str(article.public_id))
time.sleep(600)
"""


class RestartableRedis:
    """redis-server with an append-only file on a fixed port: stopped and started again, it keeps its data."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise FileNotFoundError("redis-server was not found")
        self.root = tempfile.mkdtemp(prefix="newsdesk-redis-down-")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", self.root],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def redis():
    try:
        server = RestartableRedis()
    except FileNotFoundError as exc:
        server_missing("Redis", exc, "this test needs redis-server")
    server.start()
    yield server
    server.close()


class Load:
    """Threads that request reader pages, poll the live feed and send read beacons until stopped."""

    def __init__(self, port: int, article_ids: list[int], paths: list[str], *, threads: int = 4) -> None:
        self.bases = [f"http://127.0.0.1:{port}"]
        self.article_ids, self.paths = article_ids, paths
        self.statuses: Counter = Counter()
        self.per_server: Counter = Counter()
        self.failures: list[str] = []
        self.beacons_counted = 0
        self.sent = 0
        self.budget = MAX_REQUESTS
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, worker: int) -> None:
        n = 0
        while not self._stop.is_set():
            with self._lock:
                if self.sent >= self.budget:  # bounded load: wait for the next phase's share (or the end)
                    spent = True
                else:
                    spent = False
                    self.sent += 1
            if spent:
                self._stop.wait(0.05)
                continue
            n += 1
            base = self.bases[n % len(self.bases)]
            self.per_server[base] += 1
            if n % 2:
                self._beacon(
                    base,
                    f"10.{worker}.{n // 256 % 256}.{n % 256}",
                    self.article_ids[n % len(self.article_ids)],
                )
            else:
                self._get(base, self.paths[n % len(self.paths)])

    def add_server(self, port: int) -> None:
        """A server joins: it gets load of its own, even if cached pages spent the first share fast."""
        with self._lock:
            self.bases.append(f"http://127.0.0.1:{port}")
            self.budget = self.sent + MAX_REQUESTS

    def _get(self, base: str, path: str) -> None:
        self._record(path, urllib.request.Request(base + path, headers={"User-Agent": BROWSER}))

    def _beacon(self, base: str, address: str, public_id: int) -> None:
        # A distinct reader (address, as the proxy reports it) each time, so every accepted read must be counted.
        headers = {
            "User-Agent": BROWSER,
            "X-Real-IP": address,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        request = urllib.request.Request(base + "/analytics/read", data=f"a={public_id}".encode(),
                                         headers=headers, method="POST")  # fmt: skip
        if self._record("beacon", request) == 204:
            with self._lock:
                self.beacons_counted += 1

    def _record(self, name: str, request) -> int:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = 0
            self.failures.append(f"{name}: {exc}")
        with self._lock:
            self.statuses[(name, status)] += 1
        return status


@contextlib.contextmanager
def publisher(env: dict, root: str):
    go, done = Path(root, "publish-now"), Path(root, "published")
    script = PUBLISHER.format(go=str(go), done=str(done), headline=HEADLINE)
    proc = subprocess.Popen([str(BIN / "newsdesk"), "shell", "-c", script], env=env, cwd=ROOT,  # noqa: S603
                            start_new_session=True, stdout=subprocess.DEVNULL)  # fmt: skip
    # What follows the publish (the live announcement among it) is the worker's: retried until Redis is back.
    worker = subprocess.Popen([str(BIN / "newsdesk"), "worker"], env=env, cwd=ROOT,  # noqa: S603
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def publish() -> int:
        go.write_text("1")
        deadline = time.monotonic() + 60
        while not done.exists() or not done.read_text():
            assert proc.poll() is None, "the publisher stopped"
            assert time.monotonic() < deadline, "the publish did not finish"
            time.sleep(0.05)
        return int(done.read_text())

    try:
        yield publish
    finally:
        kill_hard(proc)
        kill_hard(worker)


def counted_reads(redis_url: str) -> int:
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url)
    keys = [key for key in client.scan_iter(match="newsdesk:reads:h:*") if b":s" not in key]
    return int(sum(score for key in keys for _, score in client.zrange(key, 0, -1, withscores=True)))


def until(check, *, within: float, what: str):
    deadline = time.monotonic() + within
    while not (found := check()):
        assert time.monotonic() < deadline, f"{what} not within {within}s"
        time.sleep(0.2)
    return found


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_redis_down_under_load_degrades_and_loses_nothing(redis):
    data_dir = temp_data_dir()
    try:
        env = server_env(
            data_dir,
            REDIS_URL=redis.url,
            ANALYTICS_FLUSH_INTERVAL="0.2",
            NEWSDESK_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
        )
        ids = prepare_site(env, articles=6, static=True)
        article_paths = [f"/news/{pid}/bench-{n}/" for n, pid in enumerate(ids)]
        paths = ["/", "/news/", "/news/?section=politics", "/section/politics/", "/live/events",
                 "/search/?q=relations", "/api/v1/items", *article_paths]  # fmt: skip
        with (
            granian(env) as (port, _server),
            publisher(env, data_dir) as publish,
            contextlib.ExitStack() as later,
        ):
            with Load(port, ids, paths) as load:
                time.sleep(2)
                redis.stop()
                down_since = load.sent
                public_id = publish()
                # App processes that start while Redis is away (no salt, no Most read box yet) serve too.
                late_port, _late = later.enter_context(granian(env))
                load.add_server(late_port)
                time.sleep(2)
                down_requests = load.sent - down_since
                redis.start()
                time.sleep(2)
            assert down_requests > 40, "too little load while Redis was down to prove anything"
            assert load.per_server[f"http://127.0.0.1:{late_port}"] > 20, "the late server was not exercised"
            errors = {key: count for key, count in load.statuses.items() if key[1] >= 500 or key[1] == 0}
            assert not errors, f"failed requests: {errors} {load.failures[:3]}"
            # Every read answered 204 is counted once Redis is back (buffered meanwhile, never dropped).
            until(lambda: counted_reads(redis.url) == load.beacons_counted, within=15,
                  what=f"{load.beacons_counted} reads counted (have {counted_reads(redis.url)})")  # fmt: skip
            # The story published while Redis was away reaches the live feed once it is back.
            events = until(lambda: [e for e in get_json(port, "/live/events?after=0-0")["events"] if e["public_id"] == public_id],
                           within=15, what="the live announcement")  # fmt: skip
            assert [event["headline"] for event in events] == [HEADLINE]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as home:  # noqa: S310
                assert HEADLINE in home.read().decode()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_the_cache_acts_empty_while_redis_is_away_and_counters_still_raise(redis):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from newsdesk.edge.cache import DegradingRedisCache

    cache = DegradingRedisCache(redis.url, {})
    cache.set("page", "Putin and Macron meet at Versailles")
    assert cache.get("page") == "Putin and Macron meet at Versailles"
    redis.stop()
    assert cache.get("page", "miss") == "miss"
    assert cache.get_many(["page"]) == {}
    assert cache.add("page", "x") is False
    cache.set("page", "dropped")
    cache.delete("page")
    with pytest.raises(RedisConnectionError):
        cache.incr("rate")
    redis.start()
    time.sleep(1.1)  # past the pause after an error
    assert cache.get("page") == "Putin and Macron meet at Versailles"  # the append-only file kept it
