"""Reader pages render every element of an article and never leak template syntax or "1 pages"."""

import re
from html import unescape

import pytest
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.models import Article, Correction, OtherMediaLink, ReadAlso
from newsdesk.newsroom.roles import EDITOR, REPORTER
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, user_with_role

from .images import jpeg_bytes, upload

Status = Article.Status
pytestmark = pytest.mark.django_db
LEAKS = re.compile(r"\{\{|\{%|%\}|\}\}|\b1 pages\b|\bNone\b")


@pytest.fixture
def full_article():
    photo = services.photo_create(
        image=upload(jpeg_bytes((1600, 900))),
        caption="US President Donald Trump",
        credit="© AP Photo/Carolyn Kaster",
        alt_text="Donald Trump speaking",
    )
    article = ArticleFactory(
        lead_photo=photo,
        body=ArticleFactory.body + '<hr class="page-break"><p>The second page of the interview.</p>',
    )
    article.persons.add(PersonFactory())
    article.topics.add(TopicFactory(name="Foreign policy"))
    ReadAlso.objects.create(article=article, target=ArticleFactory(headline="Kremlin on sanctions"), order=0)
    OtherMediaLink.objects.create(
        article=article, title="Trump's first months", outlet="Reuters", url="https://www.reuters.com/a"
    )
    Correction.objects.create(article=article, note="An earlier version misstated the date.")
    return article


def assert_clean(html: str) -> None:
    html = re.sub(r'(?s)<script type="application/ld\+json">.*?</script>', "", html)  # JSON may end in "}}"
    leak = LEAKS.search(html)
    assert leak is None, html[max(0, leak.start() - 120) : leak.end() + 120]


def test_article_page_shows_every_element_and_leaks_nothing(client, full_article):
    html = unescape(client.get(full_article.get_absolute_url()).content.decode())
    assert_clean(html)
    assert re.search(rf"<h1[^>]*>\s*{re.escape(full_article.headline)}\s*</h1>", html)
    assert "PSKOV, May 30. /TASS/." in html
    assert "US President Donald Trump" in html and "© AP Photo/Carolyn Kaster" in html
    assert re.search(r'<img[^>]+srcset="[^"]+ 480w', html)
    assert "Moscow did nothing to meddle in US domestic policy" in html
    assert "Kremlin on sanctions" in html and "Reuters" in html
    assert "Donald Trump" in html and "Foreign policy" in html
    assert "An earlier version misstated the date." in html
    assert "Page 1 of 2" in html
    page_two = client.get(full_article.get_absolute_url(), {"page": "2"}).content.decode()
    assert_clean(page_two)
    assert "The second page of the interview." in page_two


@pytest.mark.parametrize("page", ["0", "-3", "99", "two", "1e9", "%00"])
def test_odd_page_numbers_are_not_errors(client, full_article, page):
    response = client.get(full_article.get_absolute_url(), {"page": page})
    assert response.status_code in (200, 301, 302, 404)
    assert_clean(response.content.decode())


def test_lists_and_tag_pages_leak_nothing(client, full_article):
    person, topic = full_article.persons.get(), full_article.topics.get()
    urls = [
        reverse("site:home"),
        reverse("site:latest"),
        full_article.section.get_absolute_url(),
        person.get_absolute_url(),
        topic.get_absolute_url(),
        "/news/123/no-such-article/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_clean(response.content.decode())


def test_withdrawn_page_leaks_nothing(client, full_article):
    services.article_withdraw(
        article=full_article, by=user_with_role(EDITOR), note="Withdrawn at the source."
    )
    response = client.get(full_article.get_absolute_url())
    assert response.status_code == 410
    assert_clean(response.content.decode())


def test_single_page_article_has_no_page_navigation(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "Page 1 of" not in html
    assert_clean(html)


# --- preview -----------------------------------------------------------------------------------------------


def test_editor_previews_a_draft_with_the_reader_template_while_readers_get_404(client):
    draft = ArticleFactory(status=Status.DRAFT, headline="Putin and Macron to meet in Versailles")
    assert client.get(draft.get_absolute_url()).status_code == 404
    url = reverse("admin:news_article_preview", args=[draft.pk])
    assert client.get(url).status_code == 302  # to the newsroom login
    client.force_login(user_with_role(EDITOR))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article class="article layout__main">' in html and '<header class="site-header">' in html
    assert "<h1>Putin and Macron to meet in Versailles</h1>" in html
    assert "PSKOV, May 30. /TASS/." in html
    assert "Readers cannot see this yet." in html
    assert_clean(html)
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_preview_of_a_published_story_is_its_reader_page_marked_as_a_preview(client):
    """The newsroom's preview renders through the reader page's own path: the page readers get (white space
    aside: the reader page leaves a hole for Read also), with the notice and noindex added and no read beacon."""
    article = ArticleFactory(headline='Lavrov: "<b>No</b>" & O\'Neil', byline="Ann O'Neil")
    public = client.get(article.get_absolute_url()).content.decode()
    client.force_login(user_with_role(EDITOR))
    preview = client.get(reverse("admin:news_article_preview", args=[article.pk])).content.decode()
    notice = '<p class="notice" role="status">Preview — Published. Readers cannot see this yet.</p>'
    noindex = '<meta name="robots" content="noindex, nofollow">'
    assert notice in preview and noindex in preview and "data-read-beacon" not in preview
    beacon = re.compile(r'<script src="[^"]*beacon[^"]*" defer data-read-beacon=.*?</noscript>')
    assert "data-read-beacon" in public
    spaces = re.compile(r"\s+")
    expected = spaces.sub(" ", beacon.sub("", public))
    assert spaces.sub(" ", preview.replace(notice, "").replace(noindex, "")) == expected


def test_reporter_previews_too_but_an_unknown_article_is_not_found(client):
    draft = ArticleFactory(status=Status.DRAFT)
    client.force_login(user_with_role(REPORTER))
    assert client.get(reverse("admin:news_article_preview", args=[draft.pk])).status_code == 200
    assert client.get(reverse("admin:news_article_preview", args=[draft.pk + 1000])).status_code in (403, 404)
