"""The request tally (newsdesk/ops/tally.py): what it folds into the metrics is what observing each request at
once would have written, and its thread folds without anyone asking."""

from __future__ import annotations

import logging
import time

from prometheus_client import REGISTRY, CollectorRegistry, Histogram

from newsdesk.ops import metrics
from newsdesk.ops.tally import RequestTally

# (seconds, queries) at and around bucket bounds, beyond the last one, and a request that never reached Django
OBSERVED = [(0.001, 0), (0.002, 1), (0.0021, 3), (0.25, 256), (7.0, 257), (20.0, None), (0.5, 16)]


def _samples(registry, name: str, view: str) -> dict:
    return {
        (sample.name, sample.labels.get("le")): sample.value
        for family in registry.collect()
        for sample in family.samples
        if sample.name.startswith(name) and sample.labels.get("view") == view
    }


def test_folded_requests_are_what_observing_each_would_have_written():
    view = "tests:tally-fold"
    reference = CollectorRegistry()
    latency = Histogram("latency", "", ["view"], buckets=metrics.LATENCY_BUCKETS, registry=reference)
    queries = Histogram("queries", "", ["view"], buckets=metrics.QUERY_BUCKETS, registry=reference)
    tally = RequestTally()
    for seconds, count in OBSERVED:
        tally.started()
        tally.finished(view, "GET", "200", seconds, count, None)
        latency.labels(view).observe(seconds)
        if count is not None:
            queries.labels(view).observe(count)
    assert REGISTRY.get_sample_value("newsdesk_http_requests_total", {"view": view, "method": "GET",
                                                                      "status": "200"}) is None  # fmt: skip
    tally.fold()
    assert not tally.pending()
    assert REGISTRY.get_sample_value(
        "newsdesk_http_requests_total", {"view": view, "method": "GET", "status": "200"}
    ) == len(OBSERVED)
    for ours, theirs in (
        ("newsdesk_http_request_duration_seconds", "latency"),
        ("newsdesk_db_queries_per_request", "queries"),
    ):
        got = {
            (name.replace(ours, ""), le): value
            for (name, le), value in _samples(REGISTRY, ours, view).items()
        }
        want = {
            (name.replace(theirs, ""), le): value
            for (name, le), value in _samples(reference, theirs, view).items()
        }
        assert got == want, ours


def _ours(caplog) -> list:
    return [record for record in caplog.records if getattr(record, "request_id", None) == "r" * 32]


def test_the_thread_folds_counts_and_writes_lines_within_the_fold_interval(caplog):
    view = "tests:tally-thread"
    tally = RequestTally()
    line = (logging.INFO, {"request_id": "r" * 32, "method": "GET", "path": "/x", "status": 200}, time.time())
    with caplog.at_level(logging.INFO, logger="newsdesk.request"):
        tally.started()
        tally.finished(view, "GET", "200", 0.01, 2, line)
        deadline = time.monotonic() + 30  # folded every FOLD_SECONDS; nobody asks here
        while not _ours(caplog) and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = _ours(caplog)
    assert (
        REGISTRY.get_sample_value(
            "newsdesk_http_requests_total", {"view": view, "method": "GET", "status": "200"}
        )
        == 1
    )
    assert [(record.path, record.created) for record in lines] == [("/x", line[2])]
