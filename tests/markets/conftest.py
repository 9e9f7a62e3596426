import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The header reads a cached snapshot; each test starts without one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fetches_may_reach_loopback(settings):
    # The providers here are real HTTP servers on 127.0.0.1, an address outgoing fetches refuse by default.
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
