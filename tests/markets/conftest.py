import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The header reads a cached snapshot; each test starts without one.
    cache.clear()
    yield
    cache.clear()
