import pytest

from newsdesk.live.backends import reset_backend


@pytest.fixture(autouse=True)
def _fresh_live_backend():
    reset_backend()
    yield
    reset_backend()
