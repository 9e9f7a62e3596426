"""Recorded exchange rates for the demo's converter, when the project's shared material sits beside the checkout.

``shared/corpora/providers`` holds real responses of the rate providers, saved on known days (see its
PROVENANCE files). They are imported as the providers' own documents would be (``markets.services.rates_import``),
so the converter has rates to show; it labels them with their date ("the rates of 9 May 2025 are used"), never
as today's. Nothing from there is copied into this repository.
"""

from __future__ import annotations

from pathlib import Path

from newsdesk.fetching import ProviderError
from newsdesk.markets.services import rates_import

# The newest daily document of each provider in the shared folder.
RECORDED_RATES = {
    "cbr": "cbr/cbr_XML_daily_2023-11-02_cp1251_VunitRate.xml",
    "ecb": "ecb/eurofxref-daily_2025-05-09.xml",
}


def recorded_rates_import(directory: Path) -> dict[str, int]:
    """Import the recorded daily rates found under ``directory``: {provider: rates stored}. A missing or
    unreadable document is skipped (the demo goes on without it)."""
    stored: dict[str, int] = {}
    for alias, name in RECORDED_RATES.items():
        path = directory / name
        if not path.is_file():
            continue
        try:
            stored[alias] = rates_import(provider=alias, body=path.read_bytes())
        except ProviderError:
            continue
    return stored
