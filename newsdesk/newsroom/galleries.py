"""A gallery's photos uploaded at once: one form with many files, a caption and credit for each, in the order the
editor puts them (dragged, or moved with buttons). Every file goes through the photo library's checks and
re-encoding (news.images.clean_image); one bad file refuses the batch with a message for that file, before
anything is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.images import clean_image
from newsdesk.news.models import Gallery, GalleryPhoto

MAX_FILES = 50  # a gallery, not an archive import: more at once is a mistake, or a job for the wire
TEXT_LIMITS = {"caption": 500, "credit": 200, "alt": 300}  # the Photo fields' max_length


@dataclass
class NewPhoto:
    index: int
    name: str
    caption: str
    credit: str
    alt: str
    error: str = ""


def _text(request, name: str, limit: int) -> str:
    return " ".join(request.POST.get(name, "").split())[:limit]


def _words_for(request, index: int, name: str) -> NewPhoto:
    """The caption, credit and alt text typed for file ``index``; the shared ones where a photo has none."""
    words = {
        key: _text(request, f"{key}_{index}", limit) or _text(request, f"{key}_all", limit)
        for key, limit in TEXT_LIMITS.items()
    }
    return NewPhoto(index=index, name=name[:200], **words)


def _sequence(
    tokens: list[str], *, item_ids: set[int], uploads: dict[int, services.GalleryUpload]
) -> list[int | services.GalleryUpload]:
    """The order the form sent ("e<item id>", "n<file index>"), each entry once; entries that name nothing here
    are ignored, and what the form did not place follows in its present order (items) or file order (uploads)."""
    sequence: list[int | services.GalleryUpload] = []
    seen: set[str] = set()
    for token in tokens:
        kind, number = token[:1], token[1:]
        if not number.isdigit() or token in seen:
            continue
        seen.add(token)
        if kind == "e" and int(number) in item_ids:
            sequence.append(int(number))
        elif kind == "n" and int(number) in uploads:
            sequence.append(uploads[int(number)])
    # Items left out follow in their present order (the service appends them); uploads left out in file order.
    sequence += [upload for index, upload in sorted(uploads.items()) if f"n{index}" not in seen]
    return sequence


def _thumbnail(item: GalleryPhoto) -> str:
    """The address of the photo's smallest rendition (the original where it has none)."""
    renditions = item.photo.renditions or {}
    name = renditions[min(renditions, key=int)] if renditions else item.photo.image.name
    return default_storage.url(name)


def upload_view(model_admin, request, pk: int):
    gallery = get_object_or_404(Gallery, pk=pk)
    user = request.user
    if not (
        model_admin.has_change_permission(request, gallery)
        and user.has_perm("news.add_photo")
        and user.has_perm("news.add_galleryphoto")
    ):
        raise PermissionDenied
    items = list(GalleryPhoto.objects.filter(gallery=gallery).select_related("photo").order_by("order", "id"))
    errors: list[str] = []
    typed: dict[str, dict] = {}
    if request.method == "POST":
        files = request.FILES.getlist("photos")
        photos = [_words_for(request, index, upload.name or "") for index, upload in enumerate(files)]
        typed = {p.name: {"caption": p.caption, "credit": p.credit, "alt": p.alt} for p in photos}
        uploads: dict[int, services.GalleryUpload] = {}
        if not files:
            errors.append("Choose the photos to upload: none was sent.")
        elif len(files) > MAX_FILES:
            errors.append(f"{len(files)} files were sent; upload at most {MAX_FILES} at a time.")
        else:
            for photo, upload in zip(photos, files, strict=True):
                missing = [word for word in ("caption", "credit") if not getattr(photo, word)]
                try:
                    clean = clean_image(upload)
                except ValidationError as exc:
                    photo.error = " ".join(exc.messages)
                else:
                    if missing:
                        photo.error = f"Write its {' and its '.join(missing)}."
                    else:
                        uploads[photo.index] = services.GalleryUpload(
                            clean=clean, caption=photo.caption, credit=photo.credit, alt_text=photo.alt
                        )
            errors += [
                f"{photo.name or 'File ' + str(photo.index + 1)}: {photo.error}"
                for photo in photos
                if photo.error
            ]
        if not errors:
            sequence = _sequence(
                request.POST.getlist("order"), item_ids={item.pk for item in items}, uploads=uploads
            )
            services.gallery_photos_add(gallery=gallery, sequence=sequence)
            count = len(uploads)
            messages.success(
                request, f"{count} photo{'s' if count != 1 else ''} added to the gallery, in the order shown."
            )
            return HttpResponseRedirect(reverse("admin:news_gallery_change", args=[gallery.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": gallery,
        "title": f"Upload photos to “{gallery.title}”",
        "gallery": gallery,
        "items": [(item, _thumbnail(item)) for item in items],
        "errors": errors,
        "typed_json": json.dumps(typed),  # gallery-upload.js fills what was typed into files chosen again
        "max_files": MAX_FILES,
        "change_url": reverse("admin:news_gallery_change", args=[gallery.pk]),
    }
    return TemplateResponse(request, "newsroom/gallery_upload.html", context, status=400 if errors else 200)
