"""Text typed into the body without markup (the textarea without JavaScript, a plain-text paste) keeps its
paragraphs: three paragraphs typed are three <p> published, never one run-on block."""

import re

import pytest
from django.urls import reverse

from newsdesk.news.html import paragraphs_from_text
from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR
from tests.factories import user_with_role

from .helpers import add_url, article_form_data
from .test_browser import PASSWORD, fill_body, log_in, pick_autocomplete

TYPED = (
    "Moscow is concerned as no serious breakthrough has been seen in Russian-US relations, Ryabkov said.\n"
    "\n"
    "The diplomat noted that relations hit their lowest point under the previous administration & that "
    "trade fell < 1%.\n"
    "   \n"
    "Moscow has never tried to influence Washington's domestic policy, he added."
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (
            "One.\n\nTwo & three.\r\n\r\nFour < five.",
            "<p>One.</p>\n<p>Two &amp; three.</p>\n<p>Four &lt; five.</p>",
        ),
        ("Just one line", "<p>Just one line</p>"),
        (
            "<b>Flash</b>: talks agreed\n\nDetails follow",
            "<p><b>Flash</b>: talks agreed</p>\n<p>Details follow</p>",
        ),
        ("<p>Already</p>\n\n<p>marked up</p>", "<p>Already</p>\n\n<p>marked up</p>"),  # left as written
        ("<b>Inline</b> only, one paragraph", "<b>Inline</b> only, one paragraph"),
    ],
)
def test_paragraphs_from_text(typed, stored):
    assert paragraphs_from_text(typed) == stored


@pytest.mark.django_db
def test_three_typed_paragraphs_are_published_as_three(editor_client, client, politics):
    data = article_form_data(section=str(politics.pk), status="published", body=TYPED)
    assert editor_client.post(add_url(), data).status_code == 302
    article = Article.objects.get()
    assert article.body.count("<p>") == 3
    assert "&amp; that trade fell &lt; 1%." in article.body  # typed text stays text
    html = client.get(article.get_absolute_url()).content.decode()
    for paragraph in ("Ryabkov said.</p>", "fell &lt; 1%.</p>", "domestic policy, he added.</p>"):
        assert paragraph in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typed_paragraphs_in_chromium_and_a_headline_the_width_of_the_form(
    live_server, browser_page, default_sections
):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_article_add"))
    headline = (
        "Moscow concerned over no breakthrough in US administration's relations with Russia, Ryabkov says"
    )
    page.fill("#id_headline", headline)
    box = page.locator("#id_headline").bounding_box()
    shown = page.evaluate(
        "el => el.clientWidth >= el.scrollWidth", page.locator("#id_headline").element_handle()
    )
    assert box["width"] >= 600 and shown, box  # the whole headline visible (it showed ~35 characters)
    page.fill("#id_slug", "moscow-concerned")
    fill_body(page, TYPED)
    pick_autocomplete(page, "section", "Politics", "Russian Politics & Diplomacy")
    page.select_option("#id_status", "published")
    with page.expect_navigation():
        page.click("input[name=_save]")
    article = Article.objects.get()
    page.goto(base + article.get_absolute_url())
    paragraphs = page.locator("article p").all_inner_texts()
    assert any(p.startswith("Moscow is concerned") for p in paragraphs)
    assert any(p.startswith("The diplomat noted") and p.endswith("< 1%.") for p in paragraphs)
    assert any(p.startswith("Moscow has never tried") for p in paragraphs)
    assert not any("Ryabkov said." in p and "The diplomat" in p for p in paragraphs)
    assert re.search(r"Ryabkov said\.\s*</p>", page.content())
