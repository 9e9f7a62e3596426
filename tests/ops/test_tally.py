"""The request tally (newsdesk/ops/tally.py): what it folds into the metrics is what observing each request at
once would have written, and its thread folds without anyone asking."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import time

from prometheus_client import REGISTRY, CollectorRegistry, Histogram

from newsdesk.ops import metrics
from newsdesk.ops.logs import JSONFormatter, request_json, request_record
from newsdesk.ops.tally import RequestTally

# (seconds, queries) at and around bucket bounds, beyond the last one, and a request that never reached Django
OBSERVED = [(0.001, 0), (0.002, 1), (0.0021, 3), (0.25, 256), (7.0, 257), (20.0, None), (0.5, 16)]


def _answered(view: str, seconds: float, queries: int | None, *, rid: str = "r" * 32, log: bool = False):
    """What the request path hands the tally (tally.Answered): a GET of /x answered 200 by ``view``."""
    return (rid, "GET", "/x", "200", "", view, queries, None, seconds, time.time(), log)


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
        tally.finished(_answered(view, seconds, count))
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
    answered = _answered(view, 0.01, 2, log=True)
    with caplog.at_level(logging.INFO, logger="newsdesk.request"):
        tally.start()  # as the serving layer does in each process
        tally.started()
        tally.finished(answered)
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
    assert [(record.path, record.created, record.queries) for record in lines] == [("/x", answered[9], 2)]


# The request lines' direct path (logs.direct_writer): the text JSONFormatter writes, one write a stream ---------
LINE_CASES = [
    (logging.INFO, "/robots.txt", 200, 0.37, "robots", 0, "", None),
    (logging.INFO, '/search/?q="Путин" \\ \x07', 200, 12.5, "search", 7, "MISS", 42),
    (logging.ERROR, "/news/x", 500, 1234.0, "article", None, "", "editor-7"),
    (logging.INFO, "/", 304, 0.01, "page_cache", None, "HIT", None),
]


def _fields(path, status, duration_ms, view, queries, cache, user) -> dict:
    fields = {"request_id": "r" * 32, "method": "GET", "path": path, "status": status,
              "duration_ms": duration_ms, "view": view}  # fmt: skip
    if queries is not None:
        fields["queries"] = queries
    if cache:
        fields["cache"] = cache
    if user:
        fields["user_id"] = user
    return fields


def test_a_request_line_made_directly_is_the_text_the_json_formatter_writes():
    created = time.time()
    for level, path, status, duration_ms, view, queries, cache, user in LINE_CASES:
        record = request_record("newsdesk.request", level, _fields(path, status, duration_ms, view, queries, cache,
                                                                   user), created)  # fmt: skip
        made = request_json(
            level, created, "r" * 32, "GET", path, status, duration_ms, view, queries, cache, user
        )
        assert made == JSONFormatter().format(record)
        assert json.loads(made)["path"] == path


@contextlib.contextmanager
def one_stream():
    """The request log written as JSON lines to a string, as the site's LOGGING writes it to standard error — on
    the request logger alone (pytest's own capture handlers, added when a test starts, would take the record
    path), so it is set inside the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("newsdesk.request")
    saved = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    logging.Logger.manager._clear_cache()
    try:
        yield stream, handler
    finally:
        logger.handlers, logger.propagate, logger.level = saved
        logging.Logger.manager._clear_cache()


def test_the_fold_writes_the_lines_in_order_in_one_write():
    tally = RequestTally()
    for i in range(3):
        tally.finished(
            ("r" * 32, "GET", f"/news/{i}", "200", "", "article", 3, None, 0.002, time.time(), True)
        )
    tally.finished(("r" * 32, "GET", "/quiet", "200", "", "article", 3, None, 0.002, time.time(), False))
    with one_stream() as (stream, handler):
        writes = []
        stream.write = lambda text, write=stream.write: writes.append(text) or write(text)
        tally.fold()
    assert len(writes) == 1
    paths = [json.loads(line)["path"] for line in stream.getvalue().splitlines()]
    assert paths == ["/news/0", "/news/1", "/news/2"]


def test_a_filter_on_the_way_gets_the_records_as_before():
    tally = RequestTally()
    for path in ("/a", "/secret"):
        tally.finished(("r" * 32, "GET", path, "200", "", "article", 3, None, 0.002, time.time(), True))
    seen = []
    with one_stream() as (stream, handler):
        handler.addFilter(lambda record: seen.append(record.path) or record.path != "/secret")
        tally.fold()
    assert seen == ["/a", "/secret"]
    assert [json.loads(line)["path"] for line in stream.getvalue().splitlines()] == ["/a"]
