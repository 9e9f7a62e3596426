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
from random import getrandbits

from django.conf import settings

from newsdesk.ratelimit import client_address

from . import metrics
from .logs import SANE_REQUEST_ID, request_id
from .tally import TALLY

ops_logger = logging.getLogger("newsdesk.ops")

NO_STORE = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
VIEW_KEY, QUERIES_KEY, USER_KEY = "newsdesk.view", "newsdesk.queries", "newsdesk.user_id"
# The page cache's answer (HIT, MISS, …, as in its X-Cache header): edge/pagecache.py's STATE_KEY, not imported
# (the edge app imports this app's metrics)
CACHE_KEY = "newsdesk.cache"
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
    server gets back (the response's, unchanged) whose close() hands the request to the tally after the last byte
    (a streamed response is measured whole). One object rather than closures, a list and a wrapper: every
    request makes it, and less made is less CPU."""

    __slots__ = ("log", "environ", "start_response", "path", "rid", "started", "status", "result")
    result: Iterable[bytes]  # the application's, once it has answered

    def __init__(self, log, environ, start_response, path, rid, started) -> None:
        self.log, self.environ, self.start_response, self.path = log, environ, start_response, path
        self.rid, self.started, self.status, self.result = rid, started, "500", ()

    def __call__(self, status, headers, exc_info=None):  # the application's start_response
        self.status = status[:3]
        return self.start_response(status, [*headers, ("X-Request-ID", self.rid)], exc_info)

    def __iter__(self):
        return iter(self.result)

    def close(self) -> None:
        """After the last byte: the response's own close, then the request handed to the tally as it is
        (tally.Answered), named, counted and logged there, off the request path."""
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            environ, path = self.environ, self.path
            TALLY.finished((self.rid, environ.get("REQUEST_METHOD", ""), path, self.status,
                            environ.get(CACHE_KEY, ""), environ.get(VIEW_KEY), environ.get(QUERIES_KEY),
                            environ.get(USER_KEY), time.perf_counter() - self.started, time.time(), self.log))  # fmt: skip
            if path == LIVE_STREAM:
                metrics.LIVE_STREAMS.dec()


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
        rid = environ.get("HTTP_X_REQUEST_ID")
        if not rid or not SANE_REQUEST_ID.match(rid):
            # 128 random bits as 32 hex digits, like uuid4().hex. An id names a request, it guards nothing: the
            # process's own generator (seeded from the system's, again in a forked child) costs no system call.
            rid = environ["HTTP_X_REQUEST_ID"] = f"{getrandbits(128):032x}"
        request = _Request(self.access_log, environ, start_response, path, rid, started)
        TALLY.started()
        if not TALLY.running:
            TALLY.start()
        if path == LIVE_STREAM:
            metrics.LIVE_STREAMS.inc()
        token = request_id.set(rid)
        try:
            request.result = self.app(environ, request)
        except BaseException:
            request.close()
            raise
        finally:
            request_id.reset(token)
        return request


def with_operations(app):
    return Operations(app)
