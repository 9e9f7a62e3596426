import importlib
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.news.models import Section
from newsdesk.pipeline.effects import Effect, register, unregister


class Flaky:
    """An effect that fails (as a hub or a log that is down does) until told to work."""

    name = "flaky"

    def __init__(self) -> None:
        self.fail = True
        self.calls: list[list[int]] = []

    def run(self, changes) -> None:
        self.calls.append([change.article_id for change in changes])
        if self.fail:
            raise ConnectionError("the hub is down (connection refused)")


@pytest.fixture
def flaky():
    effect = Flaky()
    # Before the purge and the live feed: a failure must not keep the effects after it from running.
    register(Effect(name=effect.name, label="Flaky test effect", run=effect.run, order=25))
    yield effect
    unregister(effect.name)


@pytest.fixture
def purger(settings):
    """The in-memory purger, which remembers what it was asked to purge."""
    from newsdesk.edge.backends import get_purger, reset_purger

    settings.NEWSDESK_EDGE_PURGE = {"BACKEND": "memory", "OPTIONS": {}}
    reset_purger()
    yield get_purger()
    reset_purger()


def purged_keys(purger) -> set[str]:
    return {key for keys in purger.purged for key in keys}


@pytest.fixture
def sections(db):
    """The sections migrate creates (a transactional test's flush removes them for the tests after it)."""
    rows = importlib.import_module("newsdesk.news.migrations.0002_default_sections").SECTIONS
    for order, (name, slug) in enumerate(rows, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    return {section.slug: section for section in Section.objects.all()}


class _Hub(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        self.server.received.append(urllib.parse.parse_qs(self.rfile.read(length).decode())["hub.url"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hub(settings):
    """A WebSub hub on localhost; ``received`` holds each ping's feed URLs."""
    from django.core.cache import cache

    cache.clear()  # the last ping of each feed (the debounce) is kept there
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NEWSDESK_WEBSUB_HUB = f"http://127.0.0.1:{server.server_port}/"
    yield server
    server.shutdown()
    server.server_close()
