"""Real-browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser build).

Contexts bypass CSP only so that axe-core can be injected; CSP itself is tested on headers.
Use ``browser_page`` with pytest-django's ``live_server``. ``axe_violations(page)`` runs axe-core (from npm,
installed into node_modules by `.ci/run`/`make install-axe`) and returns WCAG 2.2 A/AA violations.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def _require_chromium() -> None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package 'chromium')")


@pytest.fixture(scope="session")
def chromium():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(
    page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"), skip_rules=()
) -> list[dict]:
    """axe-core's violations of ``tags`` on the page as it is now, leaving out the rules named in ``skip_rules``."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is required in CI: run `npm ci` (see .ci/run)")
        pytest.skip("axe-core is not installed: run `npm ci` in the project root")
    if not page.evaluate("typeof axe === 'object'"):  # once per document: parsing it is most of a check
        page.add_script_tag(path=str(AXE))
    rules = {rule: {"enabled": False} for rule in skip_rules}
    return page.evaluate(
        "async ([tags, rules]) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})).violations",
        [list(tags), rules],
    )
