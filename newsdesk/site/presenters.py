"""Turn content into what reader pages show: day groups, article pages, Read also, JSON-LD, srcset."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext
from markupsafe import Markup

from newsdesk import editions
from newsdesk.formatting import day_text
from newsdesk.news import selectors as news_selectors
from newsdesk.news.html import blocks, split_pages
from newsdesk.news.models import Article, Correction, Photo
from newsdesk.news.selectors import ArticleRelations, Translation

from .fragments import (
    article_prefix,
    article_url,
    keep_html,
    kept_html,
    macros,
    media_url,
    read_also_html,
    slug_url,
)


class PageOutOfRange(Exception):
    """An article page number that does not exist: the view answers 404."""


@dataclass(frozen=True)
class DayGroup:
    day: dt.date
    label: str
    articles: list[Article]


def day_label(day: dt.date, *, today: dt.date) -> str:
    if day == today:
        return pgettext("day heading", "Today")
    if day == today - dt.timedelta(days=1):
        return gettext("Yesterday")
    return day_text(day)


def group_by_day(
    articles: list[Article], *, now: dt.datetime | None = None, zone: dt.tzinfo | None = None
) -> list[DayGroup]:
    """Consecutive articles of one local day (the active time zone, or ``zone``) under one heading, newest
    first."""
    zone = zone or timezone.get_current_timezone()
    today = (now or timezone.now()).astimezone(zone).date()
    groups: list[DayGroup] = []
    for article in articles:
        assert article.publish_at is not None  # lists show published articles only
        day = article.publish_at.astimezone(zone).date()
        if not groups or groups[-1].day != day:
            groups.append(DayGroup(day=day, label=day_label(day, today=today), articles=[]))
        groups[-1].articles.append(article)
    return groups


class Cards:
    """The cards and links of a page's lists, written by site/_macros.html's macros and kept by everything each
    one shows (``fragments.kept_html``: most of a page's cards were on the page a moment ago). Given to list
    templates as ``cards``; a list is one call (``{{ cards.feed(group.articles) }}``): a template loop calling a
    macro per card cost more than the rest of the home page's template."""

    __slots__ = ("macros", "prefix", "zone")

    def __init__(self) -> None:
        # The zone and the language (the words and times of a card) are part of every key, as the prefix is.
        self.zone = (timezone.get_current_timezone(), get_language())
        self.prefix = article_prefix()
        self.macros = macros()

    def _key(self, kind: str, card) -> tuple:
        # Everything a card's HTML is made of: an edit to any of these makes a new entry, never a stale card.
        section = card.section
        return (kind, self.zone, self.prefix, card.public_id, card.slug, card.headline, card.urgency,
                card.publish_at, section.id, section.slug, section.name)  # fmt: skip

    def _kept(self, key: tuple, render, *args) -> str:
        html = kept_html.get(key)
        if html is None:
            html = keep_html(key, render(*args))
        return html

    def _photo(self, card, photos) -> tuple[dict | None, tuple | None]:
        """The card's photo as a list shows it (``photo_context``) and what of it the HTML is made of."""
        photo = photos.get(card.lead_photo_id) if photos and card.lead_photo_id is not None else None
        if photo is None:
            return None, None
        shown = _listed_photo(photo)
        return shown, (photo.pk, photo.image.name, photo.width, photo.height, photo.alt_text, shown["srcset"])

    def feed(
        self,
        cards,
        clock: bool = False,
        with_section: bool = True,
        with_lead: bool = False,
        photos=None,
        lead_id: int | None = None,
        eager: int = 0,
    ) -> Markup:
        """Feed cards (macro ``card``): with their photo where ``photos`` (by id) has it; the card ``lead_id`` as
        the lead (a large photo and its standfirst); the first ``eager`` photos fetched at once (above the fold),
        the rest lazily."""
        render = self.macros.card
        out = []
        for n, card in enumerate(cards):
            shown, raw = self._photo(card, photos)
            lead = card.id == lead_id
            lazy = n >= eager
            lead_text = card.lead if with_lead or lead else None
            key = (*self._key("card", card), clock, with_section, lead_text, raw, lead, lazy)
            out.append(
                self._kept(key, render, card, clock, with_section, with_lead or lead, shown, lead, lazy)
            )
        return Markup("".join(out))  # noqa: S704 - each written by an autoescaping macro

    def top_stories(self, cards, photos=None) -> Markup:
        """The home page's top stories: the first is the lead, with its photo large and its standfirst; the
        others with their photo as a thumbnail. ``photos``: lead photos by id (news.selectors.HomePage.photos)."""
        out = []
        for n, card in enumerate(cards):
            shown, raw = self._photo(card, photos)
            key = (*self._key("top", card), n == 0, card.lead if n == 0 else None, raw)
            out.append(self._kept(key, self.macros.top_story, card, shown, n == 0))
        return Markup("".join(out))  # noqa: S704 - each written by an autoescaping macro

    def section_blocks(self, blocks, photos=None) -> Markup:
        """The home page's section blocks: (section, cards) pairs, each a titled list whose first card shows its
        photo (from ``photos``, by id) where it has one."""
        out = []
        for section, cards in blocks:
            key = ("block-head", self.prefix, section.id, section.slug, section.name)
            out.append(self._kept(key, self.macros.block_head, section))
            for n, card in enumerate(cards):
                shown, raw = self._photo(card, photos) if n == 0 else (None, None)
                out.append(self._kept((*self._key("block", card), raw), self.macros.block_card, card, shown))
            out.append(self._kept(("block-end",), self.macros.block_end))
        return Markup("".join(out))  # noqa: S704 - each written by an autoescaping macro

    def tiles(self, galleries) -> Markup:
        """Gallery tiles (news.selectors.GalleryCard): cover, title, number of photos."""
        out = []
        for card in galleries:
            cover = _listed_photo(card.cover) if card.cover is not None else None
            size = (card.cover.width, card.cover.height) if card.cover is not None else None
            thumb = cover["thumb"] if cover else None
            key = ("tile", self.prefix, card.title, card.slug, card.count, thumb, size)
            out.append(self._kept(key, self.macros.tile, card, cover))
        return Markup("".join(out))  # noqa: S704 - each written by an autoescaping macro

    def infographics(self, links) -> Markup:
        """(title, slug) of infographics as list items of links."""
        out = []
        for title, slug in links:
            key = ("infographic", self.prefix, title, slug)
            url = slug_url("site:infographic", slug)
            out.append(self._kept(key, self.macros.link_items, [(title, url)]))
        return Markup("".join(out))  # noqa: S704 - each written by an autoescaping macro


def feed_groups(cards: list) -> list[dict]:
    """Day groups (``group_by_day``) as a feed page shows them."""
    return [
        {
            "day": group.day,
            "iso": group.day.isoformat(),
            "anchor": group.day.isoformat().replace("-", ""),
            "label": group.label,
            "articles": group.articles,
        }
        for group in group_by_day(cards)
    ]


_PAGE = re.compile(r"[0-9]{1,4}")


def page_number(raw: str | None, count: int, *, strict: bool = True) -> int:
    """The article page asked for. Strict (reader pages): a number outside 1..count, or not a number, does not
    exist; otherwise (newsroom preview) it falls back to the nearest page."""
    if raw is None:
        return 1
    number = int(raw) if _PAGE.fullmatch(raw) else 0  # ASCII digits only: int() would take "２" too
    if 1 <= number <= count:
        return number
    if strict:
        raise PageOutOfRange(raw)
    return count if number > count else 1


_IMG_WITHOUT_LOADING = re.compile(r"<img(?![^>]*\bloading=)")


def lazy_images(html: str) -> str:
    # Body pictures sit below the lead photo, so the browser may fetch them only when the reader gets near.
    return _IMG_WITHOUT_LOADING.sub('<img loading="lazy" decoding="async"', html)


def article_page_context(
    article: Article,
    *,
    page: str | None = None,
    strict: bool = False,
    relations: ArticleRelations | None = None,
    holes=None,
    translations: list[Translation] | None = None,
) -> dict:
    """Everything the article template shows. Strict: raises PageOutOfRange for a page that does not exist.

    ``relations`` come from ``selectors.article_relations`` on reader pages; without them (the newsroom's
    preview) they are read from the article's own relations. With ``holes`` (fragments.Holes) the Read also
    block is left as a hole to fill per request, since its targets change visibility on their own.
    ``translations``: the article's versions in other editions that readers may see (news.selectors.translations;
    read here when not given).
    """
    pages = split_pages(article.body)
    number = page_number(page, len(pages), strict=strict)
    body_blocks = [lazy_images(block) for block in blocks(pages[number - 1])]
    if holes is not None:
        read_also = holes["read_also"] if number == 1 else ""
    else:
        read_also = read_also_html(_own_read_also(article)) if number == 1 else ""
    position = read_also_position(body_blocks, after=article.read_also_after) if read_also else None
    canonical = absolute_url(article_url(article.public_id, article.slug)) + (
        f"?page={number}" if number > 1 else ""
    )
    lead_photo = photo_context(article.lead_photo) if article.lead_photo is not None else None
    relations = relations or _own_relations(article)
    if translations is None:
        translations = news_selectors.translations(article_id=article.pk) if article.pk else []
    split_at = len(body_blocks) if position is None else position
    before, after = body_blocks[:split_at], body_blocks[split_at:]
    return {
        "article": article,
        "before_read_also": Markup("\n".join(before)),  # noqa: S704 - sanitized on save
        "after_read_also": Markup("\n".join(after)),  # noqa: S704 - sanitized on save
        "read_also_html": read_also,
        "read_also_first": position == 0,  # above the dateline, which runs into the first paragraph
        "page_number": number,
        "page_count": len(pages),
        "page_range": range(1, len(pages) + 1),
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < len(pages) else None,
        "lead_photo": lead_photo,
        "og_image": absolute_url(lead_photo["src"]) if lead_photo else "",
        "json_ld": Markup(json_ld(article, corrections=relations.corrections, translations=translations)),  # noqa: S704 - json.dumps escapes "<"
        "canonical_url": canonical,
        "holes": holes,
        "preview": False,
        **_relations_context(relations),
        **translations_context(article, translations),
    }


def _version_url(translation: Translation) -> str:
    with editions.edition(translation.language):
        return article_url(translation.public_id, translation.slug)


def read_in_label(language: str) -> str:
    """ "Read in English", "Читать на русском": the link to a version, in that version's language (each
    edition's catalogue says it; the English text is the source)."""
    with editions.edition(language):
        return pgettext("link to the story in the language of this edition", "Read in English")


def translations_context(article: Article, translations: list[Translation]) -> dict:
    """The links to the article's versions in other editions ("Read in English"), and the page's hreflang
    alternates: every version with its own edition's code, this page included, and x-default for the original."""
    if not translations:
        return {"translation_links": [], "alternates": []}
    links = [
        {
            "url": _version_url(t),
            "language": t.language,
            "label": read_in_label(t.language),
            "headline": t.headline,
        }
        for t in translations
    ]
    own = {
        "language": editions.of(article.language),
        "url": absolute_url(article_url(article.public_id, article.slug)),
    }
    others = [{"language": link["language"], "url": absolute_url(link["url"])} for link in links]
    versions = sorted([own, *others], key=lambda version: version["language"])
    original = next((absolute_url(_version_url(t)) for t in translations if t.is_original), own["url"])
    return {"translation_links": links, "alternates": [*versions, {"language": "x-default", "url": original}]}


def read_also_position(body_blocks: list[str], *, after: int) -> int:
    """Where the Read also block goes among the page's blocks: right after paragraph ``after`` as the editor
    counts them (sub-headings, figures, quotes and lists are not paragraphs), 0 = above the text, and past the
    last paragraph = at the end."""
    if after <= 0:
        return 0
    seen = 0
    for index, block in enumerate(body_blocks):
        if block.startswith(("<p>", "<p ")):
            seen += 1
            if seen == after:
                return index + 1
    return len(body_blocks)


def _own_read_also(article: Article) -> list[tuple[str, int, str]]:
    """The preview's Read also: what readers would get now (news.selectors.read_also_links), from the
    article's own relations — links only to targets readers may see, never a title standing in for one."""
    links = list(article.read_also.all())
    if not links:
        # what readers get without the editor's links
        return news_selectors.read_also_links(article_id=article.pk) if article.pk else []
    targets = [link.target for link in links if link.target is not None and link.target.visible_at()]
    return [(target.headline, target.public_id, target.slug) for target in targets]


def _own_relations(article: Article) -> ArticleRelations:
    return ArticleRelations(
        persons=[(p.name, p.slug) for p in article.persons.all()],
        topics=[(t.name, t.slug) for t in article.topics.all()],
        other_media=[(o.title, o.outlet, o.url, o.published_on) for o in article.other_media.all()],
        corrections=[(c.kind, c.note, c.created_at) for c in article.corrections.all()],
    )


def _relations_context(relations: ArticleRelations) -> dict:
    def link(view: str, name: str, slug: str) -> dict:
        return {"name": name, "url": reverse(view, kwargs={"slug": slug})}

    return {
        "persons": [link("site:person", name, slug) for name, slug in relations.persons],
        "topics": [link("site:topic", name, slug) for name, slug in relations.topics],
        "other_media": [
            {"title": title, "outlet": outlet, "url": url, "published_on": on}
            for title, outlet, url, on in relations.other_media
        ],
        "corrections": [
            {"label": correction_label(kind), "note": note, "created_at": at}
            for kind, note, at in relations.corrections
        ],
    }


def correction_label(kind: str) -> str:
    """ "Correction" or "Update" in the page's language (the model's labels are the newsroom's)."""
    if kind == Correction.Kind.UPDATE:
        return pgettext("correction kind", "Update")
    return pgettext("correction kind", "Correction")


def absolute_url(url: str) -> str:
    return settings.NEWSDESK_SITE_URL + url if url.startswith("/") else url


def _listed_photo(photo: Photo) -> dict:
    """``photo_context`` of a photo from news.selectors.photos_by_ids, kept on the instance: lists share one
    instance per photo while its row is unchanged, and only read it."""
    kept = photo.__dict__.get("_listed_context")
    if kept is None:
        kept = photo.__dict__["_listed_context"] = photo_context(photo)
    return kept


def photo_context(photo: Photo) -> dict:
    widths = sorted(photo.renditions.items(), key=lambda item: int(item[0]))
    src = media_url(photo.image.storage, photo.image.name)
    srcset = [
        f"{media_url(default_storage, name)} {width}w" for width, name in widths if int(width) < photo.width
    ]
    srcset.append(f"{src} {photo.width}w")
    thumb = media_url(default_storage, widths[0][1]) if widths else src
    return {"photo": photo, "src": src, "srcset": ", ".join(srcset), "thumb": thumb}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def json_ld(
    article: Article, *, corrections: Sequence[tuple] = (), translations: Sequence[Translation] = ()
) -> str:
    """schema.org NewsArticle; ``corrections`` ((kind, note, created_at), as the page lists them) become its
    ``correction`` notes, so search engines see what readers see under the article; ``translations`` (its
    visible versions in other editions) its ``translationOfWork`` (the original it translates) or
    ``workTranslation`` (the translations of it)."""
    published = article.first_published_at or article.publish_at
    url = absolute_url(article_url(article.public_id, article.slug))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.lead,
        "datePublished": _iso(published),
        "dateModified": _iso(article.updated_at or published),
        "author": _author(article),
        "publisher": _publisher(),
        "articleSection": article.section.name,
        "inLanguage": article.language,
        "url": url,
        "mainEntityOfPage": url,
        "isAccessibleForFree": True,
    }
    if article.dateline_place:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline_place.title()}
    if article.lead_photo is not None:
        data["image"] = [absolute_url(article.lead_photo.image.url)]
    if article.translation_of_id:
        original = next((t for t in translations if t.is_original), None)
        if original is not None:
            data["translationOfWork"] = _work(original)
    else:
        works = [_work(t) for t in translations]
        if works:
            data["workTranslation"] = works
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{Correction.Kind(kind).label}: {note}",
                "datePublished": _iso(at),
            }
            for kind, note, at in corrections
        ]
    # "</" can't close the script element once "<" is escaped.
    return json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False).replace("<", "\\u003c")


def _work(translation: Translation) -> dict:
    url = absolute_url(_version_url(translation))
    return {
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": translation.headline[:110],
        "inLanguage": translation.language,
    }


def _publisher() -> dict:
    return {"@type": "Organization", "name": settings.NEWSDESK_SITE_NAME, "url": settings.NEWSDESK_SITE_URL}


def _author(article: Article) -> dict:
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    return {"@type": "Organization", "name": settings.NEWSDESK_SITE_NAME}
