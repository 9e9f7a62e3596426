"""What every output format says about one article, computed once: absolute URLs, dates, the lead photo."""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from newsdesk.news.models import Article, Correction, Photo

MEDIATOPIC_URI = "http://cv.iptc.org/newscodes/mediatopic/"


def absolute(path: str) -> str:
    return settings.NEWSDESK_SITE_URL + path


def article_url(article: Article) -> str:
    return absolute(article.get_absolute_url())


def first_published(article: Article) -> dt.datetime:
    when = article.first_published_at or article.publish_at
    assert when is not None  # only published stories go out, and publishing sets publish_at
    return when


def version_created(article: Article) -> dt.datetime:
    """When the current version appeared: the withdrawal, the last public update, or the first publication."""
    if article.status == Article.Status.WITHDRAWN and article.withdrawn_at:
        return article.withdrawn_at
    return article.updated_at or first_published(article)


@dataclass(frozen=True)
class CorrectionNote:
    label: str  # "Correction" or "Update"
    note: str
    at: dt.datetime

    @property
    def text(self) -> str:
        """ "Correction, 30 May 2017 14:02 UTC: …" — a feed has no reader's time zone, so UTC, said."""
        return f"{self.label}, {self.at.astimezone(dt.UTC):%-d %B %Y %H:%M} UTC: {self.note}"


def corrections(article: Article) -> list[CorrectionNote]:
    """The article's public corrections and updates, oldest first (prefetched by the feed's query)."""
    return [
        CorrectionNote(label=Correction.Kind(c.kind).label, note=c.note, at=c.created_at)
        for c in article.corrections.all()
    ]


def is_withdrawn(article: Article) -> bool:
    return article.status == Article.Status.WITHDRAWN


def mediatopic_uri(code: str) -> str | None:
    """'medtop:20000640' → the IPTC Media Topic URI; None when the code is not a Media Topic."""
    prefix, _, number = code.partition(":")
    return MEDIATOPIC_URI + number if prefix == "medtop" and number.isdigit() else None


@dataclass(frozen=True)
class PhotoInfo:
    uri: str
    url: str
    mime_type: str
    width: int
    height: int
    length: int
    caption: str
    credit: str
    alt_text: str


def photo_info(photo: Photo | None) -> PhotoInfo | None:
    if photo is None or not photo.image:
        return None
    try:
        length = photo.image.size
    except OSError:  # the file went missing from storage; the item still goes out, with an unknown length
        length = 0
    return PhotoInfo(
        uri=f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:photo:{photo.pk}",
        url=absolute(photo.image.url) if photo.image.url.startswith("/") else photo.image.url,
        mime_type=mimetypes.guess_type(photo.image.name or "")[0] or "image/jpeg",
        width=photo.width,
        height=photo.height,
        length=length,
        caption=photo.caption,
        credit=photo.credit,
        alt_text=photo.alt_text,
    )


def feed_url(name: str, **kwargs) -> str:
    return absolute(reverse(f"syndication:{name}", kwargs=kwargs))
