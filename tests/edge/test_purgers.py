"""One contract for every purge back end (in-memory and a real Varnish), and the keys a change purges."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from newsdesk.edge.backends import load_purger
from newsdesk.edge.pagecache import PageCacheMiddleware
from newsdesk.edge.services import purge_article
from newsdesk.news.models import Section
from tests.edge.proxy import require_varnish, varnish_server
from tests.edge.wsgi import call
from tests.factories import ArticleFactory, PersonFactory


class TaggedPages(http.server.BaseHTTPRequestHandler):
    """A stand-in origin: /a,b,c answers a page tagged with keys a, b and c."""

    def do_GET(self):  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Cache-Control", "public, s-maxage=3600")
        self.send_header("X-Surrogate-Keys", self.path.strip("/"))
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class Memory:
    def __init__(self):
        self.purger = load_purger({"BACKEND": "memory"})

    def warm(self, path):
        self.purger.store(path, path.strip("/").split(","))

    def cached(self, path):
        return self.purger.is_cached(path)


def tagged_pages(environ, start_response):
    """TaggedPages as a WSGI application, for the page cache of one machine."""
    start_response("200 OK", [("Cache-Control", "public, s-maxage=3600"), ("Content-Length", "2"),
                              ("X-Surrogate-Keys", environ["PATH_INFO"].strip("/"))])  # fmt: skip
    return [b"ok"]


class Embedded:
    def __init__(self, log_path):
        self.purger = load_purger({"BACKEND": "embedded", "OPTIONS": {"PATH": str(log_path)}})
        self.cache = PageCacheMiddleware(tagged_pages, log_path=log_path, max_bytes=1 << 20)

    def warm(self, path):
        call(self.cache, path)

    def cached(self, path):
        return call(self.cache, path).cache == "HIT"


class Varnish:
    def __init__(self, proxy):
        self.proxy = proxy
        self.purger = load_purger({"BACKEND": "varnish", "OPTIONS": {"URLS": [proxy.url]}})

    def warm(self, path):
        self.proxy.get(path)

    def cached(self, path):
        return self.proxy.get(path).cache == "HIT"


@pytest.fixture(params=["memory", "embedded", "varnish"])
def edge(request, tmp_path):
    if request.param == "memory":
        yield Memory()
        return
    if request.param == "embedded":
        request.getfixturevalue("db")  # a page is kept no longer than until the next scheduled article
        yield Embedded(tmp_path / "page-purges.log")
        return
    require_varnish()
    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TaggedPages)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    with varnish_server(app_port=origin.server_address[1]) as proxy:
        yield Varnish(proxy)
    origin.shutdown()


def test_purge_removes_exactly_the_pages_with_a_key(edge):
    pages = [
        "/home,feed",
        "/article:1,section:politics",
        "/article:12,section:sport",
        "/section:politics-extra",
    ]
    for page in pages:
        edge.warm(page)
    edge.purger.purge(["article:1", "feed"])
    assert [edge.cached(page) for page in pages] == [False, False, True, True]  # no prefix matches


def test_purge_of_nothing_keeps_everything(edge):
    edge.warm("/home")
    edge.purger.purge([])
    assert edge.cached("/home")


@pytest.mark.parametrize("key", [".*", "a b", "a,b", "home|feed", "", "ключ", "a" * 201])
def test_keys_that_could_widen_a_ban_are_refused(edge, key):
    with pytest.raises(ValueError):
        edge.purger.purge([key])


@pytest.mark.django_db
def test_keys_purged_for_an_article_and_after_a_move(settings):
    settings.NEWSDESK_EDGE_PURGE = {"BACKEND": "memory"}
    person = PersonFactory(slug="sergey-lavrov")
    article = ArticleFactory(section=Section.objects.get(slug="politics"))
    article.persons.add(person)
    keys = purge_article(article.pk)
    assert {f"article:{article.public_id}", "home", "feed", "feed:politics", "section:politics",
            "person:sergey-lavrov", "feeds", "sitemaps"} <= keys  # fmt: skip
    assert "section:sport" not in keys

    article.section = Section.objects.get(slug="sport")
    article.save()
    moved = purge_article(article.pk)
    assert {"section:politics", "section:sport", "feed:politics", "feed:sport"} <= moved  # old and new lists

    article.body = "<p>Corrected figures.</p>"
    article.save()
    assert purge_article(article.pk) == {f"article:{article.public_id}", "feeds", "api"}  # lists unchanged


def test_a_proxy_that_is_down_fails_the_purge_after_the_others_were_purged(tmp_path):
    """The pipeline retries a failed purge and lists it in the newsroom; a silent failure would leave stale pages."""
    from newsdesk.edge.backends.varnish import PurgeFailed

    require_varnish()
    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TaggedPages)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    with varnish_server(app_port=origin.server_address[1]) as proxy:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            down = f"http://127.0.0.1:{probe.getsockname()[1]}/"
        purger = load_purger(
            {"BACKEND": "varnish", "OPTIONS": {"URLS": [down, proxy.url], "REPEAT_AFTER": 0}}
        )
        proxy.get("/article:7")
        with pytest.raises(PurgeFailed, match=down):
            purger.purge(["article:7"])
        assert proxy.get("/article:7").cache != "HIT"  # the reachable proxy was purged all the same
    origin.shutdown()
