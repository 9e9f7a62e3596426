"""Turn an article into what its reader page shows: pages, Read also placement, JSON-LD, srcset."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.safestring import mark_safe

from newsdesk.news.html import blocks, split_pages
from newsdesk.news.models import Article, Photo


def _page_number(raw: str | None, count: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), count)


def article_page_context(article: Article, *, page: str | None = None) -> dict:
    pages = split_pages(article.body)
    number = _page_number(page, len(pages))
    body_blocks = blocks(pages[number - 1])
    read_also = [link for link in (ra.reader_link for ra in article.read_also.all()) if link[0]]
    position = min(article.read_also_after, len(body_blocks)) if number == 1 and read_also else None
    return {
        "article": article,
        "before_read_also": mark_safe("\n".join(body_blocks[:position] if position is not None else body_blocks)),  # noqa: S308 - sanitized on save
        "after_read_also": mark_safe("\n".join(body_blocks[position:]) if position is not None else ""),  # noqa: S308
        "read_also": read_also,
        "page_number": number,
        "page_count": len(pages),
        "page_range": range(1, len(pages) + 1),
        "lead_photo": photo_context(article.lead_photo) if article.lead_photo_id else None,
        "json_ld": mark_safe(json_ld(article)),  # noqa: S308 - json.dumps escapes "<"
        "canonical_url": settings.NEWSDESK_SITE_URL + article.get_absolute_url(),
    }


def photo_context(photo: Photo) -> dict:
    srcset = [f"{default_storage.url(name)} {width}w" for width, name in sorted(photo.renditions.items(), key=lambda i: int(i[0]))]
    srcset.append(f"{photo.image.url} {photo.width}w")
    return {"photo": photo, "src": photo.image.url, "srcset": ", ".join(srcset)}


def json_ld(article: Article) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.lead,
        "datePublished": article.first_published_at.isoformat() if article.first_published_at else None,
        "dateModified": (article.updated_at or article.first_published_at or article.publish_at).isoformat()
        if (article.updated_at or article.first_published_at or article.publish_at)
        else None,
        "author": {"@type": "Organization", "name": article.byline or settings.NEWSDESK_SITE_NAME},
        "publisher": {"@type": "Organization", "name": settings.NEWSDESK_SITE_NAME},
        "articleSection": article.section.name,
        "inLanguage": article.language,
        "mainEntityOfPage": settings.NEWSDESK_SITE_URL + article.get_absolute_url(),
    }
    if article.dateline_place:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline_place.title()}
    if article.lead_photo_id:
        data["image"] = [settings.NEWSDESK_SITE_URL + article.lead_photo.image.url]
    # "</" can't close the script element once "<" is escaped.
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False).replace("<", "\\u003c")
