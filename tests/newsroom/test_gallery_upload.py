"""Many photos into a gallery in one form, over HTTP: each through the photo library's checks and re-encoding, a
caption and credit each, in the order sent; one bad file refuses the batch with a message naming it, and nothing of
it is stored (no photo row, no gallery item, no file)."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from newsdesk.news import services
from newsdesk.news.images import clean_image
from newsdesk.news.models import Gallery, GalleryPhoto, Photo
from tests.factories import image_upload


@pytest.fixture
def gallery(db):
    return Gallery.objects.create(title="Victory Day parade in Moscow", slug="victory-day-parade")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_url(gallery) -> str:
    return reverse("admin:news_gallery_photos", args=[gallery.pk])


def jpeg_with_gps(name: str, colour) -> SimpleUploadedFile:
    """A camera's JPEG: with its maker and where it was taken. ``colour`` None: noise, which compresses badly."""
    img = (
        Image.effect_noise((1600, 1000), 80).convert("RGB")
        if colour is None
        else Image.new("RGB", (1600, 1000), colour)
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (55.0, 45.0, 0.0)}  # GPS latitude: where the photographer stood
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.django_db
def test_three_photos_in_one_form_in_the_order_sent(editor_client, gallery, media):
    existing = services.gallery_photos_add(
        gallery=gallery,
        sequence=[
            services.GalleryUpload(clean=clean_image(image_upload("old.jpg")), caption="Old", credit="© TASS")
        ],
    )[0]
    files = [jpeg_with_gps(f"parade-{n}.jpg", colour) for n, colour in enumerate(["red", "green", "blue"])]
    data = {
        "photos": files,
        "caption_0": "Tanks on Red Square",
        "credit_0": "© TASS/Sergei Bobylev",
        "caption_1": "Veterans at the parade",
        "credit_1": "",  # the shared credit below
        "alt_1": "Veterans with medals",
        "caption_2": "Fireworks over the Kremlin",
        "credit_2": "© AP Photo",
        "credit_all": "© TASS/Mikhail Metzel",
        # the rows as the editor left them: the third new photo first, the old one between the others
        "order": ["n2", "n0", f"e{existing.pk}", "n1", "n7", "e99999", "garbage"],
    }
    response = editor_client.post(upload_url(gallery), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("admin:news_gallery_change", args=[gallery.pk])

    items = list(gallery.items.select_related("photo").order_by("order"))
    assert [(i.photo.caption, i.photo.credit) for i in items] == [
        ("Fireworks over the Kremlin", "© AP Photo"),
        ("Tanks on Red Square", "© TASS/Sergei Bobylev"),
        ("Old", "© TASS"),
        ("Veterans at the parade", "© TASS/Mikhail Metzel"),
    ]
    assert [i.order for i in items] == [0, 1, 2, 3]
    veterans = items[3].photo
    assert (
        veterans.alt_text == "Veterans with medals"
        and items[0].photo.alt_text == "Fireworks over the Kremlin"
    )
    for item in items:
        with Image.open(item.photo.image.path) as img:
            assert img.size[0] == 1600 and not img.getexif()  # re-encoded: no maker, no GPS
        assert set(item.photo.renditions) == {"480", "800", "1200"}
    page = editor_client.get(reverse("admin:news_gallery_change", args=[gallery.pk])).content.decode()
    assert "3 photos added to the gallery" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"These are my notes, not a photo", content_type="image/jpeg"),
         "notes.jpg: This file is not a readable image (JPEG, PNG, WebP or GIF)."),
        ("too big", "huge.jpg: The image is"),
        ("no caption", "parade-1.jpg: Write its caption."),
    ],
)  # fmt: skip
def test_one_bad_file_refuses_the_batch_and_nothing_is_stored(
    editor_client, gallery, media, settings, bad, message
):
    files = [jpeg_with_gps("parade-0.jpg", "red"), jpeg_with_gps("parade-1.jpg", "green")]
    data = {"caption_0": "Tanks", "caption_1": "Veterans", "credit_all": "© TASS"}
    if bad == "too big":
        huge = jpeg_with_gps("huge.jpg", None)
        settings.NEWSDESK_IMAGE_MAX_BYTES = huge.size - 1
        files.append(huge)
        data["caption_2"] = "Too big"
    elif bad == "no caption":
        data["caption_1"] = ""
    else:
        files.append(bad)
        data["caption_2"] = "Notes"
    response = editor_client.post(upload_url(gallery), {"photos": files, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was uploaded" in page and message in page.replace("&#x27;", "'")
    assert "parade-0.jpg:" not in page  # only the file at fault is named
    assert not Photo.objects.exists() and not GalleryPhoto.objects.exists()
    assert stored_files(media) == []
    assert "&quot;Tanks&quot;" in page  # what was typed comes back, for the files chosen again


@pytest.mark.django_db
def test_no_file_or_too_many_is_a_clear_400(editor_client, gallery, media, monkeypatch):
    response = editor_client.post(upload_url(gallery), {"credit_all": "© TASS"})
    assert response.status_code == 400 and "Choose the photos to upload" in response.content.decode()
    monkeypatch.setattr("newsdesk.newsroom.galleries.MAX_FILES", 1)
    files = [jpeg_with_gps("a.jpg", "red"), jpeg_with_gps("b.jpg", "red")]
    response = editor_client.post(
        upload_url(gallery), {"photos": files, "caption_all": "A", "credit_all": "B"}
    )
    assert response.status_code == 400 and "upload at most 1 at a time" in response.content.decode()
    assert not Photo.objects.exists() and stored_files(media) == []


@pytest.mark.django_db
def test_a_failed_save_deletes_the_files_it_had_stored(gallery, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(GalleryPhoto.objects, "bulk_create", fail)
    upload = services.GalleryUpload(clean=clean_image(image_upload()), caption="A", credit="B")
    with pytest.raises(RuntimeError):
        services.gallery_photos_add(gallery=gallery, sequence=[upload])
    assert not Photo.objects.exists() and stored_files(media) == []


@pytest.mark.django_db
def test_reporters_cannot_upload_to_galleries(reporter_client, gallery, media):
    assert reporter_client.get(upload_url(gallery)).status_code == 403
    response = reporter_client.post(
        upload_url(gallery), {"photos": [image_upload()], "caption_all": "A", "credit_all": "B"}
    )
    assert response.status_code == 403 and not Photo.objects.exists()


@pytest.mark.django_db
def test_a_new_gallery_goes_on_to_its_photos(editor_client, media):
    response = editor_client.post(
        reverse("admin:news_gallery_add"),
        {
            "title": "Spring in Moscow",
            "slug": "spring-in-moscow",
            "lead": "",
            "section": "",
            "publish_at_0": "",
            "publish_at_1": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    gallery = Gallery.objects.get()
    assert response.status_code == 302 and response["Location"] == upload_url(gallery)
    page = editor_client.get(reverse("admin:news_gallery_change", args=[gallery.pk])).content.decode()
    assert f'href="{upload_url(gallery)}"' in page
