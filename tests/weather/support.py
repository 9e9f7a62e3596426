"""Test support for provider code: the real recorded responses in ../shared, and a real local HTTP server
that answers like a provider — or hangs, trickles, drops the connection or sends garbage."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PROVIDERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "providers"


def recorded(folder: str) -> Path:
    """../shared/corpora/providers/<folder>; skipped where it is absent (a fresh clone), a failure in CI."""
    path = PROVIDERS / folder
    if not path.is_dir():
        message = (
            f"recorded provider responses not found at {path.resolve()} (../shared is beside the project)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def recorded_files(folder: str, *patterns: str) -> list[Path]:
    path = recorded(folder)
    return sorted(file for pattern in patterns for file in path.glob(pattern))


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    mode: str = "serve"  # serve | hang | trickle | drop
    delay: float = 5.0


@dataclass
class ProviderServer:
    """A throwaway HTTP server on 127.0.0.1; `routes` maps a path prefix to a Reply (longest prefix wins)."""

    routes: dict[str, Reply] = field(default_factory=dict)
    requests: list[tuple[str, dict]] = field(default_factory=list)

    def __enter__(self) -> ProviderServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                server.requests.append((self.path, dict(self.headers)))
                server._answer(self, server._route(self.path))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _route(self, path: str) -> Reply:
        matches = [prefix for prefix in self.routes if path.startswith(prefix)]
        return self.routes[max(matches, key=len)] if matches else Reply(b"not found", status=404)

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.mode == "hang":
            time.sleep(reply.delay)
            return
        if reply.mode == "drop":
            handler.connection.close()
            return
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body) if reply.mode == "serve" else 10_000))
        handler.end_headers()
        try:
            if reply.mode == "trickle":  # a byte at a time, never finishing within any sane deadline
                for _ in range(int(reply.delay / 0.05)):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                    time.sleep(0.05)
                return
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            return


def closed_port_url() -> str:
    """A URL nobody listens on: the server is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
