"""Metrics from several processes add up (prometheus-client's multiprocess mode, as `newsdesk serve` sets it up):
two processes serving the same site, and the real `make run` stack with its two granian worker processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.ops import metrics
from tests.stack.stack import ROOT, Stack, alive, request

from .sites import Site


def _value(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


REQUESTS = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
from newsdesk.wsgi import application
from newsdesk.ops import metrics
from newsdesk.ops.tally import TALLY
from tests.edge.wsgi import call
for _ in range(int(sys.argv[1])):
    assert call(application, "/robots.txt").status == 200
if sys.argv[2:] == ["die"]:  # dies in the middle of a request, once its tally is folded (within FOLD_SECONDS)
    deadline = time.monotonic() + 30
    while TALLY.pending():
        assert time.monotonic() < deadline, "the requests were never folded into the metrics"
        time.sleep(0.05)
    metrics.IN_PROGRESS.inc()  # its in-progress count is left behind
    os._exit(0)
if sys.argv[2:] == ["hold"]:  # stays up, never asked for /metrics: another process must see its requests
    print("served", flush=True)
    sys.stdin.read()
"""


def _env(site: Site, folder) -> dict:
    return {
        **site.env,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "PYTHONPATH": str(ROOT),
        "NEWSDESK_ACCESS_LOG": "0",
        "NEWSDESK_PAGE_CACHE": "0",
    }  # every request reaches the view


def _until(read, want: float, *, seconds: float = 30) -> float:
    """``read()`` once it gives ``want`` (a process folds its tally every FOLD_SECONDS), or its last value."""
    deadline = time.monotonic() + seconds
    while (value := read()) != want and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def test_two_processes_counts_add_up_and_a_dead_ones_gauges_are_dropped(tmp_path, monkeypatch):
    site = Site(tmp_path / "site")
    site.run("migrate", "--no-input", "-v0")
    folder = tmp_path / "metrics"
    metrics.prepare_multiproc_dir(folder)
    env = _env(site, folder)
    runs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(REQUESTS), str(n), *extra], cwd=ROOT, env=env)
            for n, extra in ((7, []), (5, ["die"]))]  # fmt: skip
    for run in runs:
        assert run.wait(timeout=120) == 0
    assert (
        len({path.name.rsplit("_", 1)[1] for path in folder.glob("counter_*.db")}) == 2
    )  # two processes wrote
    assert any(folder.glob("gauge_livesum_*.db"))
    monkeypatch.setenv(metrics.MULTIPROC_VARIABLE, str(folder))
    text = metrics.exposition()[0].decode()
    assert (
        _value(text, "newsdesk_http_requests_total", view="syndication:robots", method="GET", status="200")
        == 12
    )
    assert _value(text, "newsdesk_http_request_duration_seconds_count", view="syndication:robots") == 12
    assert _value(text, "newsdesk_http_requests_in_progress") == 0  # the dead process's 1 is not counted
    assert not list(folder.glob("gauge_livesum_*.db"))


def test_a_running_process_s_requests_reach_another_s_metrics_within_the_fold_interval(tmp_path, monkeypatch):
    site = Site(tmp_path / "site")
    site.run("migrate", "--no-input", "-v0")
    folder = tmp_path / "metrics"
    metrics.prepare_multiproc_dir(folder)
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(REQUESTS), "4", "hold"], cwd=ROOT,  # noqa: S603
                           env=_env(site, folder), stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert run.stdout.readline() == b"served\n"
        monkeypatch.setenv(metrics.MULTIPROC_VARIABLE, str(folder))

        def answered() -> float:
            text = metrics.exposition()[0].decode()
            return _value(text, "newsdesk_http_requests_total", view="syndication:robots", method="GET",
                          status="200")  # fmt: skip

        assert _until(answered, 4) == 4  # the process still serves: its own fold thread wrote them
        assert run.poll() is None
    finally:
        run.stdin.close()
        assert run.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not sys.platform.startswith("linux"):
        pytest.skip("the stack tests read /proc (Linux)")
    stack = Stack(tmp_path_factory.mktemp("ops-stack"))
    stack.prepare()
    stack.start()
    yield stack
    everything = stack.stop(signal.SIGTERM)
    stack.kill_leftovers({pid for pid in everything if alive(pid)})


def test_metrics_from_two_granian_workers_add_up(stack):
    workers = stack.granian_workers()
    assert len(workers) == 2
    path = "/newsroom/login/"  # never kept by the page cache: each request reaches Django's view
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request(stack.port, path)[0], range(120)))
    assert statuses == [200] * 120

    # Whichever process answers /metrics, it reports what all of them counted (each folds its requests into the
    # shared files within FOLD_SECONDS; the one that answers, at once).
    def total() -> float:
        status, headers, body = request(stack.port, "/metrics")
        assert status == 200 and _lower(headers)["cache-control"] == "no-store"
        return _value(body.decode(), "newsdesk_http_requests_total", view="admin:login", method="GET",
                      status="200")  # fmt: skip

    assert _until(total, 120) == 120
    folder = stack.data / "metrics"
    writers = {int(p.name.rsplit("_", 1)[1].removesuffix(".db")) for p in folder.glob("counter_*.db")}
    assert writers & set(workers), "the granian processes write to the data folder's metrics"

    for _ in range(6):
        assert total() == 120
    status, headers, _ = request(stack.port, "/healthz")
    assert status == 200 and "x-request-id" not in _lower(headers)
    assert _lower(request(stack.port, "/news/")[1])["x-request-id"]


def test_requests_answered_just_before_a_graceful_stop_are_counted(stack, monkeypatch):
    """The granian processes fold their tallies when they are stopped (SIGTERM), not only every FOLD_SECONDS."""
    path = "/newsroom/login/"  # asked with HEAD: no other test's requests have these labels
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request(stack.port, path, method="HEAD")[0], range(40)))
    assert statuses == [200] * 40
    everything = stack.stop(signal.SIGTERM)
    assert _until(lambda: any(alive(pid) for pid in everything), False) is False, "the stack stopped"
    monkeypatch.setenv(metrics.MULTIPROC_VARIABLE, str(stack.data / "metrics"))
    text = metrics.exposition()[0].decode()
    assert _value(text, "newsdesk_http_requests_total", view="admin:login", method="HEAD", status="200") == 40


def _lower(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}
