"""Calling a WSGI application the way a server does, for the page cache's tests."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.datastructures import CaseInsensitiveMapping


@dataclass
class Reply:
    status: int
    headers: CaseInsensitiveMapping
    body: bytes
    header_list: list[tuple[str, str]]

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")

    @property
    def text(self) -> str:
        return self.body.decode()


def call(app, path: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": "0",
    }  # fmt: skip
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: list = []

    def start_response(status, response_headers, exc_info=None):
        started[:] = [int(status[:3]), list(response_headers)]
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    status, header_list = started
    return Reply(status, CaseInsensitiveMapping(dict(header_list)), body, header_list)


class DjangoInTestTransaction:
    """Django's own WSGI handler, minus the signal that closes the database connection around each request
    (it would end the test's transaction), as Django's test client does."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, start_response)
            body = b"".join(result)
            result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]
