"""The outermost WSGI layer (newsdesk/wsgi.py): health, readiness and metrics endpoints, and for every other
request its id, its metrics and its one log line — whichever layer answers it (page cache, read beacon, live
poll or Django).

* ``/healthz``: the process answers (no database, nothing else). ``/readyz``: health.py's checks, 503 when a
  required one fails. Both ``Cache-Control: no-store``, answered before the page cache, never logged when
  ready (a load balancer asks every few seconds).
* ``/metrics``: Prometheus text, only for the addresses in NEWSDESK_METRICS_ALLOW (loopback by default) or a
  request bearing NEWSDESK_METRICS_TOKEN; everyone else gets a 403.
* Request id: the incoming X-Request-ID when it looks like one, else a new one; passed to Django in the environ,
  returned in the response's X-Request-ID, written on every log line of the request.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
from collections.abc import Iterable

from django.conf import settings

from newsdesk.analytics.beacon import is_beacon_path
from newsdesk.ratelimit import client_address

from . import metrics
from .logs import new_request_id, request_id
from .tally import TALLY

logger = logging.getLogger("newsdesk.request")
ops_logger = logging.getLogger("newsdesk.ops")

NO_STORE = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
VIEW_KEY, QUERIES_KEY, USER_KEY = "newsdesk.view", "newsdesk.queries", "newsdesk.user_id"
LIVE_STREAM = "/live/stream"  # held open: counted in LIVE_STREAMS while it is


def _networks(entries: list[str]) -> list:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"NEWSDESK_METRICS_ALLOW: {entry!r} is not an address or network (e.g. 10.0.0.0/8, ::1)."
            ) from exc
    return networks


def _json(start_response, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *NO_STORE]
    )
    return [data]


class _Request:
    """One request's accounting, in one object: the start_response the application is given, and the iterable the
    server gets back (the response's, unchanged) whose close() does the counting and the log line after the last
    byte (a streamed response is measured whole). One object rather than closures, a list and a wrapper: every
    request makes it, and less made is less CPU."""

    __slots__ = ("ops", "environ", "start_response", "path", "rid", "started", "status", "cache", "result")
    result: Iterable[bytes]  # the application's, once it has answered

    def __init__(self, ops, environ, start_response, path, rid, started) -> None:
        self.ops, self.environ, self.start_response, self.path = ops, environ, start_response, path
        self.rid, self.started, self.status, self.cache, self.result = rid, started, "500", "", ()

    def __call__(self, status, headers, exc_info=None):  # the application's start_response
        self.status = status[:3]
        for name, value in headers:
            if name == "X-Cache":
                self.cache = value
        return self.start_response(status, [*headers, ("X-Request-ID", self.rid)], exc_info)

    def __iter__(self):
        return iter(self.result)

    def close(self) -> None:
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.done()

    def done(self) -> None:
        self.ops.account(self, time.perf_counter() - self.started)


class Operations:
    def __init__(self, app) -> None:
        self.app = app
        self.allow = _networks(settings.NEWSDESK_METRICS_ALLOW)
        self.token = settings.NEWSDESK_METRICS_TOKEN.encode()
        self.access_log = settings.NEWSDESK_ACCESS_LOG

    # Endpoints ---------------------------------------------------------------------------------------------
    def trusted(self, environ: dict) -> bool:
        """May this request read metrics (and readiness details)?"""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if (
            self.token
            and auth.startswith("Bearer ")
            and hmac.compare_digest(auth[7:].strip().encode(), self.token)
        ):
            return True
        try:
            address = ipaddress.ip_address(client_address(environ).split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.allow)

    def healthz(self, environ, start_response):
        return _json(start_response, "200 OK", {"status": "ok"})

    def readyz(self, environ, start_response):
        from . import health

        ready, checks = health.readiness()
        if not self.trusted(environ):  # states for everyone; the errors (hosts, ports) for operators only
            checks = {name: {"state": check["state"]} for name, check in checks.items()}
        if not ready:
            failing = sorted(name for name, check in checks.items() if check["state"] == "down")
            ops_logger.warning("not ready", extra={"failing": ",".join(failing)})
        return _json(start_response, "200 OK" if ready else "503 Service Unavailable",
                     {"ready": ready, "checks": checks})  # fmt: skip

    def metrics(self, environ, start_response):
        if not self.trusted(environ):
            body = (b"Metrics are not public: read them from an address in NEWSDESK_METRICS_ALLOW or with "
                    b"the bearer token NEWSDESK_METRICS_TOKEN.\n")  # fmt: skip
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), *NO_STORE])
            return [body]
        TALLY.fold()  # this process's requests up to now, in what it answers
        body, content_type = metrics.exposition()
        start_response(
            "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body))), *NO_STORE]
        )
        return [body]

    # Every other request -------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return self.healthz(environ, start_response)
        if path == "/readyz":
            return self.readyz(environ, start_response)
        if path == "/metrics":
            return self.metrics(environ, start_response)
        started = time.perf_counter()
        rid = new_request_id(environ.get("HTTP_X_REQUEST_ID"))
        environ["HTTP_X_REQUEST_ID"] = rid
        request = _Request(self, environ, start_response, path, rid, started)
        TALLY.started()
        if path == LIVE_STREAM:
            metrics.LIVE_STREAMS.inc()
        token = request_id.set(rid)
        try:
            request.result = self.app(environ, request)
        except BaseException:
            request.done()
            raise
        finally:
            request_id.reset(token)
        return request

    def account(self, request: _Request, seconds: float) -> None:
        """Count the request and make its line, once its last byte is gone (written by the tally's fold)."""
        environ, path, status, cache = request.environ, request.path, request.status, request.cache
        view = environ.get(VIEW_KEY)
        if view is None:  # answered before Django
            if cache == "HIT":
                view = "page_cache"
            elif is_beacon_path(path):
                view = "read_beacon"
            elif path.startswith("/live/"):
                view = "live_poll"
            else:
                view = "unresolved"
        if cache:
            TALLY.count(metrics.PAGE_CACHE, "hit" if cache == "HIT" else "miss")
        if path.startswith("/analytics/read") and is_beacon_path(path):  # before Django, or through its view
            TALLY.count(metrics.BEACONS, "accepted" if status[0] == "2" else "refused", status)
        method = environ.get("REQUEST_METHOD", "")
        if method not in METHODS:
            method = "other"  # a label per invented method would grow without bound
        queries = environ.get(QUERIES_KEY)
        line = None
        if self.access_log:
            level = logging.ERROR if status[0] == "5" else logging.INFO
            if logger.isEnabledFor(level):
                fields = {"request_id": request.rid, "method": method, "path": path, "status": int(status),
                          "duration_ms": round(seconds * 1000, 2), "view": view}  # fmt: skip
                if queries is not None:
                    fields["queries"] = queries
                if cache:
                    fields["cache"] = cache
                if user := environ.get(USER_KEY):
                    fields["user_id"] = user
                line = (level, fields, time.time())
        # Counted and logged in bulk, off the request path (tally.py): within a second, or when the process exits.
        TALLY.finished(view, method, status, seconds, queries, line)
        if path == LIVE_STREAM:
            metrics.LIVE_STREAMS.dec()


def with_operations(app):
    return Operations(app)
