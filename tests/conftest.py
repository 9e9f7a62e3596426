import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache every process shares (files in the test data dir, which outlive a
    test): each test starts with none counted."""
    from django.core.cache import caches

    caches["shared"].clear()


@pytest.fixture(autouse=True)
def _fresh_article_sidebar():
    """The article page's sidebar is kept for half a minute under one key: a test does not see another's."""
    from django.core.cache import cache

    from newsdesk.site.fragments import sidebar_key

    cache.delete(sidebar_key())


@pytest.fixture(scope="module")
def redis_url():
    """A real, empty redis-server for each test module (modules count on starting from an empty one)."""
    from tests.servers import redis_server, server_missing

    try:
        with redis_server() as url:
            yield url
    except FileNotFoundError as exc:
        server_missing("Redis", exc, "Redis tests need redis-server (Debian package redis-server)")
