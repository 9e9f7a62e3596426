"""The body editor in a real Chromium: a story written with the toolbar and the keyboard (sub-headings, a list, a
link, a photo from the library, a video, a page break) and pastes from Word, Google Docs and a web page, published and
read back; the same done with the keyboard alone; the form clean under axe; and all of it under the newsroom's own
Content-Security-Policy (no inline script, no eval), which the other browser tests bypass to inject axe."""

import re

import pytest
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.html import sanitize_html
from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR
from tests.browser import axe_violations
from tests.factories import ArticleFactory, user_with_role

from .test_browser import PASSWORD, log_in, pick_autocomplete, real_jpeg

EDITOR_AREA = "#body-editor-area"

WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang=EN-US style='tab-interval:36.0pt'><!--StartFragment-->
<p class=MsoNormal><b><span style='font-size:12.0pt;font-family:"Calibri",sans-serif'>Talks resumed</span></b><span
style='font-size:12.0pt'> in Geneva on Monday.<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>First
point<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Second
point<o:p></o:p></p>
<p class=MsoNormal><i>Reported by</i> <a href="https://tass.com/politics">TASS</a><img
src="file:///C:/Users/desk/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" width=100></p>
<!--EndFragment--></body></html>"""

GOOGLE_DOCS_HTML = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-4f3e2a1b-7fff-1c2d">'
    '<h1 dir="ltr" style="line-height:1.38;margin-top:20pt"><span style="font-size:20pt;font-family:Arial;'
    'font-weight:400">What was agreed</span></h1><p dir="ltr" style="line-height:1.38;margin-top:0pt">'
    '<span style="font-size:11pt;font-family:Arial;font-weight:700">Both sides</span><span style="font-size:11pt;'
    'font-family:Arial;font-weight:400"> agreed to </span><span style="font-size:11pt;font-style:italic;'
    'font-weight:400">meet again</span></p><ul style="margin-top:0;margin-bottom:0"><li dir="ltr" '
    'style="list-style-type:disc"><p dir="ltr" role="presentation"><span style="font-weight:400">in March'
    "</span></p></li></ul></b><br>"
)

WEB_PAGE_HTML = (
    '<div class="story" style="color:red"><p onclick="steal()" style="font-size:30px">Hello from the web '
    '<script>alert(1)</script><img src="https://elsewhere.example/x.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">click</a> and <a href="https://example.org/report" '
    'onmouseover="alert(4)" target="_blank">a report</a></p><iframe src="https://evil.example/"></iframe>'
    "<style>body{display:none}</style></div>"
)


def paste(page, html: str) -> None:
    """What the browser does on Ctrl+V with ``html`` on the clipboard (as Word, Docs or a page put it there)."""
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'plain text version');
            document.querySelector('#body-editor-area').dispatchEvent(
                new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        html,
    )


def body_value(page) -> str:
    return page.input_value("#id_body")


def wait_for_body(page, fragment: str) -> None:
    """Until the form's body (what is saved) holds ``fragment``: the editor writes it there on every change."""
    try:
        page.wait_for_function(
            "f => document.querySelector('#id_body').value.includes(f)", arg=fragment, timeout=5_000
        )
    except Exception as exc:
        raise AssertionError(f"{fragment!r} not in the body: {body_value(page)!r}") from exc


def wait_for_editor_focus(page) -> None:
    """Until a dialog has closed and given the cursor back to the text: the body is written before the dialog
    closes, so keys pressed as soon as the body shows a change could land in the dialog on a loaded machine."""
    page.wait_for_function(
        f"document.activeElement === document.querySelector('{EDITOR_AREA}')", timeout=5_000
    )


def open_new_article(page, base: str) -> None:
    page.goto(base + reverse("admin:news_article_add"))
    page.wait_for_selector("#id_body[data-editor-ready=true]", state="attached")
    page.fill("#id_headline", "Russia and the US resume talks in Geneva")
    page.fill("#id_slug", "russia-us-resume-talks-geneva")
    pick_autocomplete(page, "section", "Politics", "Russian Politics & Diplomacy")


def toolbar_button(page, command: str):
    return page.locator(f".body-editor__toolbar [data-command={command}]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_story_written_and_pasted_into_the_editor_is_published_as_clean_html(
    live_server, browser_page, tmp_path, default_sections
):
    page, base = browser_page, live_server.url
    with open(real_jpeg(tmp_path / "geneva.jpg"), "rb") as fh:
        photo = services.photo_create(
            image=fh, caption="Delegations in Geneva", credit="© TASS/Ivan Petrov", alt_text="Two delegations"
        )
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    open_new_article(page, base)

    area = page.locator(EDITOR_AREA)
    area.click()
    page.keyboard.type("Russian and US diplomats met in Geneva on Monday.")
    page.keyboard.press("Enter")
    toolbar_button(page, "h2").click()
    page.keyboard.type("What the sides said")
    assert toolbar_button(page, "h2").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Enter")
    page.keyboard.type("The talks covered three subjects:")
    page.keyboard.press("Enter")
    toolbar_button(page, "ul").click()
    page.keyboard.type("strategic stability")
    page.keyboard.press("Enter")
    page.keyboard.type("embassies")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Details were reported by TASS")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowLeft")
    toolbar_button(page, "link").click()
    page.fill("#body-editor-link", "https://tass.com/politics")
    page.keyboard.press("Enter")
    wait_for_body(page, '<a href="https://tass.com/politics" rel="noopener noreferrer">TASS</a>')
    wait_for_editor_focus(page)
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    toolbar_button(page, "image").click()
    page.locator(".body-editor__photo", has_text="Delegations in Geneva").click()
    wait_for_body(page, "<figure>")
    wait_for_editor_focus(page)
    toolbar_button(page, "embed").click()
    page.fill("#body-editor-video", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page.keyboard.press("Enter")
    wait_for_body(page, "youtube-nocookie.com/embed/dQw4w9WgXcQ")
    wait_for_editor_focus(page)

    # Each paste on a line of its own, as an editor pastes a piece of copy (inline content would join the line).
    for html, last_words in (
        (WORD_HTML, "Second point"),
        (GOOGLE_DOCS_HTML, "in March"),
        (WEB_PAGE_HTML, "a report"),
    ):
        paste(page, html)
        wait_for_body(page, last_words)
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
    toolbar_button(page, "pagebreak").click()
    page.keyboard.type("The second page.")

    stored = body_value(page)
    for dirt in (
        "mso",
        "Mso",
        "style=",
        'class="Mso',
        "<o:p",
        "<span",
        "<div",
        "<b>",
        "<i>",
        "script",
        "onclick",
        "onerror",
        "javascript:",
        "elsewhere.example",
        "evil.example",
        "file:",
        "docs-internal",
        "<h1",
    ):
        assert dirt not in stored, (dirt, stored)
    assert stored == sanitize_html(stored)  # what the editor writes is what the sanitizer keeps, unchanged

    page.select_option("#id_status", "published")
    with page.expect_navigation():
        page.click("input[name=_save]")
    article = Article.objects.get()
    body = article.body
    expected = [
        "<p>Russian and US diplomats met in Geneva on Monday.</p>",
        "<h2>What the sides said</h2>",
        "<p>The talks covered three subjects:</p>",
        "<ul><li>strategic stability</li><li>embassies</li></ul>",
        '<p>Details were reported by <a href="https://tass.com/politics" rel="noopener noreferrer">TASS</a></p>',
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Video" width="560" height="315" '
        'allowfullscreen=""></iframe>',
        # Word: bold and italic kept as such, the numbered paragraphs a numbered list, the blank line and the local
        # picture gone
        "<p><strong>Talks resumed</strong> in Geneva on Monday.</p>",
        "<ol><li>First point</li><li>Second point</li></ol>",
        '<p><em>Reported by</em> <a href="https://tass.com/politics" rel="noopener noreferrer">TASS</a></p>',
        # Google Docs: the title a sub-heading, the weight-700 span bold, the list item without its paragraph
        "<h2>What was agreed</h2>",
        "<p><strong>Both sides</strong> agreed to <em>meet again</em></p>",
        "<ul><li>in March</li></ul>",
        # a web page: the text and the real link, nothing that runs or comes from elsewhere
        '<p>Hello from the web click and <a href="https://example.org/report" rel="noopener noreferrer">a report'
        "</a></p>",
        '<hr class="page-break">',
        "<p>The second page.</p>",
    ]
    position = 0
    for part in expected:
        found = body.find(part, position)
        assert found >= 0, (part, body)
        position = found + len(part)
    figure = re.search(r"<figure>(.*?)</figure>", body).group(1)
    assert (
        f'src="{photo.image.url.rsplit(".", 1)[0]}-800.webp"' in figure and 'alt="Two delegations"' in figure
    )
    assert "<figcaption>Delegations in Geneva © TASS/Ivan Petrov</figcaption>" in figure
    assert body.index("<figure>") < body.index("Talks resumed")
    assert "<p></p>" not in body and "<p><br></p>" not in body

    reader = page.context.new_page()
    reader.goto(base + article.get_absolute_url())
    assert reader.locator("article h2", has_text="What the sides said").count() == 1
    assert reader.locator("article ol li").all_inner_texts() == ["First point", "Second point"]
    assert reader.locator("article figure figcaption").inner_text().startswith("Delegations in Geneva")
    reader.goto(base + article.get_absolute_url() + "?page=2")
    assert "The second page." in reader.inner_text("article")


def focused(page) -> str:
    """What has the keyboard focus: the editor's text, a toolbar button's command, or another element's id."""
    return page.evaluate(
        """() => { const el = document.activeElement;
                   return el.dataset.command || el.id || el.tagName; }"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_formatting_with_the_keyboard_alone(live_server, browser_page, default_sections):
    page, base = browser_page, live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    open_new_article(page, base)

    page.focus("#id_lead")
    page.keyboard.press("Tab")
    assert focused(page) == "h2"  # the toolbar is one stop in the tab order (the ARIA toolbar pattern)...
    page.keyboard.press("Tab")
    assert focused(page) == "body-editor-area"  # ...and the text the next
    buttons = page.locator(".body-editor__toolbar button")
    for n in range(buttons.count()):  # each button named for a screen reader, and with a visible title
        button = buttons.nth(n)
        assert button.inner_text().strip() and button.get_attribute("title"), button.evaluate(
            "b => b.outerHTML"
        )

    page.keyboard.type("Talks agreed")
    page.keyboard.press("Alt+F10")  # to the toolbar, on the button that has the tab stop
    assert focused(page) == "h2"
    page.keyboard.press("Enter")  # a sub-heading; the cursor goes back to the text
    assert focused(page) == "body-editor-area"
    assert toolbar_button(page, "h2").get_attribute("aria-pressed") == "true"
    wait_for_body(page, "<h2>Talks agreed</h2>")

    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Both delegations met")
    assert toolbar_button(page, "h2").get_attribute("aria-pressed") == "false"  # Enter after a heading: text
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+b")
    assert toolbar_button(page, "bold").get_attribute("aria-pressed") == "true"
    wait_for_body(page, "<p><strong>Both delegations met</strong></p>")
    page.keyboard.press("Control+b")
    assert toolbar_button(page, "bold").get_attribute("aria-pressed") == "false"
    page.keyboard.press("Control+i")
    assert toolbar_button(page, "italic").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Alt+F10")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # H3, B, I, • List
    assert focused(page) == "ul"
    page.keyboard.press("Space")
    assert toolbar_button(page, "ul").get_attribute("aria-pressed") == "true"
    wait_for_body(page, "<ul><li><em>Both delegations met</em></li></ul>")

    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.press("Control+i")
    page.keyboard.type("Read TASS")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")  # the link dialog, its address box focused
    assert focused(page) == "body-editor-link"
    page.keyboard.type("https://tass.com/")
    page.keyboard.press("Enter")
    assert focused(page) == "body-editor-area"
    wait_for_body(page, '<p>Read <a href="https://tass.com/" rel="noopener noreferrer">TASS</a></p>')

    page.keyboard.press("Alt+F10")
    page.keyboard.press("Escape")  # back to the text from the toolbar
    assert focused(page) == "body-editor-area"
    page.keyboard.press("Tab")  # and the text does not trap the keyboard: Tab goes on to the next field
    assert focused(page) not in ("body-editor-area", "h2")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back over the text to the toolbar's one stop
    page.keyboard.press("End")
    assert focused(page) == "source"
    page.keyboard.press("Enter")  # the HTML view: the textarea, focused, the other buttons off
    assert (
        focused(page) == "id_body" and toolbar_button(page, "source").get_attribute("aria-pressed") == "true"
    )
    assert toolbar_button(page, "bold").is_disabled()
    page.keyboard.press("Alt+F10")  # the toolbar's stop is the way back, never a disabled button
    assert focused(page) == "source"
    page.keyboard.press("Enter")
    assert focused(page) == "body-editor-area" and page.locator("#id_body").is_hidden()

    assert page.input_value("#id_body") == (
        "<h2>Talks agreed</h2>\n"
        "<ul><li><em>Both delegations met</em></li></ul>\n"
        '<p>Read <a href="https://tass.com/" rel="noopener noreferrer">TASS</a></p>'
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_works_under_the_newsrooms_content_security_policy(
    live_server, chromium, default_sections
):
    """No inline script, no eval, no style the policy refuses: the page is used with its CSP enforced (the other
    browser tests bypass it to inject axe) and any violation the browser reports fails the test."""
    base = live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    # Init scripts run before the page's own; the listener records what the browser refused and why.
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => "
        "window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.sample].join(' ')));"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, base, "editor")
        response = page.goto(base + reverse("admin:news_article_add"))
        policy = response.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
        assert script_src == ["'self'"], policy  # no 'unsafe-inline', no 'unsafe-eval'
        page.wait_for_selector("#id_body[data-editor-ready=true]", state="attached")
        page.click(EDITOR_AREA)
        page.keyboard.type("Under the policy")
        page.keyboard.press("Shift+Home")
        page.keyboard.press("Control+b")
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        paste(page, WORD_HTML)
        wait_for_body(page, "Second point")
        toolbar_button(page, "image").click()
        page.wait_for_selector(".body-editor__dialog[open]")
        page.keyboard.press("Escape")
        assert body_value(page).startswith("<p><strong>Under the policy</strong>")
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_edit_form_with_the_editor_passes_axe(live_server, browser_page, tmp_path, default_sections):
    page, base = browser_page, live_server.url
    with open(real_jpeg(tmp_path / "geneva.jpg"), "rb") as fh:
        services.photo_create(
            image=fh, caption="Delegations in Geneva", credit="© TASS", alt_text="Delegations"
        )
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    open_new_article(page, base)
    page.click(EDITOR_AREA)
    page.keyboard.type("A paragraph")
    page.keyboard.press("Shift+Home")
    toolbar_button(page, "bold").click()
    # a pressed button checked too
    assert toolbar_button(page, "bold").get_attribute("aria-pressed") == "true"
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations]
    toolbar_button(page, "image").click()  # the photo dialog, with the library's photos listed
    page.wait_for_selector(".body-editor__photo")
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations]
    page.keyboard.press("Escape")
    toolbar_button(page, "source").click()  # the HTML view: the textarea with its own label
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_opened_story_keeps_its_body_as_stored_and_shows_where_read_also_goes(
    live_server, browser_page, default_sections
):
    page, base = browser_page, live_server.url
    stored = (
        "<p>Moscow is concerned, <b>Ryabkov</b> said.</p>\n\n"
        "<p>Relations hit their lowest point.</p>"
        "<h2>No meddling</h2><p>Moscow never tried to influence Washington.</p>"
    )
    article = ArticleFactory(body=stored, read_also_after=2, status=Article.Status.DRAFT)
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_article_change", args=[article.pk]))
    page.wait_for_selector("#id_body[data-editor-ready=true]", state="attached")
    page.click(EDITOR_AREA)
    page.keyboard.press("ArrowRight")
    page.focus(
        "#id_headline"
    )  # in and out of the text without changing it: the form sends the body as it came
    assert body_value(page) == stored

    def marked() -> list[str]:
        """The text of the block the "Read also" marker follows (the editor draws it after that block)."""
        return page.locator(f"{EDITOR_AREA} [data-read-also]").all_inner_texts()

    assert marked() == ["Relations hit their lowest point."]  # after paragraph 2, as the field says
    page.fill("#id_read_also_after", "1")
    assert marked() == ["Moscow is concerned, Ryabkov said."]
    page.fill("#id_read_also_after", "3")  # sub-headings are not paragraphs: the third is after the heading
    assert marked() == ["Moscow never tried to influence Washington."]
    page.fill("#id_read_also_after", "0")
    assert marked() == [] and "body-editor__area--read-also-first" in page.get_attribute(EDITOR_AREA, "class")

    page.locator(EDITOR_AREA).get_by_text("Relations hit").click()  # "Read also here" in the second paragraph
    toolbar_button(page, "readalso").click()
    assert page.input_value("#id_read_also_after") == "2"
    assert marked() == ["Relations hit their lowest point."]
    assert "after paragraph 2" in page.inner_text(".body-editor__status")
    assert body_value(page) == stored  # placing Read also is not an edit of the body

    page.keyboard.press("End")
    page.keyboard.type(" Again.")
    wait_for_body(page, "<p>Relations hit their lowest point. Again.</p>")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    article.refresh_from_db()
    assert article.read_also_after == 2 and "lowest point. Again.</p>" in article.body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_body_is_the_plain_textarea(live_server, chromium, default_sections):
    base = live_server.url
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, "editor")
        page.goto(base + reverse("admin:news_article_add"))
        assert page.locator("#id_body").is_visible() and page.locator("#id_body").is_editable()
        assert page.locator(".body-editor__toolbar, #body-editor-area").count() == 0
        assert "a blank line starts a new paragraph" in page.inner_text(".field-body")
    finally:
        context.close()
