"""Deadlines and limits for the clients of the embedded server (`newsdesk serve`): WSGI middleware, watchdog.

Each granian worker runs the application on a few threads; a client that holds one holds a share of the site.
What holds a thread, or a connection slot, and what ends it:

- **Request line and headers**: granian's own deadline (``--http1-header-read-timeout``, from the first
  byte); a connection that never sends its first byte is cut by the watchdog after ``SILENT_SECONDS``.
- **Body**: read here, before the application sees the request, into memory (a temporary file past 1 MiB),
  with a deadline of ``BODY_SECONDS`` plus the time the declared length takes at ``BODY_MIN_RATE`` bytes/s.
  A body still incomplete at its deadline has its connection cut (newsdesk.serving.connections): the read
  returns, the request gets a 408 and the thread is free. A body that ends short of its Content-Length: a 400.
- **How many**: one address may have ``BODIES_PER_ADDRESS`` bodies being read in a process (past that a 429,
  refused before reading), all addresses together half the process's threads (past that a 503), so the other
  half always serves requests without a body; one address may hold ``CONNECTIONS_PER_ADDRESS`` connections to
  a process, past that its idle ones are cut, longest idle first.

Every refusal carries ``Connection: close``: the unread body goes with the connection, not through a thread.
The addresses are the connections' own (REMOTE_ADDR): this is for the server that faces readers directly;
behind a proxy, the proxy's own limits apply (README "Scale out").
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from . import connections

logger = logging.getLogger(__name__)

STATUS = {
    400: "400 Bad Request", 408: "408 Request Timeout", 413: "413 Content Too Large",
    429: "429 Too Many Requests", 503: "503 Service Unavailable",
}  # fmt: skip
CHUNK = 64 * 1024
IN_MEMORY = 1024 * 1024  # a body past this goes to a temporary file
SLACK_MS = 20  # TCP_INFO's clock ticks are coarse (up to 4 ms; 10 at HZ=100)


@dataclass(frozen=True)
class Limits:
    body_seconds: float = 10.0
    body_min_rate: int = 50_000
    max_body: int = 64 * 1024 * 1024
    bodies_per_address: int = 2
    max_bodies: int = 1
    silent_seconds: float = 10.0
    connections_per_address: int = 256

    def body_deadline(self, length: int) -> float:
        return self.body_seconds + length / self.body_min_rate


@dataclass(eq=False)
class Reading:
    peer: str
    started: float
    deadline: float
    cut: bool = field(default=False)


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or []


class Watchdog:
    """Holds the bodies being read in this process and cuts the connections past their deadlines (every
    ``tick`` seconds), and sweeps the process's connections for silent ones and crowded addresses (every
    ``sweep_every`` seconds). One daemon thread per process, started on first use."""

    def __init__(self, limits: Limits, *, tick: float = 0.25, sweep_every: float = 1.0) -> None:
        self.limits, self.tick, self.sweep_every = limits, tick, sweep_every
        self._lock = threading.Lock()
        self._readings: set[Reading] = set()
        self._thread: threading.Thread | None = None
        self.enabled = connections.supported()
        if not self.enabled:
            logger.warning(
                "This system has no /proc/self/fd or TCP_INFO: slow bodies and silent connections are "
                "limited in number but not cut off (Linux does both)."
            )

    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="newsdesk-connection-watchdog", daemon=True
            )
            self._thread.start()

    # Bodies being read --------------------------------------------------------------------------------------
    def begin(self, peer: str, length: int) -> Reading:
        now = time.monotonic()
        with self._lock:
            if len(self._readings) >= self.limits.max_bodies:
                raise Refused(503, "The server is reading too many request bodies; try again in a moment.",
                              [("Retry-After", "5")])  # fmt: skip
            if sum(1 for reading in self._readings if reading.peer == peer) >= self.limits.bodies_per_address:
                raise Refused(429, "Too many requests with a body from one address at once; send one at a "
                              "time.", [("Retry-After", "5")])  # fmt: skip
            reading = Reading(peer, now, now + self.limits.body_deadline(length))
            self._readings.add(reading)
        self.start()
        return reading

    def end(self, reading: Reading) -> None:
        with self._lock:
            self._readings.discard(reading)

    def cut_overdue(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            overdue = [reading for reading in self._readings if not reading.cut and now >= reading.deadline]
        if not overdue:
            return 0
        found = connections.server_connections()
        doomed: dict[int, connections.Connection] = {}
        for reading in overdue:
            reading.cut = True
            since_ms = (now - reading.started) * 1000 - SLACK_MS
            for conn in found:
                # The request's connection: receiving since before the read began, and sent nothing since.
                if conn.peer == reading.peer and conn.awaiting_answer and conn.quiet_out_ms >= since_ms:
                    doomed[conn.fd] = conn
        # Each once: two overdue bodies of one address both name its connections, and a second cut of one
        # whose descriptor was closed meanwhile could have met a new connection on the same number.
        return sum(connections.cut(conn) for conn in doomed.values())

    # Every connection of the process ------------------------------------------------------------------------
    def sweep(self) -> int:
        found = connections.server_connections()
        cut = 0
        by_peer: dict[str, list[connections.Connection]] = defaultdict(list)
        for conn in found:
            if conn.silent and conn.quiet_in_ms >= self.limits.silent_seconds * 1000:
                cut += connections.cut(conn)
            else:
                by_peer[conn.peer].append(conn)
        for conns in by_peer.values():
            surplus = len(conns) - self.limits.connections_per_address
            if surplus > 0:
                idle = [conn for conn in conns if not conn.awaiting_answer]
                idle.sort(key=lambda conn: min(conn.quiet_in_ms, conn.quiet_out_ms), reverse=True)
                cut += sum(connections.cut(conn) for conn in idle[:surplus])
        return cut

    def _run(self) -> None:
        next_sweep = 0.0
        while True:
            time.sleep(self.tick)
            try:
                self.cut_overdue()
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.sweep_every
                    self.sweep()
            except Exception:  # a watchdog that stops would leave every later client unguarded
                logger.exception("Connection watchdog failed; going on")


class ClientGuard:
    """WSGI middleware: a request without a body passes at the cost of one lookup; a body is read here."""

    def __init__(self, app, watchdog: Watchdog) -> None:
        self.app, self.watchdog = app, watchdog
        watchdog.start()  # silent connections are cut even before any request comes

    def __call__(self, environ, start_response):
        declared = environ.get("CONTENT_LENGTH")
        if not declared or declared == "0":
            return self.app(environ, start_response)
        try:
            environ["wsgi.input"] = self._read(environ, declared)
        except Refused as exc:
            body = f"{exc}\n".encode()
            headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                       ("Connection", "close"), ("Cache-Control", "no-store"), *exc.headers]  # fmt: skip
            start_response(STATUS[exc.status], headers)
            return [body]
        return self.app(environ, start_response)

    def _read(self, environ, declared: str):
        if not declared.isascii() or not declared.isdigit() or len(declared) > 15:
            raise Refused(400, "Content-Length must be a whole number of bytes.")
        length = int(declared)
        if length > self.watchdog.limits.max_body:
            raise Refused(413, f"A request body is at most {self.watchdog.limits.max_body} bytes.")
        reading = self.watchdog.begin(environ.get("REMOTE_ADDR", ""), length)
        body = io.BytesIO() if length <= IN_MEMORY else tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
        stream, got = environ["wsgi.input"], 0
        try:
            while got < length:
                chunk = stream.read(min(CHUNK, length - got))
                if not chunk:
                    break
                body.write(chunk)
                got += len(chunk)
        finally:
            self.watchdog.end(reading)
        if reading.cut and got < length:
            body.close()
            raise Refused(408, "The request body did not arrive in time.")
        if got < length:
            body.close()
            raise Refused(
                400, f"The request body ended after {got} of the {length} bytes its Content-Length says."
            )
        body.seek(0)
        return body


def limits_from_settings(settings) -> Limits:
    serve = settings.NEWSDESK_SERVE
    return Limits(
        body_seconds=serve["BODY_SECONDS"],
        body_min_rate=serve["BODY_MIN_RATE"],
        max_body=serve["MAX_BODY_MB"] * 1024 * 1024,
        bodies_per_address=serve["BODIES_PER_ADDRESS"],
        max_bodies=max(1, serve["THREADS"] // 2),
        silent_seconds=serve["SILENT_SECONDS"],
        connections_per_address=serve["CONNECTIONS_PER_ADDRESS"],
    )


def with_client_guard(app):
    """Wrap ``app`` where this process serves readers directly (NEWSDESK_SERVE_GUARD: `newsdesk serve`)."""
    from django.conf import settings

    if not settings.NEWSDESK_SERVE["GUARD"]:
        return app
    return ClientGuard(app, Watchdog(limits_from_settings(settings)))
