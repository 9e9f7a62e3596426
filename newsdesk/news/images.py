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
    size = getattr(upload, "size", None)
    if size is not None and size > settings.NEWSDESK_IMAGE_MAX_BYTES:
        raise ValidationError(
            f"The image is {size // 1024 // 1024} MB; the limit is "
            f"{settings.NEWSDESK_IMAGE_MAX_BYTES // 1024 // 1024} MB.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(settings.NEWSDESK_IMAGE_MAX_BYTES + 1)
    if len(data) > settings.NEWSDESK_IMAGE_MAX_BYTES:
        raise ValidationError("The image is larger than the upload limit.", code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("This file is not a readable image (JPEG, PNG, WebP or GIF).", code="invalid") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(f"{fmt} images are not accepted; use JPEG, PNG, WebP or GIF.", code="format")
    if width * height > settings.NEWSDESK_IMAGE_MAX_PIXELS:
        raise ValidationError(
            f"The image is {width}×{height} pixels; the limit is {settings.NEWSDESK_IMAGE_MAX_PIXELS:,} pixels.",
            code="too_many_pixels",
        )
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            clean = _pixels_only(img)
            out = io.BytesIO()
            ext = ACCEPTED_FORMATS[fmt]
            save_fmt = "PNG" if fmt == "GIF" else fmt
            clean.save(out, format=save_fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError("The image data is damaged and cannot be decoded.", code="invalid") from exc
    ext = "png" if fmt == "GIF" else ext
    return CleanImage(ContentFile(out.getvalue()), ext, clean.width, clean.height)


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
