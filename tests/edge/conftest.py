import pytest

from newsdesk.edge.backends import reset_purger
from newsdesk.live.backends import reset_backend
from newsdesk.news.models import Section

SECTIONS = [("Russian Politics & Diplomacy", "politics"), ("World", "world"), ("Sport", "sport")]


@pytest.fixture
def sections(db):
    """The default sections (a transactional test's flush removes the migration's rows)."""
    return {
        slug: Section.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in SECTIONS
    }


@pytest.fixture(autouse=True)
def _fresh_backends(settings):
    reset_purger()
    reset_backend()
    yield
    reset_purger()
    reset_backend()
