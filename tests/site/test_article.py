"""The article page: every element of the seed page, JSON-LD/Open Graph/canonical, pages, errors."""

import datetime as dt
import gzip
import json

import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Correction, OtherMediaLink, ReadAlso
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload

pytestmark = pytest.mark.django_db
UTC = dt.UTC

SEED_BODY = (
    "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald Trump's "
    "administration, Russian Deputy Foreign Minister Sergey Ryabkov said during the Fort Ross Dialogue forum on "
    "Tuesday.</p>"
    "<p>The diplomat noted that under the previous US administration bilateral relations hit their lowest point. "
    "\"But the new time period, contacts and cooperation with Trump's administration saw no serious breakthrough. "
    'We are concerned about this," Ryabkov said.</p>'
    "<p>Moscow wants to change the negative trend in relations with Washington and will work in this direction, "
    "according to Ryabkov.</p>"
    "<h2>Moscow did nothing to meddle in US domestic policy</h2>"
    "<p>Moscow has never done anything which could be considered as an attempt to influence Washington's "
    "domestic policy, Ryabkov said.</p>"
    '<figure><img src="/media/photos/fort-ross.jpg" alt="Fort Ross" width="800" height="500"></figure>'
)


@pytest.fixture
def seed_article():
    photo = services.photo_create(
        image=image_upload(size=(1600, 900)),
        caption="White House in Washington",
        credit="© AP Photo/Carolyn Kaster",
        alt_text="The White House seen from the South Lawn",
    )
    article = ArticleFactory(
        headline="Moscow concerned over no breakthrough in US administration's relations with Russia",
        body=SEED_BODY,
        lead_photo=photo,
        publish_at=dt.datetime(2017, 5, 30, 8, 41, tzinfo=UTC),
        first_published_at=dt.datetime(2017, 5, 30, 8, 41, tzinfo=UTC),
        updated_at=dt.datetime(2017, 5, 30, 10, 5, tzinfo=UTC),
    )
    target = ArticleFactory(headline="Senior Russian MP says too early to speak of thaw in Russia-US ties")
    hidden = ArticleFactory(headline="Draft: Kremlin mum on Russia-US ties", status=Article.Status.DRAFT)
    ReadAlso.objects.create(article=article, target=target, order=1)
    ReadAlso.objects.create(
        article=article, target=hidden, title="Kremlin mum on prospects of Russia-US ties", order=2
    )
    article.persons.add(PersonFactory(name="Donald Trump"))
    article.topics.add(TopicFactory(name="Foreign policy"))
    OtherMediaLink.objects.create(
        article=article,
        title="Russia says no breakthrough in relations with Trump administration",
        outlet="Al Jazeera",
        url="https://www.aljazeera.com/news/2017/05/russia-breakthrough.html",
        published_on=dt.date(2017, 5, 30),
    )
    Correction.objects.create(
        article=article, kind=Correction.Kind.UPDATE, note="Adds Ryabkov's remarks on Putin."
    )
    return article


def test_article_page_has_every_element_of_the_seed_page(client, soup, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    article = page.select_one("article.article")
    assert article.h1.get_text() == seed_article.headline
    assert article.select_one(".article__section a")["href"] == "/section/politics/"
    times = article.select(".article__time time")
    assert times[0].get_text() == "May 30, 2017, 11:41 UTC+3"
    assert "Updated" in article.select_one(".article__time").get_text()
    assert times[1].get_text() == "May 30, 2017, 13:05 UTC+3"
    assert article.select_one(".article__lead").get_text().startswith("Russian Deputy Foreign Minister")
    share = article.select_one("[data-share]")
    assert {a.get_text() for a in share.select("a")} >= {"Share by email", "Share on Telegram"}
    assert article.select_one(".dateline").get_text() == "PSKOV, May 30. /TASS/."
    figure = article.select_one("figure.lead-photo")
    img = figure.img
    assert img["alt"] == "The White House seen from the South Lawn"
    assert "480w" in img["srcset"] and "1600w" in img["srcset"]
    assert img["sizes"] and img.get("loading") is None  # the lead photo is above the fold
    assert "White House in Washington" in figure.figcaption.get_text()
    assert figure.select_one(".credit").get_text() == "© AP Photo/Carolyn Kaster"
    body = article.select_one(".article__body")
    assert body.find("h2", recursive=False).get_text() == "Moscow did nothing to meddle in US domestic policy"
    assert body.select_one("figure img")["loading"] == "lazy"  # below the fold
    assert [t.get_text() for t in article.select(".tags h2")] == ["Persons", "Topics"]
    assert article.select_one(".tags a[href^='/persons/']").get_text() == "Donald Trump"
    assert article.select_one(".other-media a")["href"].startswith("https://www.aljazeera.com/")
    assert "Al Jazeera" in article.select_one(".other-media").get_text()
    assert "Adds Ryabkov's remarks on Putin." in article.select_one(".corrections").get_text()
    assert page.select_one("#city-clock") is not None
    assert page.select_one("form[role=search]")["action"] == "/search/"


def test_read_also_sits_after_the_second_paragraph_and_never_links_a_draft(client, soup, seed_article):
    body = soup(client.get(seed_article.get_absolute_url())).select_one(".article__body")
    children = [child for child in body.find_all(recursive=False)]
    names = [c.name for c in children]
    aside = names.index("aside")
    assert names[:aside] == ["p", "p", "p"]  # dateline, paragraph 1, paragraph 2
    links = children[aside].select("li")
    assert len(links) == 1 and links[0].a.get_text().startswith("Senior Russian MP")
    # The link to a draft is left out whole: neither its headline nor the editor's title for it.
    assert "Draft:" not in body.get_text() and "Kremlin mum" not in body.get_text()


def _body_outline(page) -> list[str]:
    """The article body's top-level blocks as the editor would name them, the Read also block included."""
    names = []
    for child in page.select_one(".article__body").find_all(recursive=False):
        if child.name == "p":
            names.append("dateline" if "dateline" in child.get("class", []) else "p")
        else:
            names.append("READ ALSO" if child.name == "aside" else child.name)
    return names


# SEED_BODY is paragraphs 1-3, a sub-heading, paragraph 4 and a figure; the dateline runs into paragraph 1.
@pytest.mark.parametrize(
    ("after", "outline"),
    [
        (0, ["READ ALSO", "dateline", "p", "p", "p", "h2", "p", "figure"]),
        (1, ["dateline", "p", "READ ALSO", "p", "p", "h2", "p", "figure"]),
        (3, ["dateline", "p", "p", "p", "READ ALSO", "h2", "p", "figure"]),
        (4, ["dateline", "p", "p", "p", "h2", "p", "READ ALSO", "figure"]),  # headings are not counted
        (5, ["dateline", "p", "p", "p", "h2", "p", "figure", "READ ALSO"]),
        (999, ["dateline", "p", "p", "p", "h2", "p", "figure", "READ ALSO"]),
    ],
)
def test_read_also_sits_after_the_paragraph_the_editor_chose(client, soup, seed_article, after, outline):
    seed_article.read_also_after = after
    seed_article.save()
    page = soup(client.get(seed_article.get_absolute_url()))
    assert _body_outline(page) == outline
    assert len(page.select(".read-also")) == 1


def test_read_also_is_only_on_the_first_page(client, soup, seed_article):
    seed_article.body = (
        SEED_BODY + '<hr class="page-break"><p>Ryabkov also spoke about the New START treaty.</p>'
    )
    seed_article.read_also_after = 99
    seed_article.save()
    first = soup(client.get(seed_article.get_absolute_url()))
    assert _body_outline(first)[-1] == "READ ALSO"
    second = soup(client.get(seed_article.get_absolute_url() + "?page=2"))
    assert _body_outline(second) == ["p"]


def test_json_ld_parses_back_with_the_required_fields(client, soup, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == seed_article.headline
    assert data["datePublished"] == "2017-05-30T08:41:00+00:00"
    assert data["dateModified"] == "2017-05-30T10:05:00+00:00"
    assert data["author"]["name"] and data["publisher"]["name"] == "Newsdesk"
    assert data["image"][0].startswith("http") and data["image"][0].endswith(".jpg")
    assert data["locationCreated"] == {"@type": "Place", "name": "Pskov"}
    assert data["mainEntityOfPage"].endswith(seed_article.get_absolute_url())


def test_open_graph_and_canonical_are_absolute(client, soup, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical.startswith("http") and canonical.endswith(seed_article.get_absolute_url())
    og = {m["property"]: m["content"] for m in page.select("meta[property]")}
    assert og["og:type"] == "article"
    assert og["og:title"] == seed_article.headline
    assert og["og:url"] == canonical
    assert og["og:image"].startswith("http")
    assert og["article:published_time"].startswith("2017-05-30T")


def test_json_ld_cannot_break_out_of_its_script_element(client, soup):
    article = ArticleFactory(headline="</script><script>alert(1)</script> Kamaz to supply trucks")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    data = json.loads(
        soup(client.get(article.get_absolute_url())).select_one('script[type="application/ld+json"]').string
    )
    assert data["headline"].startswith("</script>")


def test_multi_page_article_says_page_2_of_3(client, soup):
    body = (
        '<p>Russia\'s foreign trade went down 11.9% in 2016.</p><hr class="page-break">'
        '<p>Exports to non-CIS countries fell the most.</p><hr class="page-break">'
        "<p>Imports from China rose.</p>"
    )
    article = ArticleFactory(body=body)
    first = soup(client.get(article.get_absolute_url()))
    assert first.select_one(".pages p").get_text() == "Page 1 of 3"
    assert first.select_one(".pages a[rel=next]")["href"] == "?page=2"
    second = soup(client.get(article.get_absolute_url() + "?page=2"))
    assert second.select_one(".pages p").get_text() == "Page 2 of 3"
    assert "Exports to non-CIS" in second.select_one(".article__body").get_text()
    assert second.select_one(".dateline") is None
    assert second.select_one('link[rel="canonical"]')["href"].endswith("?page=2")
    assert second.select_one(".pages [aria-current=page]").get_text() == "2"


def test_a_single_page_article_never_talks_about_pages(client):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "1 pages" not in html and "Page 1 of 1" not in html


@pytest.mark.parametrize("page", ["0", "4", "-1", "abc", "1e3", "", "9" * 50, "２"])
def test_a_page_that_does_not_exist_is_404(client, page):
    article = ArticleFactory(
        body='<p>One.</p><hr class="page-break"><p>Two.</p><hr class="page-break"><p>Three.</p>'
    )
    assert client.get(article.get_absolute_url(), {"page": page}).status_code == 404


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client):
    article = ArticleFactory()
    response = client.get(f"/news/{article.public_id}/an-old-headline/?page=2")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() + "?page=2"
    short = client.get(f"/news/{article.public_id}/")
    assert short.status_code == 301 and short["Location"] == article.get_absolute_url()


def test_unknown_and_unpublished_articles_are_404_in_the_sites_design(client, soup):
    scheduled = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(hours=2)
    )
    draft = ArticleFactory(status=Article.Status.DRAFT)
    for url in ("/news/123/no-such-article/", scheduled.get_absolute_url(), draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        page = soup(response)
        assert page.h1.get_text() == "Page not found"
        assert page.select_one("nav[aria-label=Sections] a")


def test_withdrawn_article_answers_410_with_its_notice(client, soup):
    article = ArticleFactory()
    services.article_withdraw(article=article, by=None, note="The report was based on a forged letter.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    page = soup(response)
    assert page.h1.get_text() == "This article has been withdrawn"
    assert page.select_one(".notice").get_text() == "The report was based on a forged letter."
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "Moscow is concerned" not in page.get_text()


def test_server_error_page_renders_without_the_database(rf, django_assert_num_queries):
    from newsdesk.site.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "{{" not in response.content.decode() and "{%" not in response.content.decode()


def test_reader_pages_carry_no_inline_script_or_style(client, soup, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = soup(response)
    for script in page.select("script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
    assert not page.select("[style]") and not page.select("style")
    assert not [tag for tag in page.find_all(True) if any(attr.startswith("on") for attr in tag.attrs)]


@pytest.fixture
def most_read_shown(settings, seed_article):
    """Reads counted for the seed article, so that the Most read box (with its own CSS and JS) is on its page."""
    from newsdesk.analytics import services as analytics
    from newsdesk.analytics.backends import Read, get_backend
    from newsdesk.analytics.widgets import box_cache_clear

    settings.ANALYTICS = {**settings.ANALYTICS, "BACKEND": "database", "FLUSH_INTERVAL": 0}
    analytics.reset_state()
    box_cache_clear()
    at = timezone.now() - dt.timedelta(minutes=5)
    reads = [Read(seed_article.pk, seed_article.section_id, at, f"reader-{n}".encode()) for n in range(3)]
    get_backend().write(reads)
    yield
    analytics.reset_state()
    box_cache_clear()


def _body_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_article_page_weighs_under_60_kb_compressed(client, soup, seed_article, most_read_shown):
    """Everything the browser loads for the page but its images: the HTML and every stylesheet and script it
    links (the site's, the header widgets', the Most read box's, the read beacon's), each compressed."""
    response = client.get(seed_article.get_absolute_url())
    page = soup(response)
    assert page.select_one("[data-most-read]") is not None  # the box (and so its files) is on the page
    urls = [link["href"] for link in page.select("link[rel~=stylesheet][href]")]
    urls += [script["src"] for script in page.select("script[src]")]
    sizes = {"HTML": len(gzip.compress(response.content))}
    for url in dict.fromkeys(urls):  # a file linked twice is loaded once
        asset = client.get(url)
        assert asset.status_code == 200, url
        sizes[url] = len(gzip.compress(_body_bytes(asset)))
    names = " ".join(sizes)
    for expected in (
        "site.css",
        "site.js",
        "widgets.css",
        "city-clock.js",
        "beacon.js",
        "most-read.css",
        "most-read.js",
    ):
        assert expected in names, (expected, sizes)
    total = sum(sizes.values())
    breakdown = ", ".join(f"{name} {size:,} B" for name, size in sizes.items())
    assert total <= 60 * 1024, f"{total:,} B compressed > 60 KB: {breakdown}"
