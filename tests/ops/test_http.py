"""The outer WSGI layer (newsdesk/ops/wsgi.py) around the real Django application: health, readiness, metrics
access, request ids and the one log line per request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from newsdesk.edge.pagecache import PageCacheMiddleware
from newsdesk.ops import health
from newsdesk.ops.logs import JSONFormatter, TextFormatter, request_id
from newsdesk.ops.models import WorkerHeartbeat
from newsdesk.ops.tally import TALLY
from newsdesk.ops.wsgi import Operations
from newsdesk.pipeline.models import Change
from tests.edge.wsgi import DjangoInTestTransaction, call
from tests.factories import ArticleFactory, user_with_role


@pytest.fixture
def app(db):
    return Operations(DjangoInTestTransaction())


@pytest.fixture(autouse=True)
def _folded():
    """Request lines and counts of earlier tests folded now, not into this test's log capture."""
    TALLY.fold()
    yield
    TALLY.fold()


@pytest.fixture(autouse=True)
def _fresh_lags():
    health._lags = None
    yield
    health._lags = None


def _sample(text: str, name: str, **labels) -> float:
    """One sample's value from Prometheus text (0 when absent), whatever the order of its labels."""
    want = {key: str(value) for key, value in labels.items()}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == want:
                return sample.value
    return 0.0


def _metrics(app) -> str:
    reply = call(app, "/metrics")
    assert reply.status == 200, reply.text
    return reply.text


# Health and readiness -----------------------------------------------------------------------------------------
def test_healthz_answers_without_django_and_is_never_cached(app, django_assert_num_queries):
    with django_assert_num_queries(0):
        reply = call(app, "/healthz")
    assert reply.status == 200 and json.loads(reply.body) == {"status": "ok"}
    assert reply.headers["Cache-Control"] == "no-store"
    assert app.app.calls == 0


def test_readyz_is_ready_with_a_recent_heartbeat_and_reports_each_check(app):
    WorkerHeartbeat.objects.create(worker="test:1", beat_at=timezone.now())
    reply = call(app, "/readyz")
    body = json.loads(reply.body)
    assert reply.status == 200, body
    assert reply.headers["Cache-Control"] == "no-store"
    assert body["ready"] is True
    assert {name: check["state"] for name, check in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "queue": "ok", "worker": "ok", "search_index": "ok", "pipeline": "ok",
    }  # fmt: skip


def test_readyz_is_503_when_the_worker_heartbeat_is_stale_and_says_why_to_operators_only(app, settings):
    settings.NEWSDESK_WORKER_STALE_SECONDS = 30
    WorkerHeartbeat.objects.create(worker="test:1", beat_at=timezone.now() - dt.timedelta(seconds=31))
    reply = call(app, "/readyz")
    body = json.loads(reply.body)
    assert reply.status == 503 and body["ready"] is False
    assert body["checks"]["worker"]["state"] == "down"
    assert "no worker heartbeat for 31 s" in body["checks"]["worker"]["error"]
    # From elsewhere: the states, not the details.
    reply = _call_from(app, "/readyz", "203.0.113.9")
    assert json.loads(reply.body)["checks"]["worker"] == {"state": "down"}


def test_a_lagging_pipeline_is_reported_behind_without_failing_readiness(app, settings):
    settings.NEWSDESK_READY_MAX_LAG_SECONDS = 60
    WorkerHeartbeat.objects.create(worker="test:1", beat_at=timezone.now())
    Change.objects.create(article_id=1, kind="published", created_at=timezone.now() - dt.timedelta(minutes=5))
    reply = call(app, "/readyz")
    body = json.loads(reply.body)
    assert reply.status == 200
    assert body["checks"]["pipeline"]["state"] == "behind"
    assert body["checks"]["pipeline"]["lag_seconds"] >= 300


def test_readyz_and_healthz_are_not_kept_by_the_page_cache(db, tmp_path):
    WorkerHeartbeat.objects.create(worker="test:1", beat_at=timezone.now())
    app = Operations(
        PageCacheMiddleware(DjangoInTestTransaction(), log_path=tmp_path / "log", max_bytes=1 << 20)
    )
    first = call(app, "/readyz")
    WorkerHeartbeat.objects.all().delete()
    second = call(app, "/readyz")
    assert (first.status, second.status) == (200, 503)
    assert "X-Cache" not in second.headers


def _call_from(app, path: str, address: str, headers: dict | None = None):
    """``call`` from another client address."""

    def with_address(environ, start_response):
        environ["REMOTE_ADDR"] = address
        return app(environ, start_response)

    return call(with_address, path, headers=headers)


# Metrics ------------------------------------------------------------------------------------------------------
def test_metrics_are_refused_to_other_addresses_and_given_with_the_token(app, settings):
    assert _call_from(app, "/metrics", "203.0.113.9").status == 403
    assert _call_from(app, "/metrics", "203.0.113.9", {"Authorization": "Bearer wrong"}).status == 403
    settings.NEWSDESK_METRICS_TOKEN = "s3cret-token-for-tests"
    app = Operations(app.app)
    reply = _call_from(app, "/metrics", "203.0.113.9", {"Authorization": "Bearer s3cret-token-for-tests"})
    assert reply.status == 200 and "newsdesk_http_requests" in reply.text
    settings.NEWSDESK_METRICS_ALLOW = ["10.1.0.0/16"]
    app = Operations(app.app)
    assert _call_from(app, "/metrics", "10.1.2.3").status == 200
    assert _call_from(app, "/metrics", "127.0.0.1").status == 403


def test_a_request_is_counted_by_view_method_and_status_with_its_queries(app):
    ArticleFactory()
    before = _metrics(app)
    assert call(app, "/news/").status == 200
    assert call(app, "/news/?before=garbage").status == 400
    after = _metrics(app)
    labels = {"view": "site:latest", "method": "GET"}
    assert (
        _sample(after, "newsdesk_http_requests_total", **labels, status="200")
        == _sample(before, "newsdesk_http_requests_total", **labels, status="200") + 1
    )
    assert (
        _sample(after, "newsdesk_http_requests_total", **labels, status="400")
        == _sample(before, "newsdesk_http_requests_total", **labels, status="400") + 1
    )
    assert (
        _sample(after, "newsdesk_db_queries_per_request_count", view="site:latest")
        == _sample(before, "newsdesk_db_queries_per_request_count", view="site:latest") + 2
    )
    assert _sample(after, "newsdesk_db_queries_per_request_sum", view="site:latest") > _sample(
        before, "newsdesk_db_queries_per_request_sum", view="site:latest"
    )
    assert _sample(after, "newsdesk_pipeline_backlog") == 0


def test_page_cache_hits_and_misses_and_refused_beacons_are_counted(db, tmp_path):
    ArticleFactory()
    app = Operations(
        PageCacheMiddleware(DjangoInTestTransaction(), log_path=tmp_path / "log", max_bytes=1 << 22)
    )
    before = _metrics(app)
    assert call(app, "/news/").cache == "MISS"
    assert call(app, "/news/").cache == "HIT"
    assert call(app, "/analytics/read", method="GET").status == 405  # a beacon must be POSTed
    after = _metrics(app)
    for result in ("hit", "miss"):
        grew = _sample(after, "newsdesk_page_cache_lookups_total", result=result) - _sample(
            before, "newsdesk_page_cache_lookups_total", result=result
        )
        assert grew == 1, result
    assert _sample(after, "newsdesk_http_requests_total", view="page_cache", method="GET", status="200") >= 1
    assert (
        _sample(after, "newsdesk_read_beacons_total", outcome="refused", status="405")
        == _sample(before, "newsdesk_read_beacons_total", outcome="refused", status="405") + 1
    )


# Request ids and log lines ------------------------------------------------------------------------------------
def _request_lines(caplog) -> list[logging.LogRecord]:
    TALLY.fold()  # written within FOLD_SECONDS by the tally's thread; now, here
    return [record for record in caplog.records if record.name == "newsdesk.request"]


def test_each_request_logs_one_line_with_its_id_which_the_response_returns(app, caplog):
    with caplog.at_level(logging.INFO):
        reply = call(app, "/news/", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
        other = call(app, "/news/", headers={"X-Request-ID": "bad id\r\nInjected: header"})
        call(app, "/healthz")
        call(app, "/readyz")
    assert reply.headers["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert other.headers["X-Request-ID"] != "bad id\r\nInjected: header"
    assert len(other.headers["X-Request-ID"]) == 32
    lines = _request_lines(caplog)
    assert [line.request_id for line in lines] == ["lb-7f3a9c2e-0001", other.headers["X-Request-ID"]]
    assert (lines[0].method, lines[0].path, lines[0].status, lines[0].view) == (
        "GET",
        "/news/",
        200,
        "site:latest",
    )
    assert lines[0].duration_ms > 0 and lines[0].queries >= 1
    assert not any(record.exc_info for record in caplog.records)


def test_a_damaged_cursor_is_one_line_without_a_traceback(app, caplog):
    with caplog.at_level(logging.INFO):
        assert call(app, "/news/?before=garbage").status == 400
        assert call(app, "/search/?q=%22unclosed&page=zz").status in (200, 400)
    assert not any(record.exc_info for record in caplog.records)
    assert [line.status for line in _request_lines(caplog)][0] == 400


def test_a_newsroom_request_line_names_the_user(app, caplog, client):
    editor = user_with_role("Editor")
    client.force_login(editor)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with caplog.at_level(logging.INFO):
        assert call(app, "/newsroom/", headers={"Cookie": cookie}).status == 200
    line = _request_lines(caplog)[-1]
    assert line.user_id == editor.pk and line.view == "admin:index"


def test_the_json_formatter_writes_one_object_a_line_with_the_request_id():
    token = request_id.set("rid-12345678")
    try:
        record = logging.LogRecord("newsdesk.request", logging.INFO, __file__, 1, "request", (), None)
        record.status, record.path = 404, "/nowhere/\nfake line"
        line = JSONFormatter().format(record)
        text = TextFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "request" and data["status"] == 404 and data["request_id"] == "rid-12345678"
    assert data["level"] == "INFO" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["time"])
    assert "status=404" in text and "request_id=rid-12345678" in text


def test_a_traceback_stays_inside_its_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JSONFormatter().format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]
