"""Rendered fragments kept between requests, each with a key that changes whenever its content would.

- **Article pages** are rendered once per (article, version, last change, status, page, sections, zone) and
  kept in Django's cache "with holes": the parts that change on their own clock — the header's city clock, the
  Most read box and the Read also links (whose targets can be published, scheduled or withdrawn without the
  article changing) — are filled in on every request. A new version, a correction, any save, a withdrawal or a
  renamed section changes the key, so a stale page cannot be served even when the cache is per process; the
  after-publish hook also deletes the old entries at once (what a shared cache needs to free memory).
  Renaming a person, a topic or a photo caption does not touch the article: those reach cached pages within
  ``ARTICLE_TTL``.
- **The header's section list** and **the city clock** are kept in process memory: the sections by their
  own rows (read on every request, one small compiled query), the clock by the minute it shows.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from functools import cache as memoize
from functools import lru_cache
from html import escape  # Django's escaping of the same five characters, minus its lazy wrapper
from urllib.parse import quote

from django.core.cache import cache
from django.http import HttpResponse
from django.template import Context, engines
from django.template.context import make_context
from django.template.loader import render_to_string
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newsdesk.news import selectors

ARTICLE_TTL = 600  # seconds; bounds how long a renamed person or topic may wait to show on an article page
CACHE_VERSION = "3"  # bump when the article template changes in a way old entries must not outlive


# --- Holes: a page rendered once, with the per-request parts filled in later --------------------------------


_TOKEN = secrets.token_hex(8)  # article text can't carry the marker: bodies are stripped of comments
_HOLE = re.compile(f"<!--hole:{_TOKEN}:([a-z_]+)-->")


class Holes:
    """Passed to a template as ``holes``: ``{{ holes.clock }}`` renders a marker where the clock goes."""

    def __getitem__(self, name: str) -> SafeString:
        return mark_safe(f"<!--hole:{_TOKEN}:{name}-->")  # noqa: S308 - hex token and an identifier

    def split(self, html: str) -> HoledPage:
        pieces = _HOLE.split(html)
        parts, names = tuple(pieces[0::2]), tuple(pieces[1::2])
        digest = hashlib.blake2b(digest_size=16)
        for piece in (*parts, *names):  # not the markers: their token differs between processes
            digest.update(piece.encode())
            digest.update(b"\0")
        return HoledPage(parts=parts, names=names, digest=digest.hexdigest())


@dataclass(frozen=True)
class HoledPage:
    parts: tuple[str, ...]
    names: tuple[str, ...]
    digest: str = ""  # of the page around its holes, made once when it is rendered

    def fill(self, fills: dict[str, str]) -> str:
        out = [self.parts[0]]
        for name, part in zip(self.names, self.parts[1:], strict=True):
            out.append(fills[name])
            out.append(part)
        return "".join(out)

    def etag(self, fills: dict[str, str]) -> str:
        """The filled page's ETag from the kept digest and the (small) fills: hashing the whole ~50 KB page on
        every request was a fifth of a kept article's CPU."""
        digest = hashlib.blake2b(self.digest.encode(), digest_size=16)
        for name in self.names:
            digest.update(fills[name].encode())
            digest.update(b"\0")
        return f'"{digest.hexdigest()}"'


# --- Article pages ----------------------------------------------------------------------------------------


def article_key(state: selectors.ArticleState, *, public_id: int, page: int, sections_stamp: str) -> str:
    stamp = f"{state.version}:{state.modified_at.timestamp()}:{state.status}"
    zone = timezone.get_current_timezone_name()
    return f"site:article:{CACHE_VERSION}:{public_id}:{stamp}:{page}:{sections_stamp}:{zone}"


def _index_key(public_id: int) -> str:
    return f"site:article:{CACHE_VERSION}:keys:{public_id}"


def article_page_get(key: str) -> HoledPage | None:
    return cache.get(key)


def article_page_set(key: str, page: HoledPage, *, public_id: int) -> None:
    keys = [k for k in cache.get(_index_key(public_id), []) if k != key][-20:] + [key]
    cache.set_many({key: page, _index_key(public_id): keys}, ARTICLE_TTL)


def article_changed(article_id: int) -> None:
    """Drop every cached page of the article (its new key would miss them anyway)."""
    articles_changed([article_id])


def articles_changed(article_ids: list[int]) -> None:
    """The publishing pipeline's effect: drop every cached page of the batch's articles, from one query and
    two cache calls (their new keys would miss the old pages anyway: this frees them)."""
    indexes = [_index_key(public_id) for public_id in selectors.article_public_ids(pks=article_ids)]
    if indexes:
        kept = cache.get_many(indexes)
        cache.delete_many([key for keys in kept.values() for key in keys] + indexes)


# --- Per-page constant fragments ---------------------------------------------------------------------------

_nav: dict[tuple, SafeString] = {}
_stamps: dict[tuple, str] = {}
_clock: dict[tuple, str] = {}
_layouts: dict[tuple, HoledPage] = {}
_frames: dict[tuple, HoledPage] = {}
_filters: dict[tuple, SafeString] = {}


# HTML kept by everything it is made of (the key): pure memoization, nothing to invalidate. Cards of feeds and
# of the home page: most of a page's cards were on the page a moment ago.
kept_html: dict[tuple, str] = {}
KEPT_HTML_ENTRIES = 4096


def keep_html(key: tuple, html: str) -> str:
    if len(kept_html) >= KEPT_HTML_ENTRIES:
        kept_html.clear()
    kept_html[key] = html
    return html


@lru_cache(maxsize=4096)
def media_url(storage, name: str) -> str:
    """``storage.url(name)``, kept: a photo's srcset joins a URL per rendition."""
    return storage.url(name)


def forget_fragments(**_kwargs) -> None:
    """Drop what this process keeps in memory (on ``setting_changed``: tests change the city, the zone …)."""
    _nav.clear()
    _stamps.clear()
    _clock.clear()
    _layouts.clear()
    _frames.clear()
    _filters.clear()
    _page_blocks.clear()
    kept_html.clear()
    media_url.cache_clear()
    selectors.forget_kept()
    _section_url.cache_clear()
    _article_prefix.cache_clear()
    _slug_url.cache_clear()
    _page_url.cache_clear()


def sections_stamp(rows: tuple) -> str:
    """A short digest of the sections' rows: part of every cached page that shows section names."""
    stamp = _stamps.get(rows)
    if stamp is None:
        if len(_stamps) > 32:
            _stamps.clear()
        stamp = _stamps[rows] = hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()
    return stamp


def request_section_rows(request) -> tuple[tuple, ...]:
    """The sections' rows, read once per request however many parts of the page show them."""
    rows = getattr(request, "_newsdesk_section_rows", None)
    if rows is None:
        rows = selectors.section_rows()
        if request is not None:
            request._newsdesk_section_rows = rows
    return rows


def request_sections(request) -> list:
    return selectors.sections_from_rows(request_section_rows(request))


def section_nav(*, current_slug: str | None, request=None) -> SafeString:
    """The header's section links, rendered once per set of sections and current section."""
    rows = request_section_rows(request)
    key = (rows, current_slug)
    html = _nav.get(key)
    if html is None:
        if len(_nav) > 64:
            _nav.clear()
        html = _nav[key] = _render_nav(rows, current_slug)
    return html


def _render_nav(rows: tuple, current_slug: str | None) -> SafeString:
    items = []
    for _id, name, slug, *_rest in rows:
        current = mark_safe(' aria-current="page"') if slug == current_slug else ""  # noqa: S308
        url = section_url(slug)
        items.append(format_html('<li><a href="{}"{}>{}</a></li>', url, current, name))
    return mark_safe("".join(items))  # noqa: S308 - each item built by format_html


ARTICLE_PARTS = ("title", "head", "content", "scripts")


def article_layout(request) -> HoledPage:
    """site/article.html with holes for the article's parts and the clock: site/base.html's frame, which is
    the same for every article (it shows the sections, links and static files, nothing of the article), so it
    is rendered once per set of sections rather than once per article."""
    key = (sections_stamp(request_section_rows(request)), get_urlconf(), get_script_prefix())
    layout = _layouts.get(key)
    if layout is None:
        if len(_layouts) > 16:
            _layouts.clear()
        holes = Holes()
        context = {"holes": holes, "article_parts": {name: holes[name] for name in ARTICLE_PARTS}}
        layout = _layouts[key] = holes.split(render_to_string("site/article.html", context, request))
    return layout


# --- Reader pages: the frame kept, the page's own blocks rendered ----------------------------------------------

# site/base.html's blocks: a page template that extends it overrides some of them.
FRAME_BLOCKS = ("title", "feeds", "head", "content", "scripts")
_FRAME_SOURCE = '{% extends "site/base.html" %}' + "".join(
    f"{{% block {name} %}}{{{{ holes.{name} }}}}{{% endblock %}}" for name in FRAME_BLOCKS
)
_page_blocks: dict[int, tuple[object, dict]] = {}


def page_frame(request, *, section=None) -> HoledPage:
    """site/base.html with a hole for each of its blocks and for the clock: the header, the section links and
    the footer are the same on every page with the same sections and current section, so they are rendered
    once per process and set of sections (as ``article_layout`` is for articles), not once per request."""
    rows = request_section_rows(request)
    current = getattr(section, "slug", None)
    key = (sections_stamp(rows), current, get_urlconf(), get_script_prefix())
    frame = _frames.get(key)
    if frame is None:
        if len(_frames) > 64:
            _frames.clear()
        holes = Holes()
        html = (
            engines["django"].from_string(_FRAME_SOURCE).render({"holes": holes, "section": section}, request)
        )
        frame = _frames[key] = holes.split(html)
    return frame


def _blocks_of(template) -> dict:
    """A page template's blocks by name, its own or else those it inherits (``{{ block.super }}`` is not
    supported: no reader page uses it)."""
    kept = _page_blocks.get(id(template))
    if kept is not None and kept[0] is template:
        return kept[1]
    blocks: dict = {}
    current = template
    while current is not None:
        extends = next(iter(current.nodelist.get_nodes_by_type(ExtendsNode)), None)
        nodes = extends.blocks if extends is not None else current.nodelist.get_nodes_by_type(BlockNode)
        for node in nodes.values() if isinstance(nodes, dict) else nodes:
            blocks.setdefault(node.name, node)
        current = current.engine.get_template(extends.parent_name.resolve(Context())) if extends else None
    if len(_page_blocks) > 64:
        _page_blocks.clear()
    _page_blocks[id(template)] = (template, blocks)
    return blocks


def render_page(request, template_name: str, context: dict, *, status: int = 200) -> HttpResponse:
    """``render()`` for reader pages that extend site/base.html: the kept frame (``page_frame``) filled with the
    page's own blocks, rendered with the same context (context processors included), and the clock. The bytes
    are what ``render()`` writes (tests/site/test_page_frame.py compares them)."""
    frame = page_frame(request, section=context.get("section"))
    template = engines["django"].get_template(template_name).template
    blocks = _blocks_of(template)
    rendering = make_context(context, request, autoescape=template.engine.autoescape)
    fills = {"clock": city_clock()}
    with rendering.render_context.push_state(template), rendering.bind_template(template):
        rendering.template_name = template.name
        for name in frame.names:
            if name != "clock":
                fills[name] = blocks[name].render(rendering)
    return HttpResponse(frame.fill(fills), status=status)


def feed_filter(request, chosen: list) -> SafeString:
    """The feed's section filter (site/_filter.html), rendered once per set of sections and choice."""
    rows = request_section_rows(request)
    key = (rows, tuple(section.slug for section in chosen), get_urlconf(), get_script_prefix())
    html = _filters.get(key)
    if html is None:
        if len(_filters) > 64:
            _filters.clear()
        context = {"nav_sections": selectors.sections_from_rows(rows), "chosen": chosen}
        html = _filters[key] = mark_safe(render_to_string("site/_filter.html", context))  # noqa: S308
    return html


def city_clock() -> str:
    """The header's city clock (the weather app's widget), rendered once per minute and weather snapshot:
    what it shows changes by the minute; site.js and city-clock.js keep it ticking in the browser."""
    from newsdesk.weather.selectors import cached_weather_snapshot

    snapshot = cached_weather_snapshot()
    key = (int(time.time() // 60), (snapshot or {}).get("built_at"), timezone.get_current_timezone_name())
    html = _clock.get(key)
    if html is None:
        _clock.clear()
        html = _clock[key] = render_to_string("weather/_city_clock.html")
    return html


def most_read(section) -> str:
    """The Most read box: the analytics app's template tag, which keeps it rendered for a minute."""
    from newsdesk.analytics.templatetags.analytics import most_read_box

    return most_read_box(section)


def read_also_html(links: list[tuple[str, int, str]]) -> SafeString:
    """The Read also block for (headline, public id, slug) links to visible articles; nothing when there are
    none. A link without an article (public id None) is never shown: its text could announce a draft."""
    links = [link for link in links if link[1] is not None]
    if not links:
        return mark_safe("")
    items = "".join(
        f'<li><a href="{escape(article_url(pid, slug))}">{escape(title)}</a></li>'
        for title, pid, slug in links
    )
    return mark_safe(  # noqa: S308 - every value above is escaped
        '<aside class="read-also" aria-labelledby="read-also-title">\n'
        '      <h2 id="read-also-title">Read also</h2>\n'
        f"      <ul>{items}</ul>\n    </aside>"
    )


def article_url(public_id: int, slug: str) -> str:
    """``Article.get_absolute_url`` without a reverse() per link (lists of links add up)."""
    return f"{_article_prefix(get_urlconf(), get_script_prefix())}{public_id}/{quote(slug)}/"


@memoize
def _article_prefix(urlconf, script_prefix: str) -> str:
    url = reverse("site:article", kwargs={"public_id": 1, "slug": "s"})
    if not url.endswith("/1/s/"):
        raise ValueError(f"The article URL pattern changed ({url}); update fragments.article_url.")
    return url[: -len("1/s/")]


def article_prefix() -> str:
    """What every article's address starts with (``article_url`` for a list: looked up once)."""
    return _article_prefix(get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _section_url(urlconf, script_prefix: str, slug: str) -> str:
    return reverse("site:section", kwargs={"slug": slug})


def section_url(slug: str) -> str:
    return _section_url(get_urlconf(), get_script_prefix(), slug)


@lru_cache(maxsize=1024)
def _slug_url(urlconf, script_prefix: str, name: str, slug: str) -> str:
    return reverse(name, kwargs={"slug": slug})


@lru_cache(maxsize=256)
def _page_url(urlconf, script_prefix: str, name: str) -> str:
    return reverse(name)


def page_url(name: str) -> str:
    """``reverse(name)`` of a page without arguments, kept."""
    return _page_url(get_urlconf(), get_script_prefix(), name)


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, kept: lists of galleries, persons or topics add up."""
    return _slug_url(get_urlconf(), get_script_prefix(), name, slug)
