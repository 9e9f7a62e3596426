"""Uploaded images: prove they are real images within limits, strip metadata, make responsive renditions."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
RENDITION_WIDTHS = (480, 800, 1200)


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    extension: str
    width: int
    height: int


def clean_image(upload) -> CleanImage:
    """Re-encode the upload from its pixels only, so EXIF/GPS/XMP metadata never reaches readers."""
    data = _read_within_limit(upload)
    fmt = _probe(data)
    try:
        with Image.open(io.BytesIO(data)) as img:
            clean = _pixels_only(ImageOps.exif_transpose(img))
            out = io.BytesIO()
            save_fmt = "PNG" if fmt == "GIF" else fmt  # one still frame; an animation is not a news photo
            clean.save(out, format=save_fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError("The image data is damaged and cannot be decoded.", code="invalid") from exc
    ext = "png" if fmt == "GIF" else ACCEPTED_FORMATS[fmt]
    return CleanImage(ContentFile(out.getvalue()), ext, clean.width, clean.height)


def check_upload(upload) -> None:
    """clean_image's byte, format and pixel checks without decoding: the precise reason an upload is refused,
    where Django's own image field says only "not a valid image" (for a decompression bomb, say)."""
    _probe(_read_within_limit(upload))


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _too_large(size: int | None) -> ValidationError:
    limit = human_size(settings.NEWSDESK_IMAGE_MAX_BYTES)
    what = f"The image is {human_size(size)}" if size is not None else "The image is larger than the limit"
    return ValidationError(f"{what}; the limit is {limit}. Upload a smaller file.", code="too_large")


def _read_within_limit(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > settings.NEWSDESK_IMAGE_MAX_BYTES:
        raise _too_large(size)
    upload.seek(0)
    data = upload.read(settings.NEWSDESK_IMAGE_MAX_BYTES + 1)
    if len(data) > settings.NEWSDESK_IMAGE_MAX_BYTES:
        raise _too_large(None)
    return data


def _probe(data: bytes) -> str:
    """The image's format, after checking it is one we take and within the pixel limit (before decoding)."""
    limit = settings.NEWSDESK_IMAGE_MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt, (width, height) = probe.format, probe.size
            probe.verify()
    except Image.DecompressionBombError as exc:
        message = f"The image has too many pixels; the limit is {limit:,}."
        raise ValidationError(message, code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        message = "This file is not a readable image (JPEG, PNG, WebP or GIF)."
        raise ValidationError(message, code="invalid") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(f"{fmt} images are not accepted; use JPEG, PNG, WebP or GIF.", code="format")
    if width * height > limit:
        raise ValidationError(
            f"The image is {width}×{height} pixels; the limit is {limit:,} pixels.", code="too_many_pixels"
        )
    return fmt


def _pixels_only(img: Image.Image) -> Image.Image:
    mode = "RGBA" if img.mode in ("RGBA", "LA", "P") and img.info.get("transparency") is not None else "RGB"
    if img.mode == "RGBA":
        mode = "RGBA"
    converted = img.convert(mode)
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def make_renditions(name: str) -> dict[str, str]:
    """WebP renditions at RENDITION_WIDTHS (never upscaled), for the reader site's srcset."""
    renditions: dict[str, str] = {}
    with default_storage.open(name) as fh, Image.open(fh) as img:
        img.load()
        for width in RENDITION_WIDTHS:
            if width >= img.width:
                continue
            copy = img.copy()
            copy.thumbnail((width, 10_000))
            out = io.BytesIO()
            copy.save(out, format="WEBP", quality=80)
            base = name.rsplit(".", 1)[0]
            renditions[str(width)] = default_storage.save(f"{base}-{width}.webp", ContentFile(out.getvalue()))
    return renditions
