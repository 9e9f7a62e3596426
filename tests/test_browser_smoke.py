import pytest

from tests.browser import axe_violations
from tests.factories import ArticleFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_article_page_in_chromium_is_accessible(live_server, browser_page):
    article = ArticleFactory()
    browser_page.goto(live_server.url + article.get_absolute_url())
    assert browser_page.locator("h1").inner_text() == article.headline
    violations = axe_violations(browser_page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


HUNG = """
import pytest


@pytest.mark.browser
def test_waits_on_a_page_that_never_answers(browser_page):
    browser_page.set_content("<p>Moscow</p>")
    browser_page.evaluate("() => new Promise(() => {})")  # no timeout of its own: waits for ever


@pytest.mark.browser
def test_after_it(browser_page):
    browser_page.set_content("<p>Pskov</p>")
    assert browser_page.inner_text("p") == "Pskov"
"""


@pytest.mark.browser
def test_a_hung_browser_test_is_named_and_failed_and_the_next_gets_a_new_browser(tmp_path):
    """tests/browser.py's guard: a Playwright call with no timeout of its own ran into CI's limit an hour later,
    naming no test. Now the test is named, Chromium killed, the test failed, and the run goes on."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.browser import _require_chromium

    _require_chromium()
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "test_hung.py").write_text(HUNG)
    env = {**os.environ, "NEWSDESK_TEST_BROWSER_HANG_SECONDS": "3", "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.browser", "-c", str(root / "pyproject.toml"),
         "--rootdir", str(tmp_path), str(tmp_path / "test_hung.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert "test_waits_on_a_page_that_never_answers still running after 3 s: hung" in output, output
    assert "Chromium killed" in output
    assert "1 failed, 1 passed" in output, output
