"""What the body editor (static/newsroom/body-editor.js) reads from the server: photos from the library."""

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import JsonResponse

from newsdesk.news.models import Photo

PICKER_LIMIT = 24
PICKER_WIDTH = "800"  # the rendition a body picture is shown at; the srcset offers the others


def photo_picker_items(*, term: str) -> list[dict]:
    """The newest photos whose caption or credit contains ``term``, as the editor inserts them: the picture at the
    body's width with its srcset, its alt text, and the caption and credit that go under it."""
    photos = Photo.objects.only("image", "width", "height", "caption", "credit", "alt_text", "renditions")
    term = " ".join(term.split())[:100]
    if term:
        photos = photos.filter(Q(caption__icontains=term) | Q(credit__icontains=term))
    return [_item(photo) for photo in photos.order_by("-created_at", "-id")[:PICKER_LIMIT]]


def _item(photo: Photo) -> dict:
    original = photo.image.url
    widths = {int(width): default_storage.url(name) for width, name in (photo.renditions or {}).items()}
    src, width = widths.get(int(PICKER_WIDTH), original), int(PICKER_WIDTH)
    if src == original:
        width = photo.width
    height = round(photo.height * width / photo.width) if photo.width else photo.height
    srcset = ", ".join(f"{url} {w}w" for w, url in sorted(widths.items()))
    if srcset and photo.width:
        srcset += f", {original} {photo.width}w"
    thumbnail = widths[min(widths)] if widths else original
    return {
        "id": photo.pk,
        "src": src,
        "srcset": srcset,
        "width": width,
        "height": height,
        "thumbnail": thumbnail,
        "alt": photo.alt_text or photo.caption,
        "caption": photo.caption,
        "credit": photo.credit,
    }


def photo_picker(request) -> JsonResponse:
    return JsonResponse({"photos": photo_picker_items(term=request.GET.get("q", ""))})
