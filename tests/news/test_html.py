"""The body sanitizer keeps an article's structure and drops anything that could run or restyle the page."""

import pytest

from newsdesk.news.html import blocks, sanitize_html, split_pages

KEEP = (
    "<h2>Moscow did nothing to meddle in US domestic policy</h2>"
    '<p>Ryabkov said, <a href="https://tass.com/politics/948257">according to TASS</a>.</p>'
    "<blockquote><p>We are not giving up.</p></blockquote><ul><li>one</li></ul>"
    '<figure><img src="/media/photos/a.jpg" alt="Sergey Ryabkov"><figcaption>Sergey Ryabkov</figcaption></figure>'
    '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Briefing"></iframe>'
)


def test_structure_survives():
    clean = sanitize_html(KEEP)
    for part in ("<h2>", "<blockquote>", "<li>one</li>", "<figcaption>", 'alt="Sergey Ryabkov"'):
        assert part in clean
    assert 'href="https://tass.com/politics/948257"' in clean
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in clean


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ("<p>Ryabkov said<script>alert(document.cookie)</script> it.</p>", ["<script", "alert"]),
        ('<img src="x.jpg" onerror="alert(1)">', ["onerror", "alert"]),
        ('<p onclick="steal()" onmouseover="steal()">text</p>', ["onclick", "onmouseover", "steal"]),
        ('<a href="javascript:alert(1)">link</a>', ["javascript:", "alert"]),
        ('<a href="  JaVaScRiPt:alert(1)">link</a>', ["javascript", "alert"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
        ("<style>body{display:none}</style><p>text</p>", ["<style", "display:none"]),
        ('<p style="position:fixed;top:0">text</p>', ["style=", "position"]),
        ('<iframe src="https://evil.example/phish"></iframe>', ["<iframe", "evil.example"]),
        (
            '<iframe src="https://www.youtube-nocookie.com.evil.example/x"></iframe>',
            ["<iframe", "evil.example"],
        ),
        ("<iframe><p>fallback</p></iframe>", ["<iframe", "fallback"]),
        (
            '<iframe src="https://www.youtube-nocookie.com/embed/x" srcdoc="<script>1</script>"></iframe>',
            ["srcdoc"],
        ),
        ("<svg><script>alert(1)</script></svg>", ["<svg", "<script", "alert"]),
        ('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed", "x.swf"]),
        ('<form action="https://evil.example"><input name="password"></form>', ["<form", "<input"]),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta", "evil"]),
        ('<hr class="page-break x" onclick="y()">', ["onclick", "page-break x"]),
        ("<p>a<!-- <script>alert(1)</script> -->b</p>", ["<!--", "alert"]),
    ],
)
def test_hostile_html_is_stripped(dirty, gone):
    clean = sanitize_html(dirty)
    for fragment in gone:
        assert fragment.lower() not in clean.lower(), clean


def test_links_get_noopener_and_text_stays():
    clean = sanitize_html(
        '<p>Read <a href="https://tass.com/">TASS</a> and <a href="javascript:x()">this</a>.</p>'
    )
    assert clean.count('rel="noopener noreferrer"') == 2
    assert ">TASS</a>" in clean and ">this</a>" in clean


def test_allowed_embed_keeps_no_fallback_content():
    clean = sanitize_html('<iframe src="https://player.vimeo.com/video/1" title="Video"><p>old</p></iframe>')
    assert clean == '<iframe src="https://player.vimeo.com/video/1" title="Video"></iframe>'


def test_pages_and_blocks():
    html = '<p>one</p><hr class="page-break"><p>two</p><h2>sub</h2>'
    assert split_pages(html) == ["<p>one</p>", "<p>two</p><h2>sub</h2>"]
    assert blocks("<p>two</p><h2>sub</h2>") == ["<p>two</p>", "<h2>sub</h2>"]
    assert split_pages("") == [""]
