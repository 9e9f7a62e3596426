"""Home, section, person, topic, archive, galleries, infographics and press review pages."""

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from newsdesk import urls as project_urls
from newsdesk.news import services
from newsdesk.news.models import Gallery, GalleryPhoto, Infographic, Section
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload
from tests.site.conftest import make_articles

pytestmark = pytest.mark.django_db
UTC = dt.UTC
GALLERY_CAPTIONS = [
    "Russian Foreign Minister Sergey Lavrov at a news conference in Moscow",
    "Sergey Lavrov and US Secretary of State Rex Tillerson in Moscow",
    "Sergey Lavrov at the Russian Foreign Ministry",
]


def make_gallery(*, published=True, photos=3, slug="lavrov-birthday"):
    gallery = Gallery.objects.create(
        title="Russia's top diplomat Sergey Lavrov celebrates his birthday",
        slug=slug,
        lead="Sergey Lavrov, Russia's Foreign Minister since 2004, turns 67.",
        is_published=published,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    for n in range(photos):
        photo = services.photo_create(
            image=image_upload(size=(1200, 800)),
            caption=GALLERY_CAPTIONS[n % 3],
            credit="© Valery Sharifulin/TASS",
            alt_text=GALLERY_CAPTIONS[n % 3],
        )
        GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=n)
    return gallery


def make_infographic(*, published=True, slug="gas-pipelines-2018"):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    return Infographic.objects.create(
        title="Russia's gas pipelines to Europe by 2018",
        slug=slug,
        image=SimpleUploadedFile("pipelines.svg", svg, content_type="image/svg+xml"),
        text_alternative="Nord Stream: 55 bcm a year.\n\nTurkStream: 31.5 bcm a year, from 2019.",
        source="Gazprom",
        is_published=published,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )


def test_home_shows_top_stories_in_the_editors_order(client, soup):
    second = ArticleFactory(
        top_story_rank=2, headline="Kamaz to supply at least 1,000 trucks to Philippines by 2020"
    )
    first = ArticleFactory(top_story_rank=1, publish_at=timezone.now() - dt.timedelta(days=2))
    ArticleFactory()
    top = soup(client.get("/")).select(".top-stories .card__headline a")
    assert [a["href"] for a in top] == [first.get_absolute_url(), second.get_absolute_url()]


def test_home_has_latest_news_section_blocks_galleries_and_infographics(client, soup):
    make_articles(3, section=Section.objects.get(slug="sport"))
    make_articles(5, section=Section.objects.get(slug="world"))
    make_gallery()
    make_gallery(published=False, slug="draft-gallery")
    make_infographic()
    page = soup(client.get("/"))
    assert len(page.select("#latest ~ .cards .card")) == 8
    blocks = {b.h2.get_text(): len(b.select(".card")) for b in page.select(".section-block")}
    assert blocks == {"World": 4, "Sport": 3}  # sections in the site's order, empty ones left out
    tiles = page.select(".tiles .tile")
    assert len(tiles) == 1
    assert tiles[0].select_one(".tile__count").get_text() == "3 photos"
    assert page.select_one("a[href='/infographics/gas-pipelines-2018/']")


def test_one_photo_gallery_says_1_photo(client, soup):
    make_gallery(photos=1)
    assert soup(client.get("/galleries/")).select_one(".tile__count").get_text() == "1 photo"


def test_section_page_is_that_sections_feed(client, soup):
    world = Section.objects.get(slug="world")
    mine = make_articles(2, section=world)
    make_articles(2)
    page = soup(client.get("/section/world/"))
    assert page.h1.get_text() == "World"
    assert [a["href"] for a in page.select("[data-feed] .card__headline a")] == [
        a.get_absolute_url() for a in mine
    ]
    assert page.select_one("nav[aria-label=Sections] a[aria-current=page]").get_text() == "World"
    assert client.get("/section/no-such-section/").status_code == 404


def test_person_and_topic_pages_describe_and_list_their_articles(client, soup):
    person = PersonFactory(name="Sergey Ryabkov", description="Russian Deputy Foreign Minister")
    topic = TopicFactory(name="Russia-US relations", description="Moscow's ties with Washington")
    tagged = ArticleFactory()
    tagged.persons.add(person)
    tagged.topics.add(topic)
    ArticleFactory()
    for url, name, description in (
        (person.get_absolute_url(), "Sergey Ryabkov", "Russian Deputy Foreign Minister"),
        (topic.get_absolute_url(), "Russia-US relations", "Moscow's ties with Washington"),
    ):
        page = soup(client.get(url))
        assert page.h1.get_text() == name
        assert page.select_one(".description").get_text() == description
        assert [a["href"] for a in page.select("[data-feed] .card__headline a")] == [
            tagged.get_absolute_url()
        ]


def _feed_titles(response) -> list[str]:
    """Every <title> in an RSS or Atom document: the feed's own, then its items'."""
    root = ElementTree.fromstring(response.content)
    return [element.text for element in root.iter() if element.tag.rpartition("}")[2] == "title"]


@pytest.mark.parametrize("kind", ["person", "topic"])
def test_person_and_topic_pages_link_their_own_feeds_visibly(client, soup, kind):
    owner = (
        PersonFactory(name="Sergey Ryabkov") if kind == "person" else TopicFactory(name="Russia-US relations")
    )
    tagged = ArticleFactory(headline="Moscow concerned over no breakthrough in relations with Washington")
    getattr(tagged, f"{kind}s").add(owner)
    other = ArticleFactory(headline="Kamaz to supply at least 1,000 trucks to Philippines by 2020")
    page = soup(client.get(owner.get_absolute_url()))
    links = {a["type"]: a for a in page.select("main .feed-links a")}
    assert set(links) == {"application/rss+xml", "application/atom+xml"}
    expected = {
        "application/rss+xml": (reverse(f"syndication:{kind}-rss", kwargs={"slug": owner.slug}), "RSS feed"),
        "application/atom+xml": (
            reverse(f"syndication:{kind}-atom", kwargs={"slug": owner.slug}),
            "Atom feed",
        ),
    }
    for mime, link in links.items():
        href, label = expected[mime]
        assert link["href"] == href
        visible = "".join(link.find_all(string=True, recursive=False))
        assert (
            visible == label and link.get_text() == f"{label} of {owner.name}"
        )  # its name in a list of links
        assert not link.find_parents(attrs={"hidden": True})
        feed = client.get(href)
        assert feed.status_code == 200
        assert feed["Content-Type"].startswith(mime)
        titles = _feed_titles(feed)
        assert tagged.headline in titles and other.headline not in titles


def test_archive_day_holds_the_local_days_news(client, soup):
    local = timezone.make_aware  # the site's zone, whichever the suite runs in
    inside_early = ArticleFactory(publish_at=local(dt.datetime(2017, 5, 30, 0, 30)))
    inside = ArticleFactory(publish_at=local(dt.datetime(2017, 5, 30, 11, 41)))
    ArticleFactory(publish_at=local(dt.datetime(2017, 5, 31, 0, 30)))
    ArticleFactory(publish_at=local(dt.datetime(2017, 5, 29, 23, 59)))
    response = client.get("/news/2017/05/30/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "News of 30 May 2017"
    links = [a["href"] for a in page.select("[data-feed] .card__headline a")]
    assert links == [inside.get_absolute_url(), inside_early.get_absolute_url()]
    nav = page.select_one("nav.archive-nav")
    assert nav.select_one("a[rel=prev]")["href"] == "/news/2017/05/29/"
    assert "Next day: 31 May 2017" in nav.get_text()


def test_archive_day_pages_through_a_busy_day(client, soup):
    make_articles(45, newest=dt.datetime(2017, 5, 30, 20, 0, tzinfo=UTC), step_minutes=20)
    page = soup(client.get("/news/2017/05/30/"))
    assert len(page.select("[data-feed] .card")) == 30
    second = soup(client.get(page.select_one("[data-more]")["href"]))
    cards = second.select("[data-feed] .card")
    assert 0 < len(cards) <= 15
    assert all("30 May 2017" == d.get_text() for d in second.select(".day__title"))


@pytest.mark.parametrize(
    "url",
    [
        "/news/2017/02/30/",
        "/news/2017/13/01/",
        "/news/0000/01/01/",
        "/news/0001/01/01/",
        "/news/1899/12/31/",
        "/news/2017/00/10/",
        "/news/9999/12/31/",
    ],  # fmt: skip
)
def test_impossible_or_future_dates_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/news/17/5/30/", "/news/2017/5/30/", "/news/20170/05/30/", "/news/2017/05/3x/"]
)
def test_malformed_archive_addresses_are_404(client, url):
    assert client.get(url).status_code == 404


def test_empty_archive_day_is_404_with_links_to_other_days(client, soup):
    response = client.get("/news/2017/05/30/")
    assert response.status_code == 404
    page = soup(response)
    assert "No news was published on 30 May 2017." in page.get_text()
    assert page.select_one("a[rel=prev]")


@pytest.mark.parametrize(
    ("value", "status"),
    [("2017-05-30", 302), ("", 400), ("30.05.2017", 400), ("2017-02-30", 400), ("2017-05-30T00:00", 400),
     ("9" * 5000, 400), ("٢٠١٧-٠٥-٣٠", 400)],
)  # fmt: skip
def test_archive_date_field(client, value, status):
    response = client.get("/news/archive/", {"date": value})
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/news/2017/05/30/"


def test_gallery_viewer_without_javascript_has_a_page_per_photo(client, soup):
    gallery = make_gallery()
    first = soup(client.get(gallery.get_absolute_url()))
    assert first.select_one("[data-viewer-count]").get_text() == "1 of 3"
    assert first.select_one("[data-viewer-prev]").has_attr("hidden")
    assert first.select_one("[data-viewer-next]")["href"] == gallery.get_absolute_url() + "2/"
    third = soup(client.get(gallery.get_absolute_url() + "3/"))
    assert third.select_one("[data-viewer-count]").get_text() == "3 of 3"
    assert third.select_one("[data-viewer-caption]").get_text() == GALLERY_CAPTIONS[2]
    assert third.select_one("[data-viewer-credit]").get_text() == "© Valery Sharifulin/TASS"
    assert third.select_one(".thumbs a[aria-current=true]")["data-number"] == "3"
    assert third.select_one("[data-viewer-next]").has_attr("hidden")
    assert third.title.get_text().startswith(f"{gallery.title} (photo 3 of 3)")


def test_gallery_addresses(client):
    gallery = make_gallery()
    assert client.get(gallery.get_absolute_url() + "1/")["Location"] == gallery.get_absolute_url()
    assert client.get(gallery.get_absolute_url() + "4/").status_code == 404
    assert client.get(gallery.get_absolute_url() + "0/").status_code == 404
    assert client.get(gallery.get_absolute_url() + "99999999999999999999/").status_code == 404
    hidden = make_gallery(published=False, slug="unpublished")
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_infographic_has_its_text_alternative(client, soup):
    infographic = make_infographic()
    page = soup(client.get(infographic.get_absolute_url()))
    img = page.select_one("figure img")
    assert img["alt"].startswith("Infographic: Russia's gas pipelines")
    assert img["aria-describedby"] == "infographic-text"
    text = page.select_one("#infographic-text").get_text()
    assert "Nord Stream: 55 bcm a year." in text and "TurkStream" in text
    assert client.get(make_infographic(published=False, slug="draft").get_absolute_url()).status_code == 404


def test_press_review_shows_the_digest_with_leads(client, soup):
    review = Section.objects.get(slug="pressreview")
    ArticleFactory(
        section=review,
        headline="Press review: Kremlin weighs response to new US sanctions",
        lead="Top stories in the Russian press on Tuesday, May 30",
    )
    response = client.get("/press-review/")
    assert response.status_code == 302
    page = soup(client.get(response["Location"]))
    assert page.h1.get_text() == "Press Review"
    assert page.select_one(".card__lead").get_text() == "Top stories in the Russian press on Tuesday, May 30"


def test_no_reader_page_leaks_template_syntax(client, settings):
    template = settings.TEMPLATES[0]
    options = {**template["OPTIONS"], "string_if_invalid": "TEMPLATE-GAP{%s}"}
    # The setting_changed signal rebuilds the engines (Jinja2's, for the article's parts, is always strict).
    settings.TEMPLATES = [{**template, "OPTIONS": options}, *settings.TEMPLATES[1:]]
    gallery = make_gallery()
    infographic = make_infographic()
    article = ArticleFactory(urgency=1, top_story_rank=1)
    person, topic = PersonFactory(), TopicFactory()
    urls = [
        "/", "/news/", "/news/?section=world", article.get_absolute_url(), "/section/world/",
        person.get_absolute_url(), topic.get_absolute_url(), gallery.get_absolute_url(),
        gallery.get_absolute_url() + "2/", infographic.get_absolute_url(), "/galleries/", "/infographics/",
        f"/news/{timezone.localdate():%Y/%m/%d}/", "/news/2017/05/30/", "/no-such-page/", "/news/?before=x",
    ]  # fmt: skip
    for url in urls:
        html = client.get(url).content.decode()
        assert "TEMPLATE-GAP" not in html, (url, html[html.find("TEMPLATE-GAP") - 200 :][:400])
        assert "{{" not in html and "{%" not in html, url


# A test-only URL conf (used with @pytest.mark.urls): the project's URLs and error handlers, plus a view that fails.
def _failing_view(request):
    raise RuntimeError("Test failure {{ headline }} in a view: the reader must never see this")


urlpatterns = [path("failing-view-for-tests/", _failing_view), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_a_failing_view_answers_500_with_the_sites_friendly_page(soup, settings):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False)  # as a server does: the handler500 page, not the exception
    response = client.get("/failing-view-for-tests/")
    assert response.status_code == 500
    html = response.content.decode()
    page = soup(response)
    stylesheet = page.select_one("link[rel=stylesheet]")["href"]
    assert stylesheet.endswith("/site/site.css")
    assert client.get(stylesheet).status_code == 200
    assert page.select_one("header .brand").get_text() == settings.NEWSDESK_SITE_NAME
    assert page.h1.get_text() == "Something went wrong on our side"
    assert page.select_one("main a[href='/']").get_text() == "front page"
    for leak in ("Traceback", "RuntimeError", "Test failure", "_failing_view", "{{", "{%"):
        assert leak not in html, leak
    assert "no-store" in response["Cache-Control"]  # an outage page must not be kept by caches
