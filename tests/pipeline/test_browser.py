"""The newsroom's list of failed effects in a real Chromium: an editor publishes while an effect fails, sees
what failed for which article, and retries it once fixed."""

import pytest
from django.urls import reverse

from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR
from newsdesk.pipeline.models import EffectFailure
from tests.browser import axe_violations
from tests.factories import user_with_role
from tests.newsroom.test_browser import PASSWORD, fill_body, log_in, pick_autocomplete

HEADLINE = "Kamaz to supply at least 1,000 trucks to Philippines by 2020"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_sees_a_failed_effect_and_retries_it(live_server, browser_page, sections, flaky):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")

    page.goto(base + reverse("admin:news_article_add"))
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_slug", "kamaz-trucks-philippines")
    fill_body(page, "<p>Kamaz will supply at least 1,000 trucks to the Philippines by 2020.</p>")
    pick_autocomplete(page, "section", "Economy", "Business & Economy")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(base + reverse("admin:news_article_changelist"))  # saved, whatever the effect did
    assert Article.objects.get().status == Article.Status.PUBLISHED

    page.goto(base + reverse("admin:pipeline_effectfailure_changelist"))
    row = page.locator("#result_list tbody tr")
    assert row.count() == 1
    for shown in ("Flaky test effect", HEADLINE, "the hub is down"):
        assert shown in row.inner_text()
    # Skipped: two rules that Django's own change-list chrome fails on every list (breadcrumb links set in
    # text, the filter sidebar's small links); what this page adds is checked by every other rule.
    violations = axe_violations(page, skip_rules=("link-in-text-block", "target-size"))
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations]

    flaky.fail = False
    row.get_by_role("button", name="Retry now").click()
    page.wait_for_selector(".messagelist")
    assert "queued again" in page.inner_text(".messagelist")
    assert page.locator("#result_list tbody tr").count() == 0
    assert not EffectFailure.objects.exists()
