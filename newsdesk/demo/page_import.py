"""`newsdesk import-page`: a captured article page becomes a complete, published item."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image, ImageDraw

from newsdesk.ingest.formats.captured_page import CapturedArticle, parse_captured_page
from newsdesk.news.models import Article, Person, Photo, ReadAlso, Section, Topic
from newsdesk.news.services import photo_create


def page_import(*, text: str) -> tuple[Article, bool]:
    """Returns (article, created). Importing the same page again changes nothing."""
    sections = {s.name: s for s in Section.objects.all()}
    captured = parse_captured_page(text, section_names=list(sections))
    digest = hashlib.sha256(captured.headline.encode()).hexdigest()
    guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:page:{digest[:20]}"
    existing = Article.objects.filter(guid=guid).first()
    if existing:
        return existing, False
    with transaction.atomic():
        article = _create(
            captured, sections[captured.section_name], guid, public_id=100_000_000 + int(digest[:7], 16)
        )
    return article, True


def _create(captured: CapturedArticle, section: Section, guid: str, public_id: int) -> Article:
    body = "\n".join(f"<{kind}>{escape(text)}</{kind}>" for kind, text in captured.blocks)
    article = Article.objects.create(
        public_id=public_id,
        guid=guid,
        headline=captured.headline,
        slug=slugify(captured.headline)[:180],
        lead=captured.lead,
        body=body,
        dateline_place=captured.dateline_place,
        dateline_date=captured.dateline_date,
        dateline_source=captured.dateline_source,
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=captured.published_at,
        first_published_at=captured.published_at,
        read_also_after=captured.read_also_after,
        lead_photo=_placeholder_photo(captured) if captured.photo_caption else None,
    )
    article.persons.set([_person(name) for name in captured.persons])
    article.topics.set([_topic(name) for name in captured.topics])
    ReadAlso.objects.bulk_create(
        [
            ReadAlso(article=article, order=n, **_read_also_target(title))
            for n, title in enumerate(captured.read_also)
        ]
    )
    return article


def _read_also_target(title: str) -> dict:
    target = Article.objects.published().filter(headline__iexact=title).first()
    return {"target": target, "title": title}


def _person(name: str) -> Person:
    return Person.objects.filter(name__iexact=name).first() or Person.objects.create(
        name=name, slug=slugify(name)
    )


def _topic(name: str) -> Topic:
    return Topic.objects.filter(name__iexact=name).first() or Topic.objects.create(
        name=name, slug=slugify(name)
    )


def _placeholder_photo(captured: CapturedArticle) -> Photo:
    """The capture has no image bytes: a generated, clearly labelled stand-in keeps the caption and credit."""
    img = Image.new("RGB", (1200, 675), (214, 219, 226))
    draw = ImageDraw.Draw(img)
    draw.rectangle((24, 24, 1175, 650), outline=(90, 98, 110), width=4)
    draw.text((60, 300), "Placeholder image", fill=(40, 44, 52), font_size=64)
    draw.text((60, 390), f"Original photo: {captured.photo_caption}", fill=(40, 44, 52), font_size=32)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return photo_create(
        image=SimpleUploadedFile("placeholder.png", out.getvalue(), content_type="image/png"),
        caption=captured.photo_caption,
        credit=captured.photo_credit,
        alt_text=f"Placeholder standing in for the photo: {captured.photo_caption}",
        is_placeholder=True,
    )
