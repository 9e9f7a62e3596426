"""Turn content into what reader pages show: day groups, article pages, Read also, JSON-LD, srcset."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from html import escape  # Django's escaping of the same five characters, minus its lazy wrapper
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.news import selectors as news_selectors
from newsdesk.news.html import blocks, split_pages
from newsdesk.news.models import Article, Correction, Photo
from newsdesk.news.selectors import ArticleRelations

from .fragments import (
    article_prefix,
    article_url,
    keep_html,
    kept_html,
    media_url,
    read_also_html,
    section_url,
    slug_url,
)
from .templatetags.newsdesk import zone_label


class PageOutOfRange(Exception):
    """An article page number that does not exist: the view answers 404."""


@dataclass(frozen=True)
class DayGroup:
    day: dt.date
    label: str
    articles: list[Article]


def day_label(day: dt.date, *, today: dt.date) -> str:
    if day == today:
        return "Today"
    if day == today - dt.timedelta(days=1):
        return "Yesterday"
    return f"{day.day} {day:%B %Y}"


def group_by_day(
    articles: list[Article], *, now: dt.datetime | None = None, zone: dt.tzinfo | None = None
) -> list[DayGroup]:
    """Consecutive articles of one local day (the active time zone, or ``zone``) under one heading, newest
    first."""
    zone = zone or timezone.get_current_timezone()
    today = (now or timezone.now()).astimezone(zone).date()
    groups: list[DayGroup] = []
    for article in articles:
        day = article.publish_at.astimezone(zone).date()
        if not groups or groups[-1].day != day:
            groups.append(DayGroup(day=day, label=day_label(day, today=today), articles=[]))
        groups[-1].articles.append(article)
    return groups


class CardWriter:
    """Writes feed cards as HTML, built in Python (it was the site/_card.html include: a feed page has thirty
    cards, and an include per card cost more than the rest of the page). What every card of a list shares —
    the reader's zone, the articles' address prefix, each section's link — is looked up once per list."""

    __slots__ = ("prefix", "sections", "zone")

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.prefix = article_prefix()
        self.sections: dict[int, str] = {}

    def block_head(self, section) -> str:
        """A home page section block's opening: its heading links to the section."""
        key = ("block-head", self.prefix, section.id, section.slug, section.name)
        html = kept_html.get(key)
        if html is None:
            slug = escape(section.slug)
            html = keep_html(
                key,
                f'\n    <section class="section-block" aria-labelledby="block-{slug}">\n'
                f'      <h2 id="block-{slug}"><a href="{escape(section_url(section.slug))}">'
                f"{escape(section.name)}</a></h2>\n",
            )
        return html

    def url(self, card) -> str:
        return escape(f"{self.prefix}{card.public_id}/{quote(card.slug)}/")

    def section_link(self, section) -> str:
        link = self.sections.get(section.id)
        if link is None:
            link = self.sections[section.id] = (
                f'<a href="{escape(section_url(section.slug))}">{escape(section.name)}</a>'
            )
        return link

    def time(self, value: dt.datetime) -> str:
        # templatetags.newsdesk.time_with_zone with the zone looked up once.
        local = value.astimezone(self.zone)
        text = f"{local.day} {local:%B %Y, %H:%M} {zone_label(local)}"
        return f'<time datetime="{value.isoformat()}" data-local="full">{text}</time>'

    def clock(self, value: dt.datetime) -> str:
        # templatetags.newsdesk.clock_with_zone: an ISO time and digits need no escaping.
        local = value.astimezone(self.zone)
        return f'<time datetime="{value.isoformat()}" data-local="clock">{local:%H:%M} {zone_label(local)}</time>'

    @staticmethod
    def label(card) -> str:
        if card.urgency <= 2:
            return '<strong class="urgent-label">Urgent<span class="visually-hidden">:</span></strong> '
        return ""

    def headline(self, card) -> str:
        return f'<h3 class="card__headline">{self.label(card)}<a href="{self.url(card)}">{escape(card.headline)}</a></h3>'

    def _key(self, kind: str, card) -> tuple:
        # Everything a card's HTML is made of: the HTML is kept by it (fragments.kept_html), so an edit to
        # any of these makes a new entry, never a stale card.
        section = card.section
        return (kind, self.zone, self.prefix, card.public_id, card.slug, card.headline, card.urgency,
                card.publish_at, section.id, section.slug, section.name)  # fmt: skip

    def card(self, card, *, clock: bool = False, with_section: bool = True, with_lead: bool = False) -> str:
        lead = card.lead if with_lead else None
        key = (*self._key("card", card), clock, with_section, lead)
        html = kept_html.get(key)
        if html is None:
            html = keep_html(
                key, self._card(card, clock=clock, with_section=with_section, with_lead=with_lead)
            )
        return html

    def _card(self, card, *, clock: bool, with_section: bool, with_lead: bool) -> str:
        when = self.clock(card.publish_at) if clock else self.time(card.publish_at)
        section = f" · {self.section_link(card.section)}" if with_section else ""
        lead = f'\n  <p class="card__lead">{escape(card.lead)}</p>' if with_lead and card.lead else ""
        urgent = " card--urgent" if card.urgency <= 2 else ""
        return (
            f'<li class="card{urgent}">\n  {self.headline(card)}\n'
            f'  <p class="card__meta">{when}{section}</p>{lead}\n</li>'
        )

    def top_story(self, card, *, lead_photo: Photo | None = None, first: bool = False) -> str:
        """A card of the home page's top stories; the first is the lead, with its photo and standfirst."""
        key = self._key("top", card)
        if first:
            photo = lead_photo
            shown = (photo.pk, photo.image.name, photo.width, photo.height, photo.alt_text) if photo else None
            key = (*key, "first", card.lead, shown, _listed_photo(photo)["srcset"] if photo else None)
        html = kept_html.get(key)
        if html is None:
            html = keep_html(key, self._top_story(card, lead_photo=lead_photo, first=first))
        return html

    def _top_story(self, card, *, lead_photo: Photo | None, first: bool) -> str:
        classes = "card" + (" card--lead" if first else "") + (" card--urgent" if card.urgency <= 2 else "")
        photo = ""
        if first and lead_photo is not None:
            p = _listed_photo(lead_photo)
            photo = (
                f'<img class="card__photo" src="{escape(p["src"])}" srcset="{escape(p["srcset"])}" '
                f'sizes="(min-width: 60em) 40em, 100vw" width="{lead_photo.width}" height="{lead_photo.height}" '
                f'alt="{escape(lead_photo.alt_text)}" fetchpriority="high">\n        '
            )
        lead = f'\n        <p class="card__lead">{escape(card.lead)}</p>' if first and card.lead else ""
        return (
            f'\n      <li class="{classes}">\n        {photo}{self.headline(card)}\n'
            f'        <p class="card__meta">{self.time(card.publish_at)} · {self.section_link(card.section)}</p>'
            f"{lead}\n      </li>"
        )

    def block_card(self, card) -> str:
        """A card of a home page section block: headline and time."""
        key = self._key("block", card)
        html = kept_html.get(key)
        if html is None:
            html = keep_html(key, self._block_card(card))
        return html

    def _block_card(self, card) -> str:
        urgent = " card--urgent" if card.urgency <= 2 else ""
        return (
            f'\n        <li class="card{urgent}">{self.headline(card)}'
            f'<p class="card__meta">{self.time(card.publish_at)}</p></li>'
        )


def card_html(card, *, clock: bool = False, with_section: bool = True, with_lead: bool = False) -> SafeString:
    """One feed card (see ``CardWriter``)."""
    html = CardWriter().card(card, clock=clock, with_section=with_section, with_lead=with_lead)
    return mark_safe(html)  # noqa: S308 - every value is escaped by CardWriter


def cards_html(cards: list, *, writer: CardWriter | None = None) -> SafeString:
    writer = writer or CardWriter()
    return mark_safe("".join(writer.card(card) for card in cards))  # noqa: S308 - CardWriter escapes


def feed_groups(cards: list, *, with_section: bool, with_lead: bool) -> list[dict]:
    """Day groups (``group_by_day``) with their cards' HTML."""
    writer = CardWriter()
    return [
        {
            "day": group.day,
            "iso": group.day.isoformat(),
            "anchor": group.day.isoformat().replace("-", ""),
            "label": group.label,
            "articles": group.articles,
            "html": mark_safe(  # noqa: S308 - CardWriter escapes
                "".join(
                    writer.card(c, clock=True, with_section=with_section, with_lead=with_lead)
                    for c in group.articles
                )
            ),
        }
        for group in group_by_day(cards, zone=writer.zone)
    ]


def top_stories_html(
    cards: list, *, lead_photo: Photo | None, writer: CardWriter | None = None
) -> SafeString:
    """The home page's top stories; ``lead_photo`` is the first story's."""
    writer = writer or CardWriter()
    items = [writer.top_story(card, lead_photo=lead_photo, first=n == 0) for n, card in enumerate(cards)]
    return mark_safe("".join(items))  # noqa: S308 - CardWriter escapes


def section_blocks_html(blocks: list, *, writer: CardWriter | None = None) -> SafeString:
    """The home page's section blocks: (section, cards) pairs, each a titled list."""
    writer = writer or CardWriter()
    out = []
    for section, cards in blocks:
        out.append(writer.block_head(section))
        out.append('      <ol class="cards">')
        out.extend(writer.block_card(card) for card in cards)
        out.append("\n      </ol>\n    </section>")
    return mark_safe("".join(out))  # noqa: S308 - CardWriter escapes


def gallery_tiles_html(cards: list) -> SafeString:
    """Gallery tiles (news.selectors.GalleryCard): cover, title, number of photos."""
    prefix = article_prefix()  # the URL configuration's mark in the keys
    out = []
    for card in cards:
        thumb = _listed_photo(card.cover)["thumb"] if card.cover is not None else None
        size = (card.cover.width, card.cover.height) if card.cover is not None else None
        key = ("tile", prefix, card.title, card.slug, card.count, thumb, size)
        html = kept_html.get(key)
        if html is None:
            html = keep_html(key, _gallery_tile(card))
        out.append(html)
    return mark_safe("".join(out))  # noqa: S308 - every value escaped in _gallery_tile


def _gallery_tile(card) -> str:
    cover = ""
    if card.cover is not None:
        thumb = _listed_photo(card.cover)["thumb"]
        cover = (
            f'<img src="{escape(thumb)}" alt="" loading="lazy" width="{card.cover.width}" '
            f'height="{card.cover.height}">'
        )
    noun = "photo" if card.count == 1 else "photos"
    return (
        f'<li class="tile">\n  <a href="{escape(slug_url("site:gallery", card.slug))}">\n    {cover}\n'
        f'    <span class="tile__title">{escape(card.title)}</span>\n  </a>\n'
        f'  <span class="tile__count">{card.count} {noun}</span>\n</li>\n'
    )


def infographic_links_html(links: list[tuple[str, str]]) -> SafeString:
    """(title, slug) of infographics as list items of links."""
    prefix = article_prefix()  # the URL configuration's mark in the keys
    out = []
    for title, slug in links:
        key = ("infographic", prefix, title, slug)
        html = kept_html.get(key)
        if html is None:
            url = slug_url("site:infographic", slug)
            html = keep_html(key, f'<li><a href="{escape(url)}">{escape(title)}</a></li>')
        out.append(html)
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


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
) -> dict:
    """Everything the article template shows. Strict: raises PageOutOfRange for a page that does not exist.

    ``relations`` come from ``selectors.article_relations`` on reader pages; without them (the newsroom's
    preview) they are read from the article's own relations. With ``holes`` (fragments.Holes) the Read also
    block is left as a hole to fill per request, since its targets change visibility on their own.
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
    lead_photo = photo_context(article.lead_photo) if article.lead_photo_id else None
    relations = relations or _own_relations(article)
    split_at = len(body_blocks) if position is None else position
    before, after = body_blocks[:split_at], body_blocks[split_at:]
    return {
        "article": article,
        "before_read_also": mark_safe("\n".join(before)),  # noqa: S308 - sanitized on save
        "after_read_also": mark_safe("\n".join(after)),  # noqa: S308 - sanitized on save
        "read_also_html": read_also,
        "read_also_first": position == 0,  # above the dateline, which runs into the first paragraph
        "page_number": number,
        "page_count": len(pages),
        "page_range": range(1, len(pages) + 1),
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < len(pages) else None,
        "lead_photo": lead_photo,
        "og_image": absolute_url(lead_photo["src"]) if lead_photo else "",
        "json_ld": mark_safe(json_ld(article, corrections=relations.corrections)),  # noqa: S308 - json.dumps escapes "<"
        "canonical_url": canonical,
        "holes": holes,
        "preview": False,
        **_relations_context(relations),
    }


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
    targets = [link.target for link in links if link.target_id and link.target.visible_at()]
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
            {"label": Correction.Kind(kind).label, "note": note, "created_at": at}
            for kind, note, at in relations.corrections
        ],
    }


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


def json_ld(article: Article, *, corrections: list[tuple] = ()) -> str:
    """schema.org NewsArticle; ``corrections`` ((kind, note, created_at), as the page lists them) become its
    ``correction`` notes, so search engines see what readers see under the article."""
    published = article.first_published_at or article.publish_at
    url = absolute_url(article_url(article.public_id, article.slug))
    data = {
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
    if article.lead_photo_id:
        data["image"] = [absolute_url(article.lead_photo.image.url)]
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


def _publisher() -> dict:
    return {"@type": "Organization", "name": settings.NEWSDESK_SITE_NAME, "url": settings.NEWSDESK_SITE_URL}


def _author(article: Article) -> dict:
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    return {"@type": "Organization", "name": settings.NEWSDESK_SITE_NAME}
