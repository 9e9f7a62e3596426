"""The embedded server's guard, without a server: bodies read before the application, refusals, and the
watchdog cutting real connections of this process (Linux)."""

from __future__ import annotations

import io
import os
import socket
import sys
import time

import pytest

from newsdesk.serving import connections
from newsdesk.serving.guard import ClientGuard, Limits, Refused, Watchdog

LIMITS = Limits(body_seconds=10, body_min_rate=50_000, max_body=4 * 1024 * 1024, bodies_per_address=2,
                max_bodies=3, silent_seconds=10, connections_per_address=64)  # fmt: skip


class Body(io.BytesIO):
    """wsgi.input that counts how much was asked of it."""

    asked = 0

    def read(self, size=-1):
        self.asked += 1
        return super().read(size)


class App:
    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def __call__(self, environ, start_response):
        self.seen.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        start_response("204 No Content", [])
        return []


def call(guard, *, body: bytes = b"", length: str | None = None, peer: str = "192.0.2.1"):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/analytics/read", "REMOTE_ADDR": peer,
               "wsgi.input": Body(body)}  # fmt: skip
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    content = b"".join(guard(environ, start_response))
    return answer["status"], answer["headers"], content, environ


@pytest.fixture
def guard():
    watchdog = Watchdog(LIMITS)
    watchdog.start = lambda: None  # no thread: the tests call it
    app = App()
    return ClientGuard(app, watchdog), app, watchdog


def test_a_whole_body_reaches_the_application_intact(guard):
    guard, app, _ = guard
    status, _, _, _ = call(guard, body=b"a=12&r=example.org", length="18")
    assert status == "204 No Content" and app.seen == [b"a=12&r=example.org"]
    big = bytes(range(256)) * 8192  # 2 MiB: kept in a temporary file, read back the same
    assert call(guard, body=big, length=str(len(big)))[0] == "204 No Content" and app.seen[-1] == big


def test_a_request_without_a_body_passes_untouched(guard):
    guard, app, _ = guard
    status, _, _, environ = call(guard)
    assert status == "204 No Content" and environ["wsgi.input"].asked == 1  # only the application read it


@pytest.mark.parametrize(
    "length, body, status",
    [("500", b"a=1", "400 Bad Request"), ("12x", b"", "400 Bad Request"), ("-1", b"", "400 Bad Request"),
     (str(5 * 1024 * 1024), b"", "413 Content Too Large")],
)  # fmt: skip
def test_bad_or_short_bodies_are_refused_and_the_connection_closed(guard, length, body, status):
    guard, app, _ = guard
    answer, headers, content, environ = call(guard, body=body, length=length)
    assert answer == status and headers["Connection"] == "close" and content.strip()
    assert app.seen == []
    if status == "413 Content Too Large":
        assert environ["wsgi.input"].asked == 0  # refused before reading a byte


def test_one_address_reads_two_bodies_at_once_and_all_together_half_the_threads(guard):
    guard, app, watchdog = guard
    watchdog.begin("192.0.2.1", 10)
    watchdog.begin("192.0.2.1", 10)  # two bodies of this address still arriving
    status, headers, _, _ = call(guard, body=b"a=1", length="3")
    assert status == "429 Too Many Requests" and headers["Retry-After"] and headers["Connection"] == "close"
    assert call(guard, body=b"a=1", length="3", peer="192.0.2.2")[0] == "204 No Content"
    watchdog.begin("192.0.2.3", 10)  # three bodies arriving: as many as may be read at once
    assert call(guard, body=b"a=1", length="3", peer="192.0.2.4")[0] == "503 Service Unavailable"
    assert len(app.seen) == 1


linux_only = pytest.mark.skipif(not connections.supported(), reason="the watchdog cuts connections on Linux")


@pytest.fixture
def listener():
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def connect(listener) -> tuple[socket.socket, socket.socket]:
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    return client, accepted


def closed_by_server(client: socket.socket) -> bool:
    client.settimeout(10)
    try:
        return client.recv(100) == b""
    except ConnectionResetError:
        return True


@linux_only
def test_an_overdue_body_has_its_connection_cut(listener):
    watchdog = Watchdog(Limits(body_seconds=0.3, body_min_rate=10**9))
    stuck_client, stuck = connect(listener)
    stuck_client.sendall(b"POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\na=1")
    idle_client, idle = connect(listener)  # a kept-alive connection of the same address, answered and idle
    idle_client.sendall(b"GET / HTTP/1.1\r\n\r\n")
    time.sleep(0.05)
    idle.recv(100)
    idle.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
    idle_client.recv(100)
    reading = watchdog.begin("127.0.0.1", 500)
    assert watchdog.cut_overdue() == 0  # not yet due
    while time.monotonic() < reading.deadline:
        time.sleep(0.05)
    assert watchdog.cut_overdue() == 1
    assert reading.cut and closed_by_server(stuck_client)
    assert stuck.recv(100) == b"POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\na=1"  # what came, then the end
    assert stuck.recv(100) == b""
    idle_client.setblocking(False)
    with pytest.raises(BlockingIOError):
        idle_client.recv(100)  # the other connection is untouched
    for sock in (stuck_client, stuck, idle_client, idle):
        sock.close()


@linux_only
def test_two_overdue_bodies_of_one_address_cut_each_connection_once(listener):
    """Both overdue bodies of an address name both its connections; each is cut once (a second cut of one
    already closed could meet a new connection on the same descriptor)."""
    watchdog = Watchdog(Limits(body_seconds=0.2, body_min_rate=10**9, max_bodies=2))
    pairs = [connect(listener) for _ in range(2)]
    for client, _ in pairs:
        client.sendall(b"POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\na=1")
    readings = [watchdog.begin("127.0.0.1", 500) for _ in pairs]
    while time.monotonic() < max(reading.deadline for reading in readings):
        time.sleep(0.05)
    cuts = []
    real_cut = connections.cut
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connections, "cut", lambda conn: cuts.append(conn.fd) or real_cut(conn))
        assert watchdog.cut_overdue() == 2
    assert len(cuts) == len(set(cuts)) == 2
    assert all(closed_by_server(client) for client, _ in pairs)
    for client, server in pairs:
        client.close()
        server.close()


@linux_only
def test_a_connection_is_cut_only_while_its_descriptor_is_that_connection(listener):
    """A descriptor closed after the scan and reused by a new connection of the same address is not cut."""
    old_client, old = connect(listener)
    old_client.sendall(b"GET / HTTP/1.1\r\n\r\n")
    old.recv(100)
    scanned = next(conn for conn in connections.server_connections() if conn.fd == old.fileno())
    new_client, new = connect(listener)
    new_client.sendall(b"GET / HTTP/1.1\r\n\r\n")
    new.recv(100)
    os.dup2(new.fileno(), scanned.fd)  # the scanned number now holds the new connection, as after a reuse
    assert connections.cut(scanned) is False
    new_client.setblocking(False)
    with pytest.raises(BlockingIOError):
        new_client.recv(100)  # still open, waiting for its answer
    again = next(conn for conn in connections.server_connections() if conn.fd == scanned.fd)
    assert connections.cut(again) is True and closed_by_server(new_client)
    for sock in (old_client, old, new_client, new):
        sock.close()


@linux_only
def test_silent_connections_and_an_addresses_surplus_are_cut(listener):
    watchdog = Watchdog(Limits(silent_seconds=0.2, connections_per_address=2))
    talking = [connect(listener) for _ in range(3)]
    for client, server in talking:
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        server.recv(100)
        server.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
        client.recv(100)
    silent_client, silent = connect(listener)
    time.sleep(0.3)
    # The silent one, and one of the three idle ones over the limit of two. The sweep sees every listening
    # socket of this process, so a server another test left open in it may add its own silent connections:
    # what is asserted exactly is which of ours were cut.
    assert watchdog.sweep() >= 2
    assert closed_by_server(silent_client)
    open_ones = []
    for client, _ in talking:
        client.setblocking(False)
        try:
            open_ones.append(client.recv(100) != b"")
        except BlockingIOError:
            open_ones.append(True)
    assert sorted(open_ones) == [False, True, True]
    for client, server in [*talking, (silent_client, silent)]:
        client.close()
        server.close()


def test_elsewhere_nothing_is_cut_but_the_limits_hold(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    watchdog = Watchdog(Limits(bodies_per_address=1, max_bodies=4))
    assert not watchdog.enabled
    watchdog.begin("192.0.2.1", 10)
    with pytest.raises(Refused, match="one address"):
        watchdog.begin("192.0.2.1", 10)
