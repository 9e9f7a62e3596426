"""The newsroom in a real Chromium: log in, upload a photo, write and publish an article, read it as a reader."""

from urllib.parse import quote_plus

import pytest
from django.urls import reverse
from PIL import Image

from newsdesk.news.models import Article, Photo
from newsdesk.newsroom.roles import EDITOR
from tests.browser import axe_violations
from tests.factories import ArticleFactory, user_with_role

PASSWORD = "correct-horse-battery"
HEADLINE = "Moscow concerned over no breakthrough in US administration's relations with Russia"
LEAD = "Russian Deputy Foreign Minister Sergey Ryabkov noted bilateral relations hit their lowest point"
BODY = (
    "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald "
    "Trump's administration, Russian Deputy Foreign Minister Sergey Ryabkov said.</p>"
    "<h2>Moscow did nothing to meddle in US domestic policy</h2>"
    "<p>Moscow has never done anything which could be considered as an attempt to influence Washington's "
    "domestic policy, Ryabkov said.</p>"
)
CAPTION = "US President Donald Trump"
CREDIT = "© AP Photo/Carolyn Kaster"


def real_jpeg(path, size=(1600, 900)):
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img.save(path, format="JPEG", quality=85)
    return path


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + reverse("admin:index"))


def fill_body(page, text: str) -> None:
    """Type the body as HTML or plain text, the way an editor pastes copy into the body editor's HTML view (the
    textarea the form sends; without JavaScript it is all there is)."""
    page.wait_for_selector("#id_body[data-editor-ready=true]", state="attached")
    page.click(".body-editor__toolbar [data-command=source]")
    page.fill("#id_body", text)


def pick_autocomplete(page, field: str, term: str, choice: str) -> None:
    """Choose in one of the admin's select2 autocomplete boxes the way an editor does: type, wait for the answer
    to what was typed, then click. Select2 first lists every choice and redraws the list when the answer comes:
    a click in between can land on an option that is then gone, and nothing is chosen."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    typed = f"term={quote_plus(term)}"
    with page.expect_response(lambda response: "/autocomplete/" in response.url and typed in response.url):
        page.fill(".select2-container--open .select2-search__field", term)
    page.click(f".select2-results__option:has-text('{choice}')")
    assert page.input_value(f"#id_{field}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_publishes_an_article_with_a_photo_and_readers_see_it(
    live_server, browser_page, tmp_path, default_sections
):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")

    page.goto(base + reverse("admin:news_photo_add"))
    page.set_input_files("#id_image", str(real_jpeg(tmp_path / "trump.jpg")))
    page.fill("#id_caption", CAPTION)
    page.fill("#id_credit", CREDIT)
    page.fill("#id_alt_text", "Donald Trump at a lectern")
    page.click("input[name=_save]")
    page.wait_for_url(base + reverse("admin:news_photo_changelist"))
    photo = Photo.objects.get()
    assert photo.renditions

    page.goto(base + reverse("admin:news_article_add"))
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_slug", "moscow-concerned-over-no-breakthrough")
    page.fill("#id_lead", LEAD)
    fill_body(page, BODY)
    pick_autocomplete(page, "section", "Politics", "Russian Politics & Diplomacy")
    pick_autocomplete(page, "lead_photo", "Trump", CAPTION)
    page.fill("#id_dateline_place", "PSKOV")
    page.fill("#id_dateline_date", "2017-05-30")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(base + reverse("admin:news_article_changelist"))
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.lead_photo == photo
    assert article.revisions.count() == 1

    anonymous = page.context.browser.new_context(bypass_csp=True)  # only so axe can be injected
    reader = anonymous.new_page()
    try:
        response = reader.goto(base + article.get_absolute_url())
        assert response.status == 200
        assert reader.locator("h1").inner_text() == HEADLINE
        assert LEAD in reader.content()
        assert "PSKOV, May 30. /TASS/." in reader.inner_text("body")
        img = reader.locator("figure img[srcset]").first
        assert "480w" in img.get_attribute("srcset")
        img.scroll_into_view_if_needed()
        reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        caption = reader.locator("figure figcaption").first.inner_text()
        assert CAPTION in caption and CREDIT in caption
        violations = axe_violations(reader)
        assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]
    finally:
        anonymous.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_previews_a_draft_that_readers_cannot_open(live_server, browser_page, default_sections):
    page, base = browser_page, live_server.url
    draft = ArticleFactory(status=Article.Status.DRAFT, headline="Putin and Macron to meet in Versailles")
    response = page.goto(base + draft.get_absolute_url())
    assert response.status == 404
    assert "Putin and Macron" not in page.content()

    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_article_change", args=[draft.pk]))
    with page.expect_navigation():
        page.click("a:has-text('Preview')")
    assert page.locator("h1").inner_text() == "Putin and Macron to meet in Versailles"
    assert "Readers cannot see this yet." in page.inner_text("body")
    assert "PSKOV, May 30. /TASS/." in page.inner_text("body")
    assert page.locator("link[rel=stylesheet][href*='site.css']").count() == 1  # the reader template

    response = page.goto(base + draft.get_absolute_url())
    assert response.status == 404  # even for the editor, the public URL waits for publication
