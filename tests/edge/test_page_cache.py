"""The page cache of one machine (newsdesk.edge.pagecache) in front of the real Django application.

Two ``PageCacheMiddleware`` instances sharing one purge log stand for two app processes of one machine.
tests/edge/test_page_cache_server.py does the same with real granian workers.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from newsdesk.edge.backends import get_purger, reset_purger
from newsdesk.edge.backends.embedded import EmbeddedPurger
from newsdesk.edge.pagecache import (
    LOST,
    WAIT_SECONDS,
    Page,
    PageCacheMiddleware,
    PageStore,
    PurgeFollower,
    PurgeLog,
    with_page_cache,
)
from newsdesk.edge.services import purge_article
from newsdesk.news.models import Article
from tests.edge.wsgi import DjangoInTestTransaction, call
from tests.factories import ArticleFactory, user_with_role

MB = 1024 * 1024


@pytest.fixture
def log_path(tmp_path, settings):
    """The purger every process uses writes to this log (the data dir's, in a real deployment)."""
    path = tmp_path / "page-purges.log"
    settings.NEWSDESK_EDGE_PURGE = {"BACKEND": "embedded", "OPTIONS": {"PATH": str(path)}}
    reset_purger()
    return path


@pytest.fixture
def django_app(db, sections):
    return DjangoInTestTransaction()


@pytest.fixture
def process(django_app, log_path):
    """One app process: the page cache around Django, following the shared purge log."""
    return lambda: PageCacheMiddleware(django_app, log_path=log_path, max_bytes=16 * MB)


def test_a_kept_page_is_answered_without_entering_django(django_app, process):
    article = ArticleFactory(headline="Kremlin says Putin and Macron agreed to meet again")
    cache = process()
    first = call(cache, "/")
    assert (first.status, first.cache, django_app.calls) == (200, "MISS", 1)
    assert article.headline in first.text
    again = call(cache, "/")
    assert (again.status, again.cache, django_app.calls) == (200, "HIT", 1)
    assert again.body == first.body
    assert again.headers["Age"] == "0"
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    # The keys are for a cache in front; with none there they stay inside, as Varnish removes them.
    assert "X-Surrogate-Keys" not in first.headers and "X-Surrogate-Keys" not in again.headers


def test_age_counts_from_when_the_page_was_kept(django_app, log_path):
    now = [1000.0]
    cache = PageCacheMiddleware(django_app, log_path=log_path, max_bytes=16 * MB, clock=lambda: now[0])
    call(cache, "/")
    now[0] += 42.7
    assert call(cache, "/").headers["Age"] == "42"
    now[0] += 3600  # past s-maxage (NEWSDESK_EDGE_MAX_AGE): rendered again
    assert call(cache, "/").cache == "MISS"
    assert django_app.calls == 2


def test_a_purge_in_one_process_reaches_the_other_before_its_next_answer(process, sections):
    article = ArticleFactory(headline="Lavrov to meet Tillerson in Washington")
    sport = ArticleFactory(section=sections["sport"], headline="Spartak beat Zenit in Moscow")  # no escaping
    pages = ["/", "/news/", "/section/politics/", article.get_absolute_url(), "/feeds/news.rss"]
    one, two = process(), process()
    for cache in (one, two):
        for path in [*pages, "/section/sport/"]:
            call(cache, path)
            assert call(cache, path).cache == "HIT", path

    article.headline = "Lavrov and Tillerson meet in Washington: corrected"
    article.save()
    purge_article(article.pk)  # what the publishing pipeline runs after commit, in any process

    for cache in (two, one):
        for path in pages:
            reply = call(cache, path)
            assert reply.cache == "MISS", path
            assert "Lavrov and Tillerson meet in Washington: corrected" in reply.text, path
            assert call(cache, path).cache == "HIT", path
        # Exact: a page that does not show the article stays kept.
        assert call(cache, "/section/sport/").cache == "HIT"
    assert sport.headline in call(one, "/section/sport/").text


def test_a_page_rendered_while_its_key_was_purged_is_served_but_not_kept(django_app, log_path):
    """The render read the database before the publish committed; the purge came while it was rendering."""
    ArticleFactory()

    def purged_mid_render(environ, start_response):
        result = django_app(environ, start_response)
        get_purger().purge(["home"])
        return result

    cache = PageCacheMiddleware(purged_mid_render, log_path=log_path, max_bytes=16 * MB)
    assert call(cache, "/").cache == "MISS"
    assert call(cache, "/").cache == "MISS"  # not kept: it may show what the purge replaced
    cache.app = django_app
    call(cache, "/")
    assert call(cache, "/").cache == "HIT"
    # A purge of another key during a render does not stop it being kept.
    cache.app = purged_mid_render
    assert call(cache, "/news/").cache == "MISS"
    assert call(cache, "/news/").cache == "HIT"


def _slow_page(*, kept: bool):
    """A page whose render waits for ``release``; ``renders`` counts the renders."""
    started, release, renders = threading.Event(), threading.Event(), []
    cache_control = "public, s-maxage=600" if kept else "private, no-cache"

    def app(environ, start_response):
        renders.append(1)
        started.set()
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4"),
                                  ("Cache-Control", cache_control), ("X-Surrogate-Keys", "home")])  # fmt: skip
        return [b"page"]

    return app, started, release, renders


def _in_threads(cache, count: int) -> tuple[list, list[threading.Thread]]:
    replies: list = []
    threads = [threading.Thread(target=lambda: replies.append(call(cache, "/"))) for _ in range(count)]
    for thread in threads:
        thread.start()
    return replies, threads


def test_requests_for_a_page_being_rendered_wait_for_that_render(db, log_path):
    app, started, release, renders = _slow_page(kept=True)
    cache = PageCacheMiddleware(app, log_path=log_path, max_bytes=MB)
    replies, threads = _in_threads(cache, 1)
    assert started.wait(10)
    more, others = _in_threads(cache, 3)
    deadline = time.monotonic() + 0.5  # they would render too within this, were they not waiting
    while time.monotonic() < deadline and len(renders) == 1:
        time.sleep(0.01)
    release.set()
    for thread in threads + others:
        thread.join(10)
    assert len(renders) == 1
    assert sorted(reply.cache for reply in replies + more) == ["HIT", "HIT", "HIT", "MISS"]
    assert {reply.body for reply in replies + more} == {b"page"}


def test_requests_for_a_page_that_is_not_kept_do_not_wait_for_each_other(db, log_path):
    app, _, release, renders = _slow_page(kept=False)
    cache = PageCacheMiddleware(app, log_path=log_path, max_bytes=MB)
    release.set()
    call(cache, "/")  # answered, not kept: remembered as such
    release.clear()
    _, threads = _in_threads(cache, 3)
    deadline = time.monotonic() + WAIT_SECONDS / 2  # were they waiting, none would render before WAIT_SECONDS
    while len(renders) < 4:  # all three render at once
        assert time.monotonic() < deadline, f"{len(renders) - 1} of 3 rendered: the others wait in line"
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)


def test_a_signed_in_editor_never_gets_or_leaves_a_kept_page(django_app, process):
    article = ArticleFactory(headline="Kremlin comments on the summit")
    client = Client()
    client.force_login(user_with_role("Editor"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in = {"Cookie": f"csrftoken=abc; {settings.SESSION_COOKIE_NAME}={session}"}
    cache = process()

    call(cache, "/")
    assert call(cache, "/").cache == "HIT"
    Article.objects.filter(pk=article.pk).update(
        headline="Kremlin comments on the summit, updated"
    )  # no purge
    assert "updated" not in call(cache, "/").text  # anonymous readers: the kept page
    for _ in range(2):
        reply = call(cache, "/", headers=signed_in)
        assert reply.cache is None and "updated" in reply.text  # the editor: Django, every time
        assert "private" in reply.headers["Cache-Control"]
    # What the editor was answered is never kept for others.
    call(cache, "/news/", headers=signed_in)
    assert call(cache, "/news/").cache == "MISS"


def test_cookies_other_than_the_session_neither_vary_nor_reach_the_page(process):
    politics = ArticleFactory(headline="Putin meets Macron at Versailles")
    cache = process()
    odd = {"Cookie": "feed_sections=sport; csrftoken=abc; messages=forged; newsdesk_city=paris"}
    first = call(cache, "/news/", headers=odd)
    assert (
        first.status == 200 and politics.headline in first.text
    )  # rendered for no one: the filter cookie unread
    plain = call(cache, "/news/")
    assert plain.cache == "HIT" and plain.body == first.body
    assert (
        call(cache, "/news/", headers={"Cookie": "csrftoken=other"}).cache == "HIT"
    )  # the CSRF cookie alone


def test_no_cookie_reaches_a_page_that_is_kept(db, log_path):
    """As Varnish does, the page is rendered for no one: a view that read a cookie could not leak it."""

    def echoes_cookies(environ, start_response):
        body = f"cookies: {environ.get('HTTP_COOKIE', '')}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "public, s-maxage=600")])  # fmt: skip
        return [body]

    cache = PageCacheMiddleware(echoes_cookies, log_path=log_path, max_bytes=MB)
    assert call(cache, "/", headers={"Cookie": "feed_sections=sport; csrftoken=abc"}).body == b"cookies: "
    assert call(cache, "/").cache == "HIT"


def test_forwarded_headers_and_hosts_cannot_poison_the_page_for_others(process, settings):
    ArticleFactory(headline="Russia, Japan discuss joint economic activity on Kuril Islands")
    cache = process()
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Original-URL": "/newsroom/",
              "X-Forwarded-For": "203.0.113.9", "Accept-Language": "fr"}  # fmt: skip
    first = call(cache, "/", headers=forged)
    assert first.status == 200 and b"evil.example" not in first.body
    plain = call(cache, "/")
    assert plain.cache == "HIT" and plain.body == first.body

    refused = call(cache, "/section/politics/", headers={"Host": "evil.example"})
    assert refused.status == 400
    assert call(cache, "/section/politics/").status == 200  # the 400 was not kept for the real host
    # Another allowed name of the site is another page (its links may use the name it was asked by).
    assert call(cache, "/", headers={"Host": "localhost"}).cache == "MISS"
    # Behind a proxy Django is told to trust: what it trusts is part of the page's address.
    settings.USE_X_FORWARDED_HOST = True
    behind = process()
    call(behind, "/")
    assert call(behind, "/", headers={"X-Forwarded-Host": "localhost"}).cache == "MISS"
    assert call(behind, "/", headers={"X-Forwarded-Host": "evil.example"}).status == 400
    assert call(behind, "/").cache == "HIT"


def test_only_anonymous_reads_of_reader_pages_reach_the_cache(django_app, process):
    cache = process()
    for path in ["/newsroom/login/", "/news/mine/", "/live/events", "/api/v1/items", "/robots.txt"]:
        call(cache, path)
    for path in ["/newsroom/login/", "/news/mine/", "/live/events", "/api/v1/items"]:
        assert call(cache, path).cache is None, path
    assert call(cache, "/robots.txt").cache == "HIT"
    assert call(cache, "/", method="POST").cache is None
    assert call(cache, "/", headers={"Authorization": "Bearer x"}).cache is None


def test_a_response_that_sets_a_cookie_is_never_kept(db, log_path):
    calls = []

    def sets_a_cookie(environ, start_response):
        calls.append(1)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2"),
                                  ("Cache-Control", "public, s-maxage=600"), ("Set-Cookie", "who=alice")])  # fmt: skip
        return [b"hi"]

    cache = PageCacheMiddleware(sets_a_cookie, log_path=log_path, max_bytes=MB)
    for _ in range(3):
        reply = call(cache, "/")
        assert reply.cache == "MISS" and reply.headers["Set-Cookie"] == "who=alice"
    assert len(calls) == 3


def test_the_city_page_that_remembers_a_choice_in_a_cookie_is_not_kept(process):
    cache = process()
    chosen = call(cache, "/weather/?city=moscow")
    assert chosen.status == 200 and "Set-Cookie" in chosen.headers
    assert call(cache, "/weather/?city=moscow").cache == "MISS"


def test_conditional_requests_and_head_are_answered_from_the_kept_page(process):
    ArticleFactory()
    cache = process()
    full = call(cache, "/")
    etag = full.headers["ETag"]
    reply = call(cache, "/", headers={"If-None-Match": etag})
    assert (reply.status, reply.cache, reply.body) == (304, "HIT", b"")
    assert reply.headers["ETag"] == etag and "Content-Type" not in reply.headers
    assert call(cache, "/", headers={"If-None-Match": '"other"'}).status == 200
    assert call(cache, "/", headers={"If-None-Match": f"W/{etag}"}).status == 304
    head = call(cache, "/", method="HEAD")
    assert (head.status, head.cache, head.body) == (200, "HIT", b"")
    assert head.headers["Content-Length"] == str(len(full.body))
    # A revalidating browser on a page not yet kept gets it rendered in full and kept.
    cold = call(cache, "/news/", headers={"If-None-Match": '"stale"'})
    assert (cold.status, cold.cache) == (200, "MISS") and cold.body
    again = call(cache, "/news/", headers={"If-None-Match": cold.headers["ETag"]})
    assert (again.status, again.cache) == (304, "HIT")


def test_query_strings_are_one_page_per_set_of_parameters(process):
    cache = process()
    call(cache, "/news/?section=politics&utm_source=mail")
    assert call(cache, "/news/?utm_source=mail&section=politics").cache == "HIT"
    # Repeated parameters keep their order: the feed redirects an unordered choice to the ordered one.
    ordered = call(cache, "/news/?section=politics&section=sport")
    unordered = call(cache, "/news/?section=sport&section=politics")
    assert ordered.status == 200 and unordered.status in (301, 302)


def test_no_page_is_kept_past_the_next_scheduled_publication(django_app, log_path):
    later = timezone.now() + dt.timedelta(seconds=100)
    ArticleFactory(status=Article.Status.SCHEDULED, publish_at=later, first_published_at=None)
    now = [1000.0]
    cache = PageCacheMiddleware(django_app, log_path=log_path, max_bytes=16 * MB, clock=lambda: now[0])
    call(cache, "/section/sport/")  # shows nothing of it, but a list (the article could be anywhere)
    now[0] += 90
    assert call(cache, "/section/sport/").cache == "HIT"
    now[0] += 11
    assert call(cache, "/section/sport/").cache == "MISS"


def test_varnish_is_told_to_keep_no_page_past_the_next_scheduled_publication(db, sections, client, settings):
    settings.NEWSDESK_PAGE_CACHE = False  # as with NEWSDESK_PURGE_URLS: the page cache is off
    assert "s-maxage=3600" in client.get("/")["Cache-Control"]
    later = timezone.now() + dt.timedelta(seconds=100)
    ArticleFactory(status=Article.Status.SCHEDULED, publish_at=later, first_published_at=None)
    cache_control = client.get("/")["Cache-Control"]
    max_age = int(cache_control.split("s-maxage=")[1].split(",")[0])
    assert 90 <= max_age < 100, cache_control


def test_a_scheduled_article_appears_on_kept_pages_at_its_time(process):
    ArticleFactory(headline="Lavrov, Tillerson hold talks in Washington")
    soon = (timezone.now() + dt.timedelta(seconds=2)).replace(microsecond=0) + dt.timedelta(seconds=1)
    ArticleFactory(headline="Putin arrives in Paris", status=Article.Status.SCHEDULED, publish_at=soon,
                   first_published_at=None)  # fmt: skip
    cache = process()
    assert "Putin arrives in Paris" not in call(cache, "/").text
    assert call(cache, "/").cache == "HIT"
    deadline = time.monotonic() + 30
    while "Putin arrives in Paris" not in (reply := call(cache, "/")).text:
        assert time.monotonic() < deadline, "the kept home page outlived the scheduled publication"
        time.sleep(0.1)
    assert reply.cache == "MISS"  # nothing purged it: the page expired at the article's time


def test_with_page_cache_is_off_behind_varnish_and_strips_keys_when_off(db, sections, settings, log_path):
    django_app = DjangoInTestTransaction()
    settings.NEWSDESK_PAGE_CACHE = False
    bare = with_page_cache(django_app)
    reply = call(bare, "/")
    assert reply.cache is None and "X-Surrogate-Keys" not in reply.headers
    settings.NEWSDESK_EDGE_PURGE = {"BACKEND": "varnish", "OPTIONS": {"URLS": ["http://127.0.0.1:9"]}}
    assert with_page_cache(django_app) is django_app  # Varnish reads the keys and removes them itself
    assert "X-Surrogate-Keys" in call(django_app, "/").headers
    settings.NEWSDESK_PAGE_CACHE = True
    assert isinstance(with_page_cache(django_app), PageCacheMiddleware)


# --- the parts -----------------------------------------------------------------------------------------------------


def _page(size: int, keys: set[str]) -> Page:
    return Page(
        "200 OK", [("Content-Type", "text/html")], b"x" * size, frozenset(keys), stored=0, expires=1e9
    )


def test_the_store_keeps_the_most_recently_used_pages_within_its_size():
    store = PageStore(max_bytes=80_000)
    for n in range(16):
        store.put(f"/{n}", _page(6000, {f"article:{n}", "home"}))
        store.get("/0", now=1)  # read again and again: kept
    assert store.bytes <= 80_000 and len(store) < 16
    assert store.get("/0", now=1) is not None and store.get("/15", now=1) is not None
    assert store.get("/1", now=1) is None  # the least recently used went first
    kept = len(store)
    assert store.purge(["home"]) == kept and len(store) == 0 and store.bytes == 0
    store.put("/big", _page(80_000 // 8, set()))
    assert store.get("/big", now=1) is None  # no page may take more than an eighth


def test_a_purge_drops_exactly_the_pages_with_its_keys():
    store = PageStore(max_bytes=MB)
    store.put("/a", _page(10, {"article:1", "home"}))
    store.put("/b", _page(10, {"article:12"}))
    store.put("/c", _page(10, {"section:politics"}))
    store.purge(["article:1"])
    assert [store.get(k, now=1) is not None for k in ("/a", "/b", "/c")] == [False, True, True]
    store.put("/a", _page(10, {"article:1"}))  # a page kept again answers to its new keys only
    assert store.purge(["home"]) == 0


def test_the_log_is_followed_exactly_across_rotations(tmp_path):
    log = PurgeLog(tmp_path / "purges.log", rotate_bytes=64)
    follower = PurgeFollower(log.path)
    seen = []
    for n in range(40):
        log.append([f"article:{n}", "home"])
        if n % 3 == 0:  # a reader that looks now and then still gets every line, in order
            seen.extend(follower.poll())
    seen.extend(follower.poll())
    assert seen == [frozenset({f"article:{n}", "home"}) for n in range(40)]
    assert log.path.read_bytes().startswith(b"#")  # rotated: a generation line first


def test_a_reader_that_slept_through_a_whole_log_file_drops_everything(tmp_path):
    log = PurgeLog(tmp_path / "purges.log", rotate_bytes=64)
    follower = PurgeFollower(log.path)
    log.append(["home"])
    assert follower.poll() == [frozenset({"home"})]
    for n in range(8):  # several files come and go before the next look
        log.append([f"article:{n}0000000000", "section:politics"])
    assert follower.poll() is LOST
    log.append(["feed"])
    assert follower.poll() == [frozenset({"feed"})]  # and follows again from there


def test_a_new_process_owes_nothing_to_earlier_purges(tmp_path):
    log = PurgeLog(tmp_path / "purges.log")
    log.append(["home"])
    follower = PurgeFollower(log.path)
    assert follower.poll() == [] and not follower.changed()
    log.append(["feed"])
    assert follower.changed() and follower.poll() == [frozenset({"feed"})]


def test_a_purge_that_cannot_be_written_does_not_fail_the_publish(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("")
    purger = EmbeddedPurger(path=blocked / "purges.log")  # its directory is a file
    purger.purge(["home"])
    assert "cannot be written" in caplog.text
