import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPORA = SHARED / "corpora"


def corpus(relative: str) -> Path:
    """A path in ../shared/corpora, read in place; skipped when absent (a fresh clone), failed in CI."""
    path = CORPORA / relative
    if not path.exists():
        message = f"{path} is absent: the shared corpora sit beside the project (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def huey_immediate():
    """Huey runs jobs in-process (and enqueues into memory) for the test."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


@pytest.fixture
def world(db):
    from newsdesk.news.models import Section

    return Section.objects.get_or_create(slug="world", defaults={"name": "World"})[0]


@pytest.fixture
def routing(world):
    from newsdesk.ingest.services import Routing

    return Routing(section=world)


@pytest.fixture(autouse=True)
def _fetches_may_reach_loopback(settings):
    # The providers here are real HTTP servers on 127.0.0.1, an address outgoing fetches refuse by default.
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
