"""With the project's shared material beside the checkout, the demo's converter shows recorded rates, labelled
with their date; without it, the converter says how to turn the providers on (tests/markets)."""

import pytest

from newsdesk.demo.recorded import recorded_rates_import
from tests.demo.conftest import REPO

PROVIDERS = REPO.parent / "shared" / "corpora" / "providers"
pytestmark = pytest.mark.django_db


def test_recorded_rates_are_shown_with_their_date(client):
    if not PROVIDERS.is_dir():
        pytest.skip("the shared provider recordings are not beside this checkout")
    stored = recorded_rates_import(PROVIDERS)
    assert set(stored) == {"cbr", "ecb"} and all(stored.values())
    html = client.get(
        "/markets/", {"provider": "cbr", "from": "USD", "to": "RUB", "amount": "100"}
    ).content.decode()
    assert "the rates of 2 November 2023 are used" in html
    html = client.get(
        "/markets/", {"provider": "ecb", "from": "USD", "to": "EUR", "amount": "100"}
    ).content.decode()
    assert "the rates of 9 May 2025 are used" in html


def test_no_recordings_import_nothing(tmp_path):
    assert recorded_rates_import(tmp_path) == {}
