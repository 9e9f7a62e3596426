"""Home and feed pages are the kept frame filled with the page's own blocks (fragments.render_page), and the
lists in them are written in Python from one read: the bytes are what Django's own render writes, and nothing
kept outlives a change."""

import datetime as dt
import re

import pytest
from django.shortcuts import render
from django.utils import timezone

from newsdesk.news import selectors, services
from newsdesk.news.models import Article, Section
from newsdesk.site import fragments
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload
from tests.site.conftest import make_articles
from tests.site.test_pages import make_gallery, make_infographic

pytestmark = pytest.mark.django_db
# The live hook's render time (milliseconds): differs between any two renders.
SINCE = re.compile(rb'data-live-since="\d+"')


@pytest.fixture
def site_with_everything():
    """Every kind of item the home and feed pages list, with the details that change their markup: urgent
    items, a top story with a photo, names to escape, a person, a topic, several days, backfill."""
    world, sport = Section.objects.get(slug="world"), Section.objects.get(slug="sport")
    photo = services.photo_create(
        image=image_upload(size=(800, 450)),
        caption="Russian Foreign Minister Sergey Lavrov",
        credit="© Valery Sharifulin/TASS",
        alt_text='Sergey Lavrov at a "news" conference & more',
    )
    ArticleFactory(top_story_rank=1, lead_photo=photo, urgency=1, headline="Putin & Trump <meet> in Hamburg")
    ArticleFactory(top_story_rank=2, section=world)
    articles = make_articles(20, section=world, step_minutes=97) + make_articles(5, section=sport)
    Article.objects.filter(pk=articles[3].pk).update(urgency=2)
    Article.objects.filter(pk=articles[4].pk).update(is_backfill=True)
    person, topic = PersonFactory(name="Sergey Ryabkov"), TopicFactory(name="Russia-US relations")
    for article in articles[:6]:
        article.persons.add(person)
        article.topics.add(topic)
    make_gallery(photos=2)
    make_gallery(photos=1, slug="one-photo")
    make_infographic()
    return {"person": person, "topic": topic, "day": timezone.localdate(articles[10].publish_at)}


def _pages(data) -> list[str]:
    day = data["day"]
    return [
        "/",
        "/news/",
        "/news/?section=world&section=sport",
        "/section/world/",
        "/section/pressreview/",
        data["person"].get_absolute_url(),
        data["topic"].get_absolute_url(),
        f"/news/{day:%Y/%m/%d}/",
        "/news/2001/01/01/",  # a 404 in the same frame
    ]


def _django_render(request, template_name, context, *, status=200):
    return render(request, template_name, context, status=status)


def test_pages_are_the_bytes_djangos_render_writes(client, site_with_everything, monkeypatch):
    kept = {url: client.get(url) for url in _pages(site_with_everything)}
    monkeypatch.setattr(fragments, "render_page", _django_render)
    for url, response in kept.items():
        expected = client.get(url)
        assert response.status_code == expected.status_code, url
        assert SINCE.sub(b"", response.content) == SINCE.sub(b"", expected.content), url


def test_a_change_shows_at_once_on_pages_with_kept_parts(client, soup, site_with_everything):
    world = Section.objects.get(slug="world")
    for url in ("/", "/news/", "/section/world/"):
        client.get(url)  # keep the frame and the cards
    newest, second = Article.objects.filter(section=world, top_story_rank=None).order_by("-publish_at")[:2]
    # Updates that no signal announces: only the rows change, one thing each.
    Article.objects.filter(pk=newest.pk).update(headline="Kremlin comments on the summit")
    Article.objects.filter(pk=second.pk).update(urgency=1)
    for url in ("/", "/news/", "/section/world/"):
        page = soup(client.get(url))
        headlines = [a.get_text() for a in page.select(".card__headline a")]
        assert "Kremlin comments on the summit" in headlines and newest.headline not in headlines, url
        urgent = [a.get_text() for a in page.select(".card--urgent .card__headline a")]
        assert second.headline in urgent, url
    Section.objects.filter(pk=world.pk).update(name="World news")
    for url in ("/", "/news/", "/section/world/"):
        page = soup(client.get(url))
        assert "World news" in [a.get_text() for a in page.select("nav[aria-label=Sections] a")], url
    page = soup(client.get("/section/world/"))
    assert page.select_one("nav[aria-label=Sections] a[aria-current=page]").get_text() == "World news"
    page = soup(client.get("/news/"))
    assert "World news" in [a.get_text() for a in page.select(".card__meta a")]  # the cards' section links


def test_changed_photos_galleries_and_infographics_show_at_once_on_the_home_page(
    client, soup, site_with_everything
):
    from newsdesk.news.models import Gallery, GalleryPhoto, Infographic, Photo

    client.get("/")  # keep the lead photo, the tiles and the links
    lead = Article.objects.get(top_story_rank=1).lead_photo
    Photo.objects.filter(pk=lead.pk).update(alt_text="Sergey Lavrov in Pskov", width=640, height=360)
    GalleryPhoto.objects.create(gallery=Gallery.objects.get(slug="one-photo"), photo=lead, order=5)
    Gallery.objects.filter(slug="lavrov-birthday").update(title="Lavrov in Pskov")
    Infographic.objects.update(title="Russia's gas pipelines to Asia")
    page = soup(client.get("/"))
    photo = page.select_one(".top-stories .card__photo")
    assert (photo["alt"], photo["width"], photo["height"]) == ("Sergey Lavrov in Pskov", "640", "360")
    tiles = {
        t.select_one(".tile__title").get_text(): t.select_one(".tile__count").get_text()
        for t in page.select(".tile")
    }
    assert tiles == {"Lavrov in Pskov": "2 photos", Gallery.objects.get(slug="one-photo").title: "2 photos"}
    assert "Russia's gas pipelines to Asia" in [a.get_text() for a in page.select(".link-list a")]


def test_home_page_reads_what_the_separate_selectors_read(site_with_everything):
    # Also: a ranked story that readers may not see yet, and a withdrawn one.
    ArticleFactory(top_story_rank=3, publish_at=timezone.now() + dt.timedelta(hours=1), status="scheduled")
    withdrawn = ArticleFactory(top_story_rank=4)
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    sections = selectors.sections_all()
    at = timezone.now()
    page = selectors.home_page(sections=sections, latest=12, at=at)
    assert [c.id for c in page.top_stories] == [c.id for c in selectors.top_story_cards(at=at)]
    assert [c.id for c in page.latest] == [c.id for c in selectors.feed_page(limit=12, at=at).articles]
    assert [(s.slug, [c.id for c in cards]) for s, cards in page.section_blocks] == [
        (s.slug, [c.id for c in cards]) for s, cards in selectors.section_blocks(sections=sections, at=at)
    ]
    assert page.galleries == selectors.gallery_cards(at=at)
    assert page.infographics == selectors.infographic_links(at=at)
    assert page.lead_photo.pk == page.top_stories[0].lead_photo_id


def test_home_section_blocks_leave_out_backfill_and_empty_sections(site_with_everything):
    page = selectors.home_page(sections=selectors.sections_all())
    listed = [card for _, cards in page.section_blocks for card in cards]
    assert not any(card.is_backfill for card in listed)
    assert {s.slug for s, _ in page.section_blocks} == {"politics", "world", "sport"}
