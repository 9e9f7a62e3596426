"""This process's own HTTP connections, seen by the kernel, and how to cut one off from outside its thread.

granian reads a request's body for the WSGI application only when the application asks, on the application's
thread, with no deadline; it drops a connection that never sends a byte only when the client does. Neither can
be fixed inside the request: a thread waiting for a body is stuck until bytes come. The kernel, though, knows
every connection of the process — which address it is from, how long since it last received or sent data,
whether it ever received a byte — and ``shutdown()`` on a duplicate of its descriptor ends it for everyone who
holds it: the stuck read returns at once with what came, and granian forgets the connection.

Linux only (/proc/self/fd and TCP_INFO); elsewhere ``supported()`` is False and nothing is ever cut.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass

# struct tcp_info (linux/tcp.h): the offsets of the fields read here. bytes_received needs Linux 4.1+.
_LAST_DATA_SENT, _LAST_DATA_RECV, _BYTES_ACKED, _BYTES_RECEIVED = 44, 52, 120, 128
_TCP_INFO_LEN = 136
FD_DIR = "/proc/self/fd"


@dataclass(frozen=True)
class Connection:
    """One accepted connection: its peer's address and port, and in milliseconds since which it received and
    sent nothing (since it was opened, when it never did)."""

    fd: int
    peer: str
    peer_port: int
    received_bytes: int
    sent_bytes: int
    quiet_in_ms: int
    quiet_out_ms: int

    @property
    def silent(self) -> bool:
        """Opened, never sent a byte."""
        return self.received_bytes == 0

    @property
    def awaiting_answer(self) -> bool:
        """Received data after it last sent any: a request is coming in or being answered."""
        return self.received_bytes > 0 and (self.sent_bytes == 0 or self.quiet_in_ms < self.quiet_out_ms)


def supported() -> bool:
    return sys.platform == "linux" and os.path.isdir(FD_DIR) and hasattr(socket, "TCP_INFO")


def _sockets() -> Iterator[tuple[int, socket.socket]]:
    """(fd, a duplicate of it) for every TCP socket of this process; each duplicate closed after its step."""
    for name in os.listdir(FD_DIR):
        fd = int(name)
        try:
            if not os.readlink(f"{FD_DIR}/{name}").startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:  # closed meanwhile, or not a socket Python knows
            continue
        with sock:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                yield fd, sock


def _address(sock: socket.socket, *, peer: bool) -> tuple[str, int]:
    host, port = (sock.getpeername() if peer else sock.getsockname())[:2]
    return host.removeprefix("::ffff:"), port  # an IPv4 client on a dual-stack socket, as WSGI names it


def server_connections() -> list[Connection]:
    """The connections accepted on this process's listening sockets."""
    listening: set[int] = set()
    accepted: list[tuple[int, int, tuple[str, int], bytes]] = []
    for fd, sock in _sockets():
        try:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                listening.add(_address(sock, peer=False)[1])
                continue
            peer = _address(sock, peer=True)
            local_port = _address(sock, peer=False)[1]
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_LEN)
        except OSError:  # not connected (yet, or any more)
            continue
        if len(info) >= _TCP_INFO_LEN:
            accepted.append((fd, local_port, peer, info))
    return [_connection(fd, peer, info) for fd, port, peer, info in accepted if port in listening]


def _connection(fd: int, peer: tuple[str, int], info: bytes) -> Connection:
    (quiet_out,) = struct.unpack_from("I", info, _LAST_DATA_SENT)
    (quiet_in,) = struct.unpack_from("I", info, _LAST_DATA_RECV)
    (sent,) = struct.unpack_from("Q", info, _BYTES_ACKED)
    (received,) = struct.unpack_from("Q", info, _BYTES_RECEIVED)
    return Connection(fd, peer[0], peer[1], received, sent, quiet_in, quiet_out)


def cut(connection: Connection) -> bool:
    """End the connection (both directions) for every holder of it; False when it is already gone."""
    try:
        sock = socket.socket(fileno=os.dup(connection.fd))
    except OSError:
        return False
    with sock, contextlib.suppress(OSError):
        # The descriptor may have been closed and reused since the scan, by a new connection of the same
        # address (every reader behind one proxy or NAT, every test on 127.0.0.1): cut only the connection
        # that was scanned, the same address and port.
        if _address(sock, peer=True) == (connection.peer, connection.peer_port):
            sock.shutdown(socket.SHUT_RDWR)
            return True
    return False
