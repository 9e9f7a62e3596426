"""Feed URLs polled over real HTTP: a local server in a thread serves feeds, 304s, hangs, HTML and garbage."""

import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.ingest import services
from newsdesk.ingest.models import IngestedItem, IngestLog, IngestSource
from newsdesk.news.models import Article

from .conftest import corpus

FEED = (
    b"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>TASS</title>"
    b"<item><title>Putin and Macron hold talks in Versailles</title><link>http://tass.com/politics/948400</link>"
    b"<description>Russian President Vladimir Putin and French President Emmanuel Macron held talks in Versailles "
    b"on Monday, discussing Syria, Ukraine and bilateral trade.</description></item></channel></rss>"
)
LAST_MODIFIED = formatdate(1496131200, usegmt=True)


class FeedServer(BaseHTTPRequestHandler):
    routes: dict = {}
    hits: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        FeedServer.hits.append((self.path, dict(self.headers)))
        route = FeedServer.routes.get(self.path)
        if route is None:
            return self._send(404, b"not found", "text/plain")
        kind, body, content_type = route
        if kind == "hang":
            time.sleep(5)
            return self._send(200, body, content_type)
        if kind == "feed" and (
            self.headers.get("If-None-Match") == '"v1"'
            or self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return self._send(304, b"", content_type)
        status = 500 if kind == "error" else 200
        self._send(status, body, content_type, etag=kind == "feed")

    def _send(self, status, body, content_type, etag=False):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", LAST_MODIFIED)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    httpd.daemon_threads = True
    FeedServer.routes, FeedServer.hits = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def source_for(world):
    def make(url, **extra):
        return IngestSource.objects.create(
            name=url[-20:], kind="url", location=url, default_section=world, **extra
        )

    return make


def poll(source):
    return services.source_poll(source_id=source.pk, force=True)


@pytest.mark.django_db
def test_conditional_get_answers_not_modified(server, source_for):
    FeedServer.routes["/rss"] = ("feed", FEED, "application/rss+xml; charset=utf-8")
    source = source_for(f"{server}/rss")
    assert str(poll(source)) == "1 created"
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == ('"v1"', LAST_MODIFIED)
    assert str(poll(source)) == "1 not modified"
    headers = FeedServer.hits[-1][1]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == LAST_MODIFIED
    assert Article.objects.count() == 1 and IngestedItem.objects.count() == 1


@pytest.mark.django_db
def test_real_feed_over_http_with_charset_from_the_header(server, source_for):
    data = corpus("providers/feeds/ru_oren_ru_news_cp1251_yandex.xml").read_bytes()
    FeedServer.routes["/oren"] = ("plain", data, "application/rss+xml; charset=windows-1251")
    assert poll(source_for(f"{server}/oren")).counts["created"] >= 9
    assert Article.objects.filter(headline__contains="Бузулук").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "body", "content_type", "reason"),
    [
        ("plain", b"<!DOCTYPE html><html><body>Moved</body></html>", "text/html", "expected a news document, got an HTML page"),
        ("plain", bytes(range(256)) * 4, "application/octet-stream", "unrecognised format"),
        ("error", b"oops", "text/plain", "answered HTTP 500"),
        ("hang", FEED, "application/rss+xml", "could not fetch"),
        ("plain", b"<rss version='2.0'><channel><title>cut", "application/rss+xml", "broken feed with no readable items"),
    ],
)  # fmt: skip
def test_bad_answers_are_logged_and_nothing_is_imported(
    server, source_for, settings, kind, body, content_type, reason
):
    settings.NEWSDESK_INGEST_TIMEOUT = 1
    FeedServer.routes["/x"] = (kind, body, content_type)
    source = source_for(f"{server}/x")
    started = time.monotonic()
    assert str(poll(source)) == "1 documents refused"
    assert time.monotonic() - started < 4  # a hanging server costs the timeout, not the worker
    entry = IngestLog.objects.get()
    assert reason in entry.reason and entry.origin == f"{server}/x" and entry.source == source
    source.refresh_from_db()
    assert source.etag == "" and "1 documents refused" in source.last_result
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_oversized_and_missing_documents(server, source_for, settings):
    settings.NEWSDESK_INGEST_MAX_BYTES = 100
    FeedServer.routes["/big"] = ("plain", FEED, "application/rss+xml")
    poll(source_for(f"{server}/big"))
    poll(source_for(f"{server}/missing"))
    reasons = list(IngestLog.objects.order_by("id").values_list("reason", flat=True))
    assert "sent more than 100 bytes" in reasons[0] and "answered HTTP 404" in reasons[1]


@pytest.mark.django_db
def test_command_takes_urls(server, world):
    from django.core.management import call_command

    FeedServer.routes["/rss"] = ("feed", FEED, "application/rss+xml")
    call_command("ingest", f"{server}/rss", "--section", "world", "--publish")
    assert Article.objects.published().get().headline == "Putin and Macron hold talks in Versailles"


@pytest.mark.django_db
def test_only_http_urls_are_fetched(source_for):
    poll(source_for("file:///etc/passwd"))
    assert "is not an http(s) URL" in IngestLog.objects.get().reason
