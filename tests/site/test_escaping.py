"""Every reader page escapes what editors and readers type exactly once: a headline, a caption, a person's name,
a gallery or infographic title and a search query with markup and quotes in them show as that text — never as
markup (raw), never with the entities themselves showing (escaped twice)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Gallery, GalleryPhoto, Infographic
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload

pytestmark = pytest.mark.django_db

HOSTILE = "He said \"<script>alert('x')</script>\" & <b>left</b>"
RAW = ("<script>alert(", "<b>left</b>")
TWICE = ("&amp;lt;", "&amp;gt;", "&amp;#", "&amp;amp;", "&amp;quot;")


@pytest.fixture
def hostile_site():
    photo = services.photo_create(
        image=image_upload(size=(800, 450)), caption=f"Caption: {HOSTILE}", credit="© TASS", alt_text=HOSTILE
    )
    person = PersonFactory(name=f"Person {HOSTILE}", description=HOSTILE)
    topic = TopicFactory(name=f"Topic {HOSTILE}")
    article = ArticleFactory(
        headline=HOSTILE, lead=f"Lead {HOSTILE}", byline=HOSTILE, lead_photo=photo, top_story_rank=1
    )
    article.persons.add(person)
    article.topics.add(topic)
    services.article_correct(article=article, by=None, note=f"Note {HOSTILE}")
    withdrawn = ArticleFactory(headline=f"Withdrawn {HOSTILE}")
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    gallery = Gallery.objects.create(
        title=f"Gallery {HOSTILE}",
        slug="hostile",
        lead=HOSTILE,
        is_published=True,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=0)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    infographic = Infographic.objects.create(
        title=f"Infographic {HOSTILE}",
        slug="hostile",
        image=SimpleUploadedFile("i.svg", svg, content_type="image/svg+xml"),
        text_alternative=f"Text {HOSTILE}\n\nMore {HOSTILE}",
        source=HOSTILE,
        is_published=True,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )
    day = timezone.localdate(article.publish_at)
    # Each page, and texts it must show (as text, once) where the hostile value is.
    return {
        "/": [HOSTILE, f"Gallery {HOSTILE}", f"Infographic {HOSTILE}"],
        "/news/": [HOSTILE],
        f"/section/{article.section.slug}/": [HOSTILE],
        f"/news/{day:%Y/%m/%d}/": [HOSTILE],
        article.get_absolute_url(): [
            HOSTILE,
            f"Lead {HOSTILE}",
            f"By {HOSTILE}",
            f"Caption: {HOSTILE}",
            f"Person {HOSTILE}",
            f"Topic {HOSTILE}",
        ],
        person.get_absolute_url(): [f"Person {HOSTILE}", HOSTILE],
        topic.get_absolute_url(): [f"Topic {HOSTILE}"],
        withdrawn.get_absolute_url(): [f"“Withdrawn {HOSTILE}” was withdrawn"],
        "/galleries/": [f"Gallery {HOSTILE}"],
        gallery.get_absolute_url(): [f"Gallery {HOSTILE}", HOSTILE, f"Caption: {HOSTILE}"],
        "/infographics/": [f"Infographic {HOSTILE}"],
        infographic.get_absolute_url(): [f"Infographic {HOSTILE}", f"Text {HOSTILE}", f"More {HOSTILE}"],
        "/search/?q=" + "%22%3Cscript%3E%22%20%26%20%27x%27": ["\"<script>\" & 'x'"],
    }


def test_typed_values_are_escaped_exactly_once_on_every_reader_page(client, soup, hostile_site):
    for url, shown in hostile_site.items():
        response = client.get(url)
        assert response.status_code in (200, 410), url
        html = response.content.decode()
        for raw in RAW:
            assert raw not in html, (url, raw)
        for twice in TWICE:
            assert twice not in html, (url, twice)
        text = soup(response).get_text()
        for value in shown:
            assert value in text, (url, value)


def test_attributes_and_json_keep_the_value_too(client, soup, hostile_site):
    article = Article.objects.get(headline=HOSTILE)
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one('meta[property="og:title"]')["content"] == HOSTILE
    assert page.select_one(".lead-photo img")["alt"] == HOSTILE
    assert json.loads(page.select_one('script[type="application/ld+json"]').string)["headline"] == HOSTILE
    gallery = soup(client.get(Gallery.objects.get().get_absolute_url()))
    assert gallery.select_one("[data-slide]")["data-caption"] == f"Caption: {HOSTILE}"
    search = soup(client.get("/search/?q=%22%3Cscript%3E%22%20%26%20%27x%27"))
    assert search.select_one("#q")["value"] == "\"<script>\" & 'x'"


def test_other_reader_pages_render_with_nothing_raw(client):
    for url in ("/markets/", "/weather/", "/privacy/", "/no-such-page/", "/news/?before=damaged<b>"):
        html = client.get(url).content.decode()
        for twice in TWICE:
            assert twice not in html, (url, twice)
