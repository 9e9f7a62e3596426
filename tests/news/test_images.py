"""Uploaded images: real images only, within byte and pixel limits, metadata stripped, caption and credit."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import Image

from newsdesk.news.images import RENDITION_WIDTHS, clean_image
from newsdesk.news.models import Photo
from newsdesk.news.services import photo_create

from .images import GPS_IFD, camera_exif, jpeg_bytes, png_header_only, upload

pytestmark = pytest.mark.django_db
CAPTION = "US President Donald Trump"
CREDIT = "© AP Photo/Carolyn Kaster"


def create(data: bytes, name="photo.jpg", **kw) -> Photo:
    args = {"caption": CAPTION, "credit": CREDIT, "alt_text": "Donald Trump at a lectern"} | kw
    return photo_create(image=upload(data, name), **args)


def stored_files() -> list[str]:
    try:
        _, files = default_storage.listdir("photos")
    except FileNotFoundError:
        return []
    found = []
    for year in default_storage.listdir("photos")[0]:
        for month in default_storage.listdir(f"photos/{year}")[0]:
            found += default_storage.listdir(f"photos/{year}/{month}")[1]
    return found + files


def test_real_jpeg_is_stored_with_renditions():
    photo = create(jpeg_bytes((1600, 900)))
    assert (photo.width, photo.height) == (1600, 900)
    assert photo.caption == CAPTION and photo.credit == CREDIT
    assert sorted(photo.renditions, key=int) == [str(w) for w in RENDITION_WIDTHS]
    with default_storage.open(photo.renditions["480"]) as fh, Image.open(fh) as small:
        assert small.format == "WEBP" and small.width == 480


def test_exif_and_gps_are_stripped_from_the_stored_image():
    original = jpeg_bytes(exif=camera_exif())
    with Image.open(io.BytesIO(original)) as img:  # the fixture really carries them
        assert img.getexif().get_ifd(GPS_IFD)[1] == "N"
    photo = create(original)
    with default_storage.open(photo.image.name) as fh:
        data = fh.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert stored.getexif().get_ifd(GPS_IFD) == {}
        assert "exif" not in stored.info
    assert b"Canon" not in data and b"Ivan Petrov" not in data
    for name in photo.renditions.values():
        with default_storage.open(name) as fh:
            assert b"Canon" not in fh.read()


def test_exif_orientation_is_applied_before_it_is_stripped():
    photo = create(jpeg_bytes((1600, 900), exif=camera_exif(orientation=6)))  # "rotate 90° clockwise"
    assert (photo.width, photo.height) == (900, 1600)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Moscow is concerned as no serious breakthrough has been seen.", "notes.jpg"),
        (jpeg_bytes()[:2000], "truncated.jpg"),
        (b"", "empty.jpg"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, "header-only.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image.png"),
    ],
)
def test_malformed_uploads_are_refused_and_nothing_is_stored(data, name):
    with pytest.raises(ValidationError) as excinfo:
        create(data, name)
    assert "image" in " ".join(excinfo.value.messages)
    assert Photo.objects.count() == 0
    assert stored_files() == []


def test_bytes_over_the_limit_are_refused_with_the_limit_in_the_message(settings):
    data = jpeg_bytes((800, 600))
    settings.NEWSDESK_IMAGE_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as excinfo:
        create(data)
    message = " ".join(excinfo.value.messages)
    assert excinfo.value.code == "too_large"
    assert "0 MB" not in message  # a limit below a megabyte is still stated precisely
    assert "KB" in message
    assert Photo.objects.count() == 0 and stored_files() == []


def test_pixels_over_the_limit_are_refused(settings):
    settings.NEWSDESK_IMAGE_MAX_PIXELS = 1000 * 1000
    with pytest.raises(ValidationError) as excinfo:
        create(jpeg_bytes((1200, 900)))
    assert excinfo.value.code == "too_many_pixels"
    assert "1200×900" in excinfo.value.messages[0]
    assert Photo.objects.count() == 0 and stored_files() == []


def test_decompression_bomb_is_refused_as_too_many_pixels():
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(png_header_only(50_000, 50_000), "bomb.png", "image/png"))
    assert excinfo.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    ("caption", "credit"), [("", CREDIT), (CAPTION, ""), ("   ", CREDIT), (CAPTION, " \n")]
)
def test_caption_and_credit_are_required(caption, credit):
    with pytest.raises(ValidationError):
        create(jpeg_bytes(), caption=caption, credit=credit)
    assert Photo.objects.count() == 0 and stored_files() == []
