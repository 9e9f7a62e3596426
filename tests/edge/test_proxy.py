"""End to end through a real Varnish (deploy/varnish/newsdesk.vcl): pages cached by surrogate key and purged
exactly, within a second of publish/correct/withdraw; cookies never poison the cache; the newsroom bypasses it."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from newsdesk.edge.backends import reset_purger
from newsdesk.news import services
from newsdesk.news.models import Article
from tests.edge.proxy import require_varnish, varnish_server
from tests.factories import ArticleFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy(live_server, settings):
    require_varnish()
    port = int(live_server.url.rsplit(":", 1)[1])
    with varnish_server(app_port=port) as proxy:
        settings.NEWSDESK_EDGE_PURGE = {"BACKEND": "varnish", "OPTIONS": {"URLS": [proxy.url]}}
        reset_purger()
        yield proxy


@pytest.fixture
def editor(sections):
    from newsdesk.newsroom.roles import sync_roles

    sync_roles()  # a transactional test's flush removes the roles the migration made
    return user_with_role("Editor")


def warm(proxy, *paths: str) -> None:
    for path in paths:
        proxy.get(path)
        assert proxy.get(path).cache == "HIT", f"{path} was not cached"


def until_fresh(proxy, path: str, check, *, within: float = 1.0):
    """The page through the proxy as soon as ``check`` holds; fails if that takes longer than ``within``."""
    deadline = time.monotonic() + within
    while True:
        response = proxy.get(path)
        if check(response) or time.monotonic() > deadline:
            assert check(response), f"{path} still stale after {within}s"
            return response
        time.sleep(0.05)


def test_publish_purges_exactly_the_pages_that_show_the_article(proxy, sections, editor):
    old = ArticleFactory(section=sections["politics"])
    other = ArticleFactory(section=sections["sport"])
    fresh = ArticleFactory(section=sections["politics"], status=Article.Status.DRAFT, publish_at=None,
                           first_published_at=None, headline="Putin and Macron discuss Syria at Versailles")  # fmt: skip
    affected = ["/", "/section/politics/", "/news/", "/news/?section=politics"]
    unrelated = ["/section/sport/", "/news/?section=sport", old.get_absolute_url(), other.get_absolute_url()]
    warm(proxy, *affected, *unrelated)

    services.article_publish(article=fresh, by=editor)

    for path in affected:
        until_fresh(proxy, path, lambda r: fresh.headline in r.body)
    for path in unrelated:
        assert proxy.get(path).cache == "HIT", f"{path} was purged but does not show the article"


def test_correction_purges_the_article_page_but_not_the_lists(proxy, sections, editor):
    article = ArticleFactory(section=sections["world"], status=Article.Status.DRAFT, publish_at=None)
    services.article_publish(article=article, by=editor)  # the purge remembers which lists it is on
    warm(proxy, article.get_absolute_url(), "/", "/section/world/")
    services.article_correct(article=article, by=editor, note="Corrects the name of the summit's venue.")

    page = until_fresh(proxy, article.get_absolute_url(), lambda r: "venue" in r.body)
    assert page.status == 200
    assert proxy.get("/").cache == "HIT"
    assert proxy.get("/section/world/").cache == "HIT"


def test_withdrawal_purges_the_article_and_every_list(proxy, sections, editor):
    article = ArticleFactory(section=sections["world"])
    warm(proxy, article.get_absolute_url(), "/", "/section/world/", "/section/sport/")

    services.article_withdraw(article=article, by=editor, note="Withdrawn: the report was not confirmed.")

    until_fresh(proxy, article.get_absolute_url(), lambda r: r.status == 410)
    until_fresh(proxy, "/", lambda r: article.headline not in r.body)
    until_fresh(proxy, "/section/world/", lambda r: article.headline not in r.body)
    assert proxy.get("/section/sport/").cache == "HIT"


def test_cookies_never_poison_the_cache(proxy, sections):
    ArticleFactory(section=sections["politics"])
    first = proxy.get("/news/", headers={"Cookie": "feed_sections=sport; csrftoken=abc; city=london"})
    second = proxy.get("/news/")
    assert second.cache == "HIT"
    assert second.body == first.body
    # A response that sets a cookie (the filter form) is never stored and never shared.
    for _ in range(2):
        response = proxy.get("/news/filter/?section=sport")
        assert response.cache == "MISS"
        assert (
            "private" in response.headers["cache-control"] or "no-store" in response.headers["cache-control"]
        )


def test_newsroom_users_bypass_the_cache(proxy, sections, editor, client):
    article = ArticleFactory(section=sections["politics"])
    warm(proxy, article.get_absolute_url())
    client.force_login(editor)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    # As a save would (modified_at is what page fragments are keyed on), but with no publish and so no purge.
    Article.objects.filter(pk=article.pk).update(
        headline="Edited without publishing: seen only by the newsroom", modified_at=timezone.now()
    )
    for _ in range(2):
        response = proxy.get(article.get_absolute_url(), headers={"Cookie": cookie})
        assert response.cache == "MISS"
        assert "Edited without publishing" in response.body
        assert "private" in response.headers["cache-control"]
    assert "Edited without publishing" not in proxy.get(article.get_absolute_url()).body


def test_cache_headers_etag_and_304(proxy, sections):
    article = ArticleFactory(section=sections["politics"])
    page = proxy.get(article.get_absolute_url())
    cache_control = page.headers["cache-control"]
    assert (
        "public" in cache_control
        and "s-maxage=" in cache_control
        and "stale-while-revalidate=" in cache_control
    )
    assert "x-surrogate-keys" not in page.headers  # internal: stripped by the proxy
    not_modified = proxy.get(article.get_absolute_url(), headers={"If-None-Match": page.headers["etag"]})
    assert not_modified.status == 304
    assert not_modified.body == ""


def test_purge_is_refused_from_hostile_input(proxy):
    import urllib.error
    import urllib.request

    for keys in (".*", "home feed", "home|feed", "home,", ",", "home,,feed"):
        request = urllib.request.Request(proxy.url + "/", method="PURGE", headers={"X-Purge-Keys": keys})
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(request, timeout=5)  # noqa: S310
        assert exc.value.code == 400, keys
