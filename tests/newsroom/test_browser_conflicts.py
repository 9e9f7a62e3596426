"""Two editors on one story in two real browsers: each sees the other at work, the second save meets a conflict
screen (axe-clean) instead of undoing the first, and a take-over reaches the other's open form."""

import pytest
from django.urls import reverse

from newsdesk.news.models import Article
from newsdesk.newsroom.models import EditLock
from newsdesk.newsroom.roles import EDITOR
from tests.browser import axe_violations
from tests.factories import ArticleFactory, user_with_role

from .test_browser import PASSWORD, log_in

HEADLINE = "Kamaz to supply at least 1,000 trucks to Philippines by 2020"
ANNAS_HEADLINE = "Kamaz to supply 2,000 trucks to Philippines by 2021"
BORISS_LEAD = "The Russian truck maker signed the contract in Manila on Tuesday."


def editor(username: str, first: str, last: str):
    user = user_with_role(EDITOR, username=username, password=PASSWORD)
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def two_pages(chromium):
    """Two people, each in a browser context of their own (own cookies, own session)."""
    contexts = [
        chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True) for _ in range(2)
    ]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(15_000)
    yield pages
    for context in contexts:
        context.close()


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_editors_on_one_story_meet_a_conflict_screen_not_a_silent_overwrite(
    live_server, two_pages, default_sections
):
    anna, boris = two_pages
    base = live_server.url
    editor("anna", "Anna", "Petrova"), editor("boris", "Boris", "Ivanov")
    article = ArticleFactory(headline=HEADLINE)
    form = base + reverse("admin:news_article_change", args=[article.pk])
    log_in(anna, base, "anna")
    log_in(boris, base, "boris")

    anna.goto(form)
    boris.goto(form)
    notice = boris.locator("#edit-lock-message")
    assert notice.inner_text().startswith("Being edited by Anna Petrova since ")
    assert boris.locator("button:has-text('Take over editing')").is_visible()
    assert anna.locator("#edit-lock-message").is_hidden()  # her own lock: nothing to say

    # The headline takes the form's width (it showed ~35 characters).
    box = anna.locator("#id_headline").bounding_box()
    assert box["width"] >= 600, box

    anna.fill("#id_headline", ANNAS_HEADLINE)
    anna.click("input[name=_save]")
    anna.wait_for_url(base + reverse("admin:news_article_changelist"))

    boris.fill("#id_lead", BORISS_LEAD)
    boris.click("input[name=_save]")
    boris.wait_for_selector("#conflict-form")
    assert "not saved yet" in boris.locator("[role=alert]").inner_text()
    article.refresh_from_db()
    assert article.headline == ANNAS_HEADLINE and article.lead != BORISS_LEAD
    fields = boris.locator(".compare-field legend").all_inner_texts()
    assert fields == ["Headline", "Lead"], fields
    assert boris.locator("ins", has_text="truck maker").count() == 1
    assert boris.evaluate("document.documentElement.scrollWidth") <= 1280  # fits the window, nothing hidden
    no_violations(boris)

    boris.click("button:has-text('Save with these choices')")
    boris.wait_for_url(base + reverse("admin:news_article_changelist"))
    article.refresh_from_db()
    assert article.headline == ANNAS_HEADLINE and article.lead == BORISS_LEAD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_takes_over_and_the_other_form_is_told(live_server, two_pages, default_sections, settings):
    settings.NEWSDESK_EDIT_LOCK_HEARTBEAT = 1  # the open form's heartbeat, every second here
    anna, boris = two_pages
    base = live_server.url
    editor("anna", "Anna", "Petrova"), editor("boris", "Boris", "Ivanov")
    article = ArticleFactory(status=Article.Status.DRAFT, headline=HEADLINE)
    form = base + reverse("admin:news_article_change", args=[article.pk])
    log_in(anna, base, "anna")
    log_in(boris, base, "boris")
    anna.goto(form)
    anna.fill("#id_lead", BORISS_LEAD)  # unsaved work in Anna's form
    boris.goto(base + reverse("admin:news_article_changelist"))
    note = boris.locator("#result_list .edit-lock-note")  # under the headline: on screen at any list width
    assert note.inner_text().startswith("Being edited by Anna Petrova since ")
    box = note.bounding_box()
    assert note.is_visible() and box["x"] + box["width"] <= 1280, box

    boris.goto(form)
    with boris.expect_navigation():
        boris.click("button:has-text('Take over editing')")
    assert boris.locator("#edit-lock-message").is_hidden()
    assert EditLock.objects.get(article=article).user.username == "boris"

    anna.wait_for_function(
        "() => document.getElementById('edit-lock-message').textContent.includes('took the story over')"
    )
    assert anna.locator("#edit-lock-message").inner_text().startswith("Being edited by Boris Ivanov since ")
    assert anna.input_value("#id_lead") == BORISS_LEAD  # her unsaved text is still there
    no_violations(anna)

    # Boris leaves: his page's lock goes with it, and Anna's heartbeat gets the story back.
    boris.goto(base + reverse("admin:index"))
    anna.wait_for_function("() => document.getElementById('edit-lock-message').textContent === ''")
    assert EditLock.objects.get(article=article).user.username == "anna"
