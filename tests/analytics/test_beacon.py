"""The beacon and its no-JavaScript image: what is counted, and every forged or malformed request refused."""

from __future__ import annotations

import datetime as dt
import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.utils import timezone

from newsdesk.analytics.backends import get_backend
from newsdesk.analytics.beacon import BeaconMiddleware
from newsdesk.news import services as news_services
from newsdesk.news.models import Article
from tests.factories import ArticleFactory

from .helpers import BEACON, BROWSER_UA, beacon, counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(site_backend):
    return ArticleFactory()


def test_a_read_is_counted_once_after_the_flush(client, article):
    response = beacon(client, article)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert counted(article) == 1


def test_flood_from_one_client_counts_one_read_and_is_then_refused(client, article, analytics_settings):
    statuses = [beacon(client, article).status_code for _ in range(130)]
    assert statuses[:120] == [204] * 120
    assert set(statuses[120:]) == {429}
    assert counted(article) == 1
    # Another reader is still welcome.
    assert beacon(client, article, ip="203.0.113.9").status_code == 204
    assert counted(article) == 2


def test_repeat_after_a_flush_is_still_one_read(client, article):
    beacon(client, article)
    assert counted(article) == 1
    beacon(client, article)
    assert counted(article) == 1


def test_same_address_other_browser_is_the_same_reader(client, article):
    # The user agent is the client's to change on every beacon: de-duplication never keys on it.
    beacon(client, article)
    beacon(client, article, ua=BROWSER_UA.replace("131", "132"))
    assert counted(article) == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: ArticleFactory(status=Article.Status.DRAFT, publish_at=None),
        lambda: ArticleFactory(status=Article.Status.REVIEW, publish_at=None),
        lambda: ArticleFactory(
            status=Article.Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(hours=2)
        ),
        lambda: ArticleFactory(status=Article.Status.WITHDRAWN),
    ],
    ids=["draft", "review", "scheduled", "withdrawn"],
)
def test_articles_readers_cannot_see_are_refused(client, site_backend, make):
    article = make()
    assert beacon(client, article).status_code == 404
    assert counted() == {}


def test_unknown_id_is_refused_without_a_query(client, article, django_assert_num_queries):
    beacon(client, article)  # loads the published index
    with django_assert_num_queries(0):
        assert beacon(client, body="a=999999999999").status_code == 404


def test_withdrawing_stops_counting_at_once(client, article, django_capture_on_commit_callbacks):
    beacon(client, article)
    with django_capture_on_commit_callbacks(execute=True):
        news_services.article_withdraw(article=article, by=None, note="Withdrawn at the source's request.")
    assert beacon(client, article, ip="203.0.113.10").status_code == 404
    assert counted(article) == 1


def test_an_article_published_after_the_index_loaded_is_counted(
    client, article, django_capture_on_commit_callbacks
):
    beacon(client, article)
    later = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        news_services.article_publish(article=later, by=None)
    assert beacon(client, later).status_code == 204
    assert counted(later) == 1


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_answered_but_not_counted(client, article, ua):
    assert beacon(client, article, ua=ua).status_code == 204
    assert counted(article) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_DEST": "document"},
    ],
)
def test_prefetch_prerender_and_other_sites_are_refused(client, article, headers):
    assert beacon(client, article, **headers).status_code == 403
    assert counted(article) == 0


def test_same_origin_headers_are_accepted(client, article):
    response = beacon(
        client,
        article,
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_SEC_FETCH_DEST="empty",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 204
    assert counted(article) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("a=" + "1" * 600, "application/x-www-form-urlencoded", 413),
        ("a=1&" + "x" * 10_000_000, "application/x-www-form-urlencoded", 413),
        ("a=abc", "application/x-www-form-urlencoded", 400),
        ("a=-5", "application/x-www-form-urlencoded", 400),
        ("a=1234567890123", "application/x-www-form-urlencoded", 400),
        ("&", "application/x-www-form-urlencoded", 400),
        ("r=news.google.com", "application/x-www-form-urlencoded", 400),
        ("a=1&a=2&a=3&a=4&a=5&a=6", "application/x-www-form-urlencoded", 400),
        (b"a=\xff\xfe", "application/x-www-form-urlencoded", 400),
        ("garbage without equals", "text/plain", 400),
        ('{"a": 1}', "application/json", 415),
        ("a=1", "multipart/form-data; boundary=x", 415),
    ],
)
def test_malformed_bodies_are_refused(client, article, body, content_type, status):
    response = beacon(client, article, body=body, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert counted() == {}


def test_empty_body_is_refused(article):
    status, _, _ = _call(_environ("POST", BEACON, body=b""))
    assert status.startswith("400")


def test_missing_content_length_is_refused(article):
    environ = _environ("POST", BEACON, body=f"a={article.public_id}".encode())
    del environ["CONTENT_LENGTH"]
    status, _, _ = _call(environ)
    assert status.startswith("411")


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_wrong_methods_are_refused(client, article, method):
    response = client.generic(method, BEACON, f"a={article.public_id}", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_pixel_counts_a_read_without_javascript(client, article):
    response = client.get(f"/analytics/read/{article.public_id}.gif", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert counted(article) == 1


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/analytics/read/{id}.gif", {}, 405),
        ("GET", "/analytics/read/999999999.gif", {}, 404),
        ("GET", "/analytics/read/{id}.gif", {"HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
        ("GET", "/analytics/read/{id}.gif", {"HTTP_SEC_FETCH_DEST": "script"}, 403),
        ("GET", "/analytics/read/{id}.gif", {"HTTP_SEC_PURPOSE": "prefetch"}, 403),
        ("GET", "/analytics/read/{id}.gif?x=" + "9" * 5000, {"HTTP_SEC_FETCH_DEST": "iframe"}, 403),
        ("GET", "/analytics/read/1234567890123.gif", {}, 404),
        ("GET", "/analytics/read/abc.gif", {}, 404),
    ],
)
def test_pixel_refuses_forgeries(client, article, method, path, headers, status):
    response = client.generic(
        method, path.format(id=article.public_id), HTTP_USER_AGENT=BROWSER_UA, **headers
    )
    assert response.status_code == status
    assert counted() == {}


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("news.google.com", "news.google.com"),
        ("WWW.Example.ORG", "example.org"),
        ("https://t.co/abc?x=1", None),
        ("192.0.2.1", "192.0.2.1"),
        ("a" * 300 + ".com", None),
        ("<script>.com", None),
        ("", None),
    ],
)
def test_only_a_referring_domain_is_kept(client, article, sent, stored):
    from urllib.parse import urlencode

    assert beacon(client, body=urlencode({"a": article.public_id, "r": sent})).status_code == 204
    counted()
    today = timezone.now().astimezone(dt.UTC).date()
    expected = [(stored, 1)] if stored else []
    assert get_backend().referrers(start=today, end=today) == expected


def test_our_own_domain_is_not_a_referrer(client, article, settings):
    settings.NEWSDESK_SITE_URL = "https://www.news.example"
    beacon(client, body=f"a={article.public_id}&r=news.example")
    counted()
    today = timezone.now().astimezone(dt.UTC).date()
    assert get_backend().referrers(start=today, end=today) == []


def test_nothing_that_identifies_a_reader_is_stored(client, article, backend_name):
    ip, ua = "198.51.100.77", BROWSER_UA + " Unique/42"
    beacon(client, article, ip=ip, ua=ua)
    assert counted(article) == 1
    stored = _everything_stored(backend_name)
    for secret in (ip, "198.51.100", "Unique/42", "Chrome/131"):
        assert secret.encode() not in stored


def _everything_stored(backend_name) -> bytes:
    if backend_name == "redis":
        client = get_backend().client
        parts = []
        for key in client.scan_iter(match="*"):
            parts.append(key)
            kind = client.type(key)
            if kind == b"string":
                parts.append(client.get(key) or b"")
            elif kind == b"zset":
                parts += [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == b"hash":
                parts += [k + v for k, v in client.hgetall(key).items()]
        return b"|".join(parts)
    from newsdesk.analytics.models import HourReads, MinuteReads, ReferrerReads

    rows = [list(model.objects.values_list()) for model in (MinuteReads, HourReads, ReferrerReads)]
    return repr(rows).encode()


def test_an_unreachable_redis_buffers_the_read_instead_of_failing(client, db, settings):
    article = ArticleFactory()
    settings.ANALYTICS = {
        **settings.ANALYTICS,
        "BACKEND": "redis",
        "OPTIONS": {"URL": "redis://127.0.0.1:1/0"},
        "FLUSH_INTERVAL": 0,
    }
    from newsdesk.analytics import services

    services.reset_state()
    assert (
        beacon(client, article).status_code == 204
    )  # hashed with a process salt meanwhile (README "Scale out")
    assert len(services.state().buffer) == 1  # kept for when Redis is back (tests/edge/test_redis_down.py)
    services.reset_state()


def test_unknown_back_end_is_a_clear_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    from newsdesk.analytics.backends import load_backend

    with pytest.raises(ImproperlyConfigured, match="choose one of: database, redis"):
        load_backend({"BACKEND": "memcached"})
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        load_backend({"BACKEND": "redis", "OPTIONS": {"URL": ""}})


# The WSGI middleware in front of Django (what granian serves).


def _environ(method: str, path: str, body: bytes = b"", **headers) -> dict:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(body)}
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    environ["HTTP_USER_AGENT"] = BROWSER_UA
    environ.update(headers)
    setup_testing_defaults(environ)
    return environ


def _call(environ, app=None):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, headers

    body = b"".join(BeaconMiddleware(app or (lambda e, s: [b"django"]))(environ, start_response))
    return seen.get("status", "django"), seen.get("headers", []), body


def test_middleware_answers_beacons_before_django(article):
    status, headers, body = _call(_environ("POST", BEACON, f"a={article.public_id}".encode()))
    assert status == "204 No Content" and body == b""
    assert ("Content-Length", "0") in headers
    assert counted(article) == 1


def test_middleware_passes_other_paths_to_django(article):
    assert _call(_environ("GET", "/news/"))[2] == b"django"
    assert _call(_environ("GET", "/analytics/readme"))[2] == b"django"


def test_middleware_refuses_a_huge_body_without_reading_it(article):
    class Exploding(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body must not be read")

    environ = _environ("POST", BEACON)
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = Exploding(), str(50 * 1024 * 1024)
    assert _call(environ)[0].startswith("413")
