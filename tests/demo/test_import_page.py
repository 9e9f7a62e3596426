import html.parser

import pytest
from django.core.management import CommandError, call_command

from newsdesk.demo.page_import import page_import
from newsdesk.ingest.formats.captured_page import CapturedPageError
from newsdesk.news.models import Article, Photo
from tests.factories import ArticleFactory

HEADLINE = "Moscow concerned over no breakthrough in US administration’s relations with Russia"


class TextOf(html.parser.HTMLParser):
    """Collects visible text per tag path, so assertions read the rendered page, not the template."""

    def __init__(self):
        super().__init__()
        self.stack, self.texts, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("img", "meta", "link", "br", "hr", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and "script" not in self.stack:
            self.texts.append((tuple(self.stack), " ".join(data.split())))


def parse(content: bytes) -> TextOf:
    parser = TextOf()
    parser.feed(content.decode())
    return parser


@pytest.mark.django_db
def test_seed_page_becomes_a_complete_article(client, seed_page_text):
    # The capture's Read also names one of our stories: published here, so the link resolves (a title with no
    # visible article behind it is never shown to readers).
    ArticleFactory(headline="Senior Russian MP says too early to speak of thaw in Russia-US ties")
    article, created = page_import(text=seed_page_text)
    assert created
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = parse(response.content)
    texts = [t for _, t in page.texts]
    h1 = [t for path, t in page.texts if path[-1] == "h1"]
    assert h1 == [HEADLINE]
    assert "Russian Politics & Diplomacy" in texts
    assert "May 30, 2017, 11:41 UTC+3" in texts
    assert (
        "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral relations hit their lowest point"
        in texts
    )
    assert "PSKOV, May 30. /TASS/." in texts
    assert "White House in Washington" in " ".join(texts)
    assert "© AP Photo/Carolyn Kaster" in texts
    assert "(placeholder image)" in texts
    h2 = [t for path, t in page.texts if path[-1] == "h2"]
    assert "Moscow did nothing to meddle in US domestic policy" in h2
    assert "Read also" in h2 and "Persons" in h2 and "Topics" in h2
    assert "Senior Russian MP says too early to speak of thaw in Russia-US ties" in texts
    assert "Donald Trump" in texts and "Foreign policy" in texts
    img = next(attrs for tag, attrs in page.tags if tag == "img")
    assert "srcset" in img and img["alt"].startswith("Placeholder")
    # The capture's site chrome is gone from the article (the site's own header has its own widgets).
    article_text = " ".join(t for path, t in page.texts if "article" in path)
    for chrome in (
        "Реклама",
        "{{item",
        "1 pages",
        "Select the city",
        "Currency converter",
        "Show more",
        "More news",
    ):
        assert chrome not in article_text
    assert "Реклама" not in response.content.decode() and "{{" not in response.content.decode()
    # Read also sits after the second paragraph of the body.
    body_texts = [t for path, t in page.texts if "article" in path]
    assert body_texts.index("Read also") > body_texts.index("PSKOV, May 30. /TASS/.")
    assert body_texts.index("Read also") < body_texts.index(
        "Moscow wants to change the negative trend in relations with Washington and will work in this direction, according to Ryabkov."
    )


@pytest.mark.django_db
def test_importing_the_same_page_twice_changes_nothing(seed_page_text):
    first, _ = page_import(text=seed_page_text)
    again, created = page_import(text=seed_page_text)
    assert not created and again.pk == first.pk
    assert Article.objects.count() == 1 and Photo.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "publication time"),
        ("date 2017-05-30\nHeadline\nNo section\nMay 30, 11:41 UTC+3\nLead\n", "not a known section"),
        ("date 2017-05-30\nHeadline\nWorld\nMay 30, 11:41 UTC+3\nLead\nNo dateline here.\n", "dateline"),
        ("Headline\nWorld\nMay 30, 11:41 UTC+3\nLead\nPSKOV, May 30. /TASS/. Text.\n", "capture date"),
    ],
)
def test_malformed_captures_are_rejected_and_nothing_is_stored(text, reason):
    with pytest.raises(CapturedPageError, match=reason):
        page_import(text=text)
    assert Article.objects.count() == 0 and Photo.objects.count() == 0


@pytest.mark.django_db
def test_import_page_command_reports_unreadable_files(tmp_path):
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-page", str(binary))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import-page", str(tmp_path / "missing.txt"))
