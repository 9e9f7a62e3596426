"""Hostile input and bad luck on reader pages (issue 16, findings 8, 10 and 15): ids past the database's integer
range, Read also links to what readers may not see, and article HTML that a regex split lost."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.html import blocks, sanitize_html, split_pages
from newsdesk.news.models import Article, ReadAlso
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
Status = Article.Status
TOO_BIG = "9223372036854775808"  # 2**63: one past SQLite's (and PostgreSQL's bigint) largest integer


# --- 8: ids past the column's range are no page, not a 500 -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/news/{TOO_BIG}/",
        f"/news/{TOO_BIG}/some-slug/",
        "/news/99999999999999999999999999/",
        f"/galleries/any-gallery/{TOO_BIG}/",
    ],
)
def test_a_reader_url_with_an_id_out_of_range_is_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/newsroom/audience/article/{TOO_BIG}/",
        f"/newsroom/news/article/{TOO_BIG}/preview/",
        f"/newsroom/news/article/{TOO_BIG}/revisions/",
        f"/newsroom/news/article/{TOO_BIG}/correct/",
        f"/newsroom/news/article/1/revisions/{TOO_BIG}/restore/",
    ],
)
def test_a_newsroom_url_with_an_id_out_of_range_is_no_object(admin_client, url):
    # No such object: a 404, or the admin's own "doesn't exist" redirect for what its catch-all path takes.
    assert admin_client.get(url).status_code in (302, 404)


def test_the_largest_id_that_fits_still_reaches_the_view(client):
    assert client.get("/news/999999999999999999/").status_code == 404  # 18 digits: looked up, not found


# --- 10: Read also shows only what readers may see ------------------------------------------------------------


def test_read_also_never_shows_a_title_for_an_unpublished_or_missing_target(client):
    article = ArticleFactory()
    hidden = {
        "Draft title typed by the editor": ArticleFactory(status=Status.DRAFT, headline="Secret draft"),
        "Embargoed budget figures tomorrow": ArticleFactory(
            status=Status.SCHEDULED,
            publish_at=timezone.now() + dt.timedelta(days=1),
            first_published_at=None,
            headline="Embargoed: budget figures",
        ),
        "Minister resigns (withdrawn)": ArticleFactory(headline="Minister resigns"),
        "A story we never wrote": None,
    }
    services.article_withdraw(article=hidden["Minister resigns (withdrawn)"], by=None, note="Not confirmed.")
    visible = ArticleFactory(headline="Kamaz to supply trucks to the Philippines")
    for order, (title, target) in enumerate(hidden.items()):
        ReadAlso.objects.create(article=article, target=target, title=title, order=order)
    ReadAlso.objects.create(article=article, target=visible, title="Kamaz deal", order=9)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    aside = page.select_one("aside.read-also")
    assert [(a.get_text(), a["href"]) for a in aside.select("a")] == [
        (visible.headline, visible.get_absolute_url())
    ]
    assert len(aside.select("li")) == 1
    text = page.get_text()
    for title, target in hidden.items():
        assert title not in text
        if target is not None:
            assert target.headline not in text and target.get_absolute_url() not in str(page)


def test_no_read_also_block_when_no_link_is_visible(client):
    article = ArticleFactory()
    ReadAlso.objects.create(article=article, target=None, title="Talks to resume next week", order=0)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "read-also" not in html and "Talks to resume next week" not in html


# --- 15: the article's HTML is split by a parser: nothing lost, every block balanced ----------------------------

NESTED = "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"
# An ingested RSS body: loose text (with a link) beside paragraphs, a nested list, loose text at the end.
RSS_BODY = (
    'MOSCOW, May 30. Loose lead text from the wire, <a href="https://tass.com/">via TASS</a>.'
    "<p>First paragraph of the story.</p>"
    "<ul><li>Point one<ul><li>Point one, detail</li></ul></li><li>Point two</li></ul>"
    "<p>Second paragraph of the story.</p>"
    "Closing words without a paragraph."
)


def _balanced(fragment: str) -> bool:
    from newsdesk.news.html import _TopLevel  # the parser's own check: nothing left open, no stray end tag

    parser = _TopLevel(fragment)
    parser.feed(fragment)
    parser.close()
    return not parser.stack and not parser.stray


def test_blocks_keep_nested_lists_whole():
    assert blocks(NESTED) == [NESTED]


def test_blocks_keep_loose_text_as_paragraphs():
    found = blocks(sanitize_html(RSS_BODY))
    assert (
        found[0].startswith("<p>MOSCOW, May 30. Loose lead text") and 'href="https://tass.com/"' in found[0]
    )
    assert found[-1] == "<p>Closing words without a paragraph.</p>"
    assert len(found) == 5 and all(_balanced(block) for block in found)
    text = BeautifulSoup("".join(found), "html.parser").get_text()
    assert text == BeautifulSoup(sanitize_html(RSS_BODY), "html.parser").get_text()


def test_pages_split_only_at_top_level_breaks_and_stay_balanced():
    body = '<p>one</p><blockquote><p>a</p><hr class="page-break"><p>b</p></blockquote><hr class="page-break"><p>two</p>'
    assert split_pages(body) == [
        '<p>one</p><blockquote><p>a</p><hr class="page-break"><p>b</p></blockquote>',
        "<p>two</p>",
    ]


def test_the_reader_page_shows_every_part_of_an_ingested_body(client):
    target = ArticleFactory(headline="Kremlin comments on the talks")
    article = ArticleFactory(body=sanitize_html(RSS_BODY), read_also_after=1)
    ReadAlso.objects.create(article=article, target=target, order=0)
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    body = page.select_one(".article__body")
    text = " ".join(body.get_text(" ").split())
    for part in ("Loose lead text", "via TASS", "Point one, detail", "Point two", "Closing words"):
        assert part in text
    outline = [child.name for child in body.find_all(recursive=False)]
    # The loose lead is paragraph 1 (after the dateline's own paragraph), so Read also comes right after it.
    assert outline[:4] == ["p", "p", "aside", "p"] and outline.count("ul") == 1
    assert [li.get_text(" ", strip=True) for li in body.select("ul > li")][-1] == "Point two"


def test_a_multi_page_article_with_nested_lists_keeps_each_page_whole(client):
    body = f'<p>Page one.</p>{NESTED}<hr class="page-break"><p>Page two.</p>{NESTED}Loose end.'
    article = ArticleFactory(body=sanitize_html(body))
    for number in (1, 2):
        page = BeautifulSoup(client.get(article.get_absolute_url(), {"page": number}).content, "html.parser")
        text = page.select_one(".article__body").get_text(" ")
        assert f"Page {'one' if number == 1 else 'two'}." in text and "c" in text.split()
    assert "Loose end." in page.select_one(".article__body").get_text()
