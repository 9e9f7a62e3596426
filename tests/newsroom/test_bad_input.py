"""Hostile and malformed newsroom input: a clear error each time, never a 500, nothing stored half way."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from newsdesk.news.models import Article, Photo, Revision
from tests.factories import ArticleFactory
from tests.news.images import GPS_IFD, camera_exif, jpeg_bytes, png_header_only, upload

from .helpers import add_url, article_form_data, change_url, counts

Status = Article.Status
pytestmark = pytest.mark.django_db


def form_errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return dict(form.errors)


# --- article HTML ----------------------------------------------------------------------------------------


def test_scripts_handlers_and_foreign_iframes_are_stripped_on_save(editor_client, politics):
    body = (
        "<p>Ryabkov said<script>alert(document.cookie)</script> so.</p>"
        '<p><img src="/media/a.jpg" alt="" onerror="alert(1)"><a href="javascript:alert(1)">link</a></p>'
        "<style>body{display:none}</style>"
        '<iframe src="https://evil.example/phish"></iframe>'
        '<iframe src="https://www.youtube-nocookie.com/embed/abc" onload="x()"></iframe>'
    )
    data = article_form_data(section=str(politics.pk), body=body)
    assert editor_client.post(add_url(), data).status_code == 302
    stored = Article.objects.get().body
    for bad in (
        "<script",
        "alert",
        "onerror",
        "javascript:",
        "<style",
        "display:none",
        "evil.example",
        "onload",
    ):
        assert bad not in stored
    assert "<p>Ryabkov said so.</p>" in stored
    assert stored.count("<iframe") == 1 and "youtube-nocookie.com/embed/abc" in stored
    assert Article.objects.get().revisions.get().snapshot["body"] == stored


def test_body_that_is_only_hostile_markup_is_a_form_error(editor_client, politics):
    before = counts()
    data = article_form_data(section=str(politics.pk), body="<script>alert(1)</script><style>p{}</style>")
    errors = form_errors(editor_client.post(add_url(), data))
    assert "body" in errors
    assert counts() == before


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"dateline_date": "2017-02-30"}, "dateline_date"),
        ({"dateline_date": "May 30th"}, "dateline_date"),
        ({"publish_at_0": "2017-13-01", "publish_at_1": "11:41:00"}, "publish_at"),
        ({"publish_at_0": "2017-05-30", "publish_at_1": "25:61:00"}, "publish_at"),
        ({"publish_at_0": "2017-05-30", "publish_at_1": ""}, "publish_at"),
        ({"publish_at_0": "0001-01-01", "publish_at_1": "00:00:00"}, "publish_at"),
        ({"publish_at_0": "9999-12-31", "publish_at_1": "23:59:59"}, "publish_at"),
        ({"publish_at_0": "2010-03-28", "publish_at_1": "02:30:00"}, "publish_at"),  # skipped by Moscow's DST
    ],
)
def test_invalid_dates_are_form_errors_and_store_nothing(editor_client, politics, fields, field):
    before = counts()
    data = article_form_data(section=str(politics.pk), status=Status.PUBLISHED, **fields)
    assert field in form_errors(editor_client.post(add_url(), data))
    assert counts() == before


def test_invalid_date_on_edit_leaves_the_article_as_it_was(editor_client):
    article = ArticleFactory()
    before = (counts(), Article.objects.filter(pk=article.pk).values().get())
    data = article_form_data(article, headline="New headline", dateline_date="2017-02-30")
    assert "dateline_date" in form_errors(editor_client.post(change_url(article), data))
    assert (counts(), Article.objects.filter(pk=article.pk).values().get()) == before


# --- slugs and other fields --------------------------------------------------------------------------------


def test_duplicate_slug_on_add_is_a_clear_error(editor_client, politics):
    ArticleFactory(slug="moscow-concerned")
    before = counts()
    data = article_form_data(section=str(politics.pk), slug="moscow-concerned")
    errors = form_errors(editor_client.post(add_url(), data))
    assert errors["slug"] == ["Article with this Slug already exists."]
    assert counts() == before


def test_duplicate_slug_on_edit_leaves_both_articles_as_they_were(editor_client):
    ArticleFactory(slug="moscow-concerned")
    article = ArticleFactory(slug="kamaz-trucks")
    before = (counts(), list(Article.objects.order_by("pk").values()))
    data = article_form_data(article, slug="moscow-concerned", headline="A new headline")
    assert "slug" in form_errors(editor_client.post(change_url(article), data))
    assert (counts(), list(Article.objects.order_by("pk").values())) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headline": "x" * 301}, "headline"),
        ({"headline": ""}, "headline"),
        ({"slug": "not a slug!"}, "slug"),
        ({"urgency": "9"}, "urgency"),
        ({"urgency": "flash"}, "urgency"),
        ({"section": "999999"}, "section"),
        ({"section": "politics"}, "section"),
        ({"status": "live"}, "status"),
        ({"persons": ["999999"]}, "persons"),
        ({"lead_photo": "abc"}, "lead_photo"),
        ({"lead_photo": "99999999999999999999999"}, "lead_photo"),
        ({"topics": ["abc", "1"]}, "topics"),
        ({"read_also_after": "-1"}, "read_also_after"),
    ],
)
def test_bad_field_values_are_form_errors(editor_client, politics, fields, field):
    before = counts()
    data = article_form_data(section=str(politics.pk)) | fields
    assert field in form_errors(editor_client.post(add_url(), data))
    assert counts() == before


def test_bad_inline_rows_store_nothing(editor_client, politics):
    before = counts()
    data = article_form_data(section=str(politics.pk))
    data.update(
        {
            "other_media-TOTAL_FORMS": "1",
            "other_media-0-order": "0",
            "other_media-0-title": "Trump's travels",
            "other_media-0-outlet": "Reuters",
            "other_media-0-url": "javascript:alert(1)",
            "read_also-TOTAL_FORMS": "1",
            "read_also-0-order": "0",
            "read_also-0-target": "999999",
            "read_also-0-title": "",
        }
    )
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert counts() == before


def test_broken_inline_management_form_is_not_a_500(editor_client, politics):
    data = article_form_data(section=str(politics.pk))
    data["read_also-TOTAL_FORMS"] = "many"
    response = editor_client.post(add_url(), data)
    assert response.status_code in (200, 400)
    assert Article.objects.count() == 0


def test_newsroom_search_with_odd_terms_is_not_a_500(editor_client):
    article = ArticleFactory()
    url = reverse("admin:news_article_changelist")
    for term in ("Moscow", str(article.public_id), "99999999999999999999999", "'; DROP TABLE", "%", "\x00"):
        response = editor_client.get(url, {"q": term})
        assert response.status_code == 200, term
    found = editor_client.get(url, {"q": str(article.public_id)}).content.decode()
    assert change_url(article) in found


# --- photo uploads through the newsroom -------------------------------------------------------------------


def photo_post(client, data: bytes, name="photo.jpg", **fields):
    payload = {
        "caption": "US President Donald Trump",
        "credit": "© AP Photo/Carolyn Kaster",
        "alt_text": "Trump",
    }
    payload |= fields
    payload["image"] = upload(data, name)
    return client.post(reverse("admin:news_photo_add"), payload)


def media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files] if os.path.isdir(root) else []


def test_photo_upload_strips_metadata_and_makes_renditions(editor_client, settings):
    response = photo_post(editor_client, jpeg_bytes(exif=camera_exif()))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.credit == "© AP Photo/Carolyn Kaster"
    with Image.open(photo.image.path) as stored:
        assert dict(stored.getexif()) == {} and stored.getexif().get_ifd(GPS_IFD) == {}
    with open(photo.image.path, "rb") as fh:
        assert b"Canon" not in fh.read()
    assert photo.renditions
    # Only the cleaned file and its renditions are on disk: the raw upload was never written.
    assert len(media_files(settings)) == 1 + len(photo.renditions)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Moscow is concerned as no serious breakthrough has been seen.", "notes.jpg"),
        (jpeg_bytes()[:3000], "truncated.jpg"),
        (b"", "empty.jpg"),
        (png_header_only(50_000, 50_000), "bomb.png"),
    ],
)
def test_malformed_photo_uploads_are_form_errors(editor_client, settings, data, name):
    response = photo_post(editor_client, data, name)
    errors = form_errors(response)
    assert "image" in errors
    assert Photo.objects.count() == 0
    assert media_files(settings) == []


def test_photo_over_the_byte_limit(editor_client, settings):
    data = jpeg_bytes((800, 600))
    settings.NEWSDESK_IMAGE_MAX_BYTES = len(data) // 2
    errors = form_errors(photo_post(editor_client, data))
    assert "the limit is" in " ".join(errors["image"])
    assert Photo.objects.count() == 0 and media_files(settings) == []


def test_photo_over_the_pixel_limit(editor_client, settings):
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 500_000
    errors = form_errors(photo_post(editor_client, jpeg_bytes((1200, 800))))
    assert "1200×800 pixels" in " ".join(errors["image"])
    assert Photo.objects.count() == 0 and media_files(settings) == []


@pytest.mark.parametrize("missing", ["caption", "credit"])
def test_photo_needs_caption_and_credit(editor_client, settings, missing):
    errors = form_errors(photo_post(editor_client, jpeg_bytes(), **{missing: "  "}))
    assert missing in errors
    assert Photo.objects.count() == 0 and media_files(settings) == []


def test_photo_upload_oversized_request_body_is_refused(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = editor_client.post(
        reverse("admin:news_photo_add"), {"caption": "x" * 4000, "credit": "y", "alt_text": "z"}
    )
    assert response.status_code == 400
    assert Photo.objects.count() == 0 and Revision.objects.count() == 0


def test_photo_file_is_replaced_on_change_only_by_a_clean_image(editor_client):
    assert photo_post(editor_client, jpeg_bytes((800, 600))).status_code == 302
    photo = Photo.objects.get()
    name = photo.image.name
    payload = {
        "caption": "New caption",
        "credit": "© TASS",
        "alt_text": "Trump",
        "image": upload(b"not an image"),
    }
    response = editor_client.post(reverse("admin:news_photo_change", args=[photo.pk]), payload)
    assert "image" in form_errors(response)
    photo.refresh_from_db()
    assert (photo.image.name, photo.caption) == (name, "US President Donald Trump")
    with photo.image.open("rb") as fh, Image.open(io.BytesIO(fh.read())) as img:
        assert img.size == (800, 600)
