"""Metrics from several processes add up (prometheus-client's multiprocess mode, as `newsdesk serve` sets it up):
two processes serving the same site, and the real `make run` stack with its two granian worker processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

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
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
from newsdesk.wsgi import application
from newsdesk.ops import metrics
from tests.edge.wsgi import call
for _ in range(int(sys.argv[1])):
    assert call(application, "/robots.txt").status == 200
if len(sys.argv) > 2:  # dies in the middle of a request: its in-progress count is left behind
    metrics.IN_PROGRESS.inc()
    os._exit(0)
"""


def test_two_processes_counts_add_up_and_a_dead_ones_gauges_are_dropped(tmp_path, monkeypatch):
    site = Site(tmp_path / "site")
    site.run("migrate", "--no-input", "-v0")
    folder = tmp_path / "metrics"
    metrics.prepare_multiproc_dir(folder)
    env = {
        **site.env,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "PYTHONPATH": str(ROOT),
        "NEWSDESK_ACCESS_LOG": "0",
        "NEWSDESK_PAGE_CACHE": "0",
    }  # every request reaches the view
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
    from concurrent.futures import ThreadPoolExecutor

    workers = stack.granian_workers()
    assert len(workers) == 2
    path = "/newsroom/login/"  # never kept by the page cache: each request reaches Django's view
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request(stack.port, path)[0], range(120)))
    assert statuses == [200] * 120
    folder = stack.data / "metrics"
    writers = {int(p.name.rsplit("_", 1)[1].removesuffix(".db")) for p in folder.glob("counter_*.db")}
    assert writers & set(workers), "the granian processes write to the data folder's metrics"
    # Whichever process answers /metrics, it reports what all of them counted.
    for _ in range(6):
        status, headers, body = request(stack.port, "/metrics")
        assert status == 200 and _lower(headers)["cache-control"] == "no-store"
        total = _value(body.decode(), "newsdesk_http_requests_total", view="admin:login", method="GET",
                       status="200")  # fmt: skip
        assert total == 120
    status, headers, _ = request(stack.port, "/healthz")
    assert status == 200 and "x-request-id" not in _lower(headers)
    assert _lower(request(stack.port, "/news/")[1])["x-request-id"]


def _lower(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}
