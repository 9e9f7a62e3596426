"""Analytics fixtures: clean counting state per test, a real Redis, and the back end under test."""

from __future__ import annotations

import pytest

from newsdesk.analytics import services
from newsdesk.analytics.backends import load_backend
from newsdesk.analytics.widgets import box_cache_clear


@pytest.fixture(autouse=True)
def analytics_settings(settings):
    # No background flusher in tests: each test flushes explicitly, in its own thread and transaction.
    settings.ANALYTICS = {
        **settings.ANALYTICS,
        "BACKEND": "database",
        "FLUSH_INTERVAL": 0,
        "RATE_LIMIT_PER_MINUTE": 120,
    }
    services.reset_state()
    box_cache_clear()
    yield settings.ANALYTICS
    services.reset_state()
    box_cache_clear()


@pytest.fixture
def use_redis(settings, redis_url):
    """Switch the site's counting to a real Redis for one test."""
    settings.ANALYTICS = {**settings.ANALYTICS, "BACKEND": "redis", "OPTIONS": {"URL": redis_url}}
    services.reset_state()
    load_backend(settings.ANALYTICS).clear()
    yield
    load_backend(settings.ANALYTICS).clear()


@pytest.fixture(params=["database", "redis"])
def backend_name(request):
    return request.param


@pytest.fixture
def site_backend(request, backend_name, db, settings):
    """The site's counting switched to each back end in turn (the contract holds for both)."""
    if backend_name == "redis":
        request.getfixturevalue("use_redis")
    from newsdesk.analytics.backends import get_backend

    return get_backend()
