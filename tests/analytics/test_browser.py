"""In Chromium: the beacon counts a read under the strict CSP, the no-JavaScript pixel does too, and the Most
read tabs work with and without JavaScript and pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.analytics.backends import Read, get_backend
from newsdesk.news.models import Section
from tests.browser import axe_violations
from tests.factories import ArticleFactory

from .helpers import BROWSER_UA, counted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(db):
    # Transactional tests may run after a flush that emptied the default sections.
    section, _ = Section.objects.get_or_create(
        slug="politics", defaults={"name": "Russian Politics & Diplomacy"}
    )
    article, other = ArticleFactory(section=section), ArticleFactory(section=section)
    earlier = timezone.now() - dt.timedelta(hours=5)  # in Today and This week, not in Now
    get_backend().write([Read(other.pk, other.section_id, earlier, f"r{i}".encode()) for i in range(3)])
    return article, other


def _context(chromium, **options):
    # A reader's browser: Playwright's own user agent says "HeadlessChrome", which is rightly not counted.
    context = chromium.new_context(user_agent=BROWSER_UA, viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    return context


def test_beacon_counts_one_read_under_the_strict_csp(chromium, live_server, story):
    article, _ = story
    context = _context(chromium)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    with page.expect_request(lambda r: r.url.endswith("/analytics/read") and r.method == "POST") as sent:
        page.goto(live_server.url + article.get_absolute_url())
    assert sent.value.post_data == f"a={article.public_id}"
    page.wait_for_timeout(300)
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e]
    assert counted(article) == 1


def test_tabs_with_javascript_are_accessible(chromium, live_server, story):
    article, other = story
    context = _context(chromium, bypass_csp=True)  # only so that axe-core can be injected
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    now_tab = page.get_by_role("tab", name="Now")
    assert now_tab.get_attribute("aria-selected") == "true"
    assert page.get_by_text("No reads counted in the last 60 minutes.").is_visible()
    page.get_by_role("tab", name="Today").click()
    assert page.get_by_role("tab", name="Today").get_attribute("aria-selected") == "true"
    assert page.locator("#most-read-today").get_by_role("link", name=other.headline).is_visible()
    assert not page.locator("#most-read-now").is_visible()
    page.get_by_role("tab", name="Today").press("ArrowRight")
    assert page.get_by_role("tab", name="This week").get_attribute("aria-selected") == "true"
    assert axe_violations(page) == []
    context.close()


def test_without_javascript_the_pixel_counts_and_the_tabs_still_work(chromium, live_server, story):
    article, other = story
    context = _context(chromium, java_script_enabled=False)
    page = context.new_page()
    with page.expect_request(lambda r: "/analytics/read/" in r.url) as pixel:
        page.goto(live_server.url + article.get_absolute_url())
    assert pixel.value.url.endswith(f"/analytics/read/{article.public_id}.gif")
    page.wait_for_timeout(300)
    assert page.locator("#most-read-now").is_visible() and not page.locator("#most-read-week").is_visible()
    page.get_by_role("link", name="This week").click()
    assert page.locator("#most-read-week").is_visible()
    assert page.locator("#most-read-week").get_by_role("link", name=other.headline).is_visible()
    assert not page.locator("#most-read-now").is_visible()
    context.close()
    assert counted(article) == 1
