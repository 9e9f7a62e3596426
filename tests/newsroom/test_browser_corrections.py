"""Corrections, withdrawals and revisions in a real Chromium at 1280 px: each reached from the article form, each
page axe-clean, a correction shown to readers and in the feed, a withdrawal refused without its reason, and a
comparison of two revisions that reads as text and fits the window."""

import pytest
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR
from tests.browser import axe_violations
from tests.factories import ArticleFactory, user_with_role

from .test_browser import PASSWORD, log_in

NOTE = "An earlier version of this story misstated the date of the talks in Pskov."
REASON = "This story has been withdrawn: the report it was based on was not confirmed."
LONG_WORD = "Verkhnebakanskogo-" * 12  # a word longer than a column: it must wrap, not widen the page


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]


def fits(page, width=1280):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_correction_from_the_form_reaches_the_article_and_its_feed_item(
    live_server, browser_page, default_sections
):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    article = ArticleFactory()
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_article_change", args=[article.pk]))
    with page.expect_navigation():
        page.click(".object-tools a:has-text('Publish a correction')")
    no_violations(page)

    page.click("input[value='Publish correction']")  # no note: refused, said, nothing published
    assert "Nothing was published" in page.locator("[role=alert]").inner_text()
    assert not article.corrections.exists()
    no_violations(page)

    page.check("input[name=kind][value=correction]")
    page.fill("textarea[name=note]", NOTE)
    with page.expect_navigation():
        page.click("input[value='Publish correction']")
    assert page.url.endswith(reverse("admin:news_article_change", args=[article.pk]))
    assert "The correction is published" in page.locator(".messagelist").inner_text()

    page.goto(base + article.get_absolute_url())
    assert NOTE in page.locator("section.corrections").inner_text()
    feed = page.request.get(base + "/feeds/news.json").json()
    assert NOTE in feed["items"][0]["summary"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_withdraw_requires_a_reason(live_server, browser_page, default_sections):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    article = ArticleFactory()
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_article_change", args=[article.pk]))
    with page.expect_navigation():
        page.click(".object-tools a:has-text('Withdraw')")
    assert page.locator("h1").inner_text() == "Withdraw this article?"
    no_violations(page)

    page.click("input[type=submit][value=Withdraw]")
    assert "Nothing was withdrawn" in page.locator("[role=alert]").inner_text()
    assert "cannot be left blank" in page.locator(".errorlist").inner_text()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    no_violations(page)

    page.fill("textarea[name=reason]", REASON)
    with page.expect_navigation():
        page.click("input[type=submit][value=Withdraw]")
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    response = page.goto(base + article.get_absolute_url())
    assert response.status == 410 and REASON in page.inner_text("body")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_revisions_compare_as_text_that_fits_and_restore_on_a_live_story_asks_why(
    live_server, browser_page, default_sections
):
    page, base = browser_page, live_server.url
    editor = user_with_role(EDITOR, username="editor", password=PASSWORD)
    article = ArticleFactory(headline="Kamaz to supply at least 1,000 trucks to Philippines by 2020")
    article.body += f"<p>The trucks will go to {LONG_WORD} ports.</p>"
    services.article_save(article=article, by=editor)
    article.headline = "Kamaz to supply 2,000 trucks to Philippines by 2021"
    article.body = article.body.replace("lowest point", "lowest ebb").replace("ports.", "ports and depots.")
    services.article_save(article=article, by=editor)
    log_in(page, base, "editor")
    url = base + reverse("admin:news_article_revisions", args=[article.pk])
    page.goto(url)

    page.click("button:has-text('Compare')")  # nothing chosen: said, not a silent reload
    page.wait_for_selector(".messagelist")
    assert "Choose two revisions to compare" in page.locator(".messagelist").inner_text()

    page.locator("input[name=a]").nth(1).check()
    page.locator("input[name=b]").nth(0).check()
    page.click("button:has-text('Compare')")
    page.wait_for_selector("#differences")
    labels = page.locator(".compare-field h3").all_inner_texts()
    assert labels == ["Headline", "Body"], labels
    text = page.locator(".compare").inner_text()
    assert "<p>" not in text and "section_id" not in text
    assert page.locator(".compare-side--old del", has_text="1,000").count() == 1
    assert page.locator(".compare-side--new ins", has_text="2,000").count() == 1
    fits(page)
    no_violations(page)

    with page.expect_navigation():
        page.click("a:has-text('Restore…')")
    assert "readers see the restored version at once" in page.inner_text("body")
    fits(page)
    no_violations(page)
    page.click("input[value='Restore this revision']")
    assert "cannot be left blank" in page.locator(".errorlist").inner_text()
    article.refresh_from_db()
    assert article.headline.startswith("Kamaz to supply 2,000")
    page.fill("textarea[name=reason]", "The new figure was not confirmed by Kamaz.")
    with page.expect_navigation():
        page.click("input[value='Restore this revision']")
    article.refresh_from_db()
    assert article.headline.startswith("Kamaz to supply at least 1,000")
