"""Rendered fragments kept between requests, each with a key that changes whenever its content would.

- **Article pages** are rendered once per (article, version, last change, status, page, sections, zone) and
  kept in Django's cache "with holes": the parts that change on their own clock — the header's city clock, the
  sidebar (sidebar.py: kept on its own, with the Most read box) and the Read also links (whose targets can be
  published, scheduled or withdrawn without the article changing) — are filled in on every request. A new version, a correction, any save, a withdrawal or a
  renamed section changes the key, so a stale page cannot be served even when the cache is per process; the
  after-publish hook also deletes the old entries at once (what a shared cache needs to free memory).
  Renaming a person, a topic or a photo caption does not touch the article: those reach cached pages within
  ``ARTICLE_TTL``.
- **The header's section list**, **the frame** of every page (site/base.html with holes) and **cards** are kept
  in process memory: the sections by their own rows (read on every request, one small compiled query), the
  frame by the sections and the URL configuration, cards by every value they show. The city clock is kept by
  the weather app's widget, by the minute it shows.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache as memoize
from functools import lru_cache
from urllib.parse import quote

from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from jinja2 import nodes as jinja_nodes
from markupsafe import Markup

from newsdesk import editions
from newsdesk.news import selectors
from newsdesk.weather.widgets import city_clock as weather_clock
from newsdesk.weather.widgets import forget as weather_forget

ARTICLE_TTL = 600  # seconds; bounds how long a renamed person or topic may wait to show on an article page
CACHE_VERSION = "4"  # bump when the article template changes in a way old entries must not outlive


# --- Holes: a page rendered once, with the per-request parts filled in later --------------------------------


_TOKEN = secrets.token_hex(8)  # article text can't carry the marker: bodies are stripped of comments
_HOLE = re.compile(f"<!--hole:{_TOKEN}:([a-z_]+)-->")


class Holes:
    """Passed to a template as ``holes``: ``{{ holes.clock }}`` renders a marker where the clock goes."""

    def __getitem__(self, name: str) -> Markup:
        return Markup(f"<!--hole:{_TOKEN}:{name}-->")  # noqa: S704 - hex token and an identifier

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
    return f"site:article:{CACHE_VERSION}:{public_id}:{stamp}:{page}:{sections_stamp}:{zone}:{get_language()}"


def _index_key(public_id: int) -> str:
    return f"site:article:{CACHE_VERSION}:keys:{public_id}"


def article_page_get(key: str) -> HoledPage | None:
    return cache.get(key)


def article_page_and_sidebar(key: str) -> tuple[HoledPage | None, HoledPage | None]:
    """The kept article page and the kept sidebar, in one cache call (one round trip with Redis)."""
    side = sidebar_key()
    kept = cache.get_many([key, side])
    return kept.get(key), kept.get(side)


def article_page_set(key: str, page: HoledPage, *, public_id: int) -> None:
    keys = [k for k in cache.get(_index_key(public_id), []) if k != key][-20:] + [key]
    cache.set_many({key: page, _index_key(public_id): keys}, ARTICLE_TTL)


def article_changed(article_id: int) -> None:
    """Drop every cached page of the article (its new key would miss them anyway)."""
    articles_changed([article_id])


def articles_changed(article_ids: list[int]) -> None:
    """The publishing pipeline's effect: drop every cached page of the batch's articles, from one query and
    two cache calls (their new keys would miss the old pages anyway: this frees them)."""
    # Its lists may show the batch, in the batch's editions: the next article page renders it again.
    cache.delete_many([sidebar_key(language=code) for code in editions.codes()])
    # With the pages of their versions in other editions: those link to them ("Read in English").
    indexes = [
        _index_key(public_id) for public_id in selectors.article_public_ids(pks=article_ids, linked=True)
    ]
    if indexes:
        kept = cache.get_many(indexes)
        cache.delete_many([key for keys in kept.values() for key in keys] + indexes)


# --- Per-page constant fragments ---------------------------------------------------------------------------

_nav: dict[tuple, Markup] = {}
_stamps: dict[tuple, str] = {}
_frames: dict[tuple, HoledPage] = {}
_filters: dict[tuple, Markup] = {}


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
    weather_forget()
    _frames.clear()
    _filters.clear()
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


def section_nav(*, current_slug: str | None, request=None) -> Markup:
    """The header's section links, rendered once per set of sections and current section."""
    rows = request_section_rows(request)
    key = (rows, current_slug, get_language())  # the language: its links' addresses (the edition's prefix)
    html = _nav.get(key)
    if html is None:
        if len(_nav) > 64:
            _nav.clear()
        sections = [(name, slug) for _id, name, slug, *_rest in rows]
        html = _nav[key] = macros().section_links(sections, current_slug)
    return html


# --- Reader pages: the frame kept, the page's own blocks rendered ----------------------------------------------

_page_blocks: dict[int, tuple[object, dict]] = {}  # by template: kept until a template changes


def _jinja():
    return engines["jinja2"].env


def macros():
    """site/_macros.html's macros (cards, tiles, links): the module is made once per template."""
    return _jinja().get_template("site/_macros.html").module


def page_frame(request, *, section=None) -> HoledPage:
    """site/base.html with a hole for each of its blocks and for the clock: the header, the section links and
    the footer are the same on every page with the same sections and current section, so they are rendered
    once per process and set of sections, not once per request (an article page too: its frame shows nothing
    of the article)."""
    rows = request_section_rows(request)
    current = getattr(section, "slug", None)
    # by language: the frame's words and links are the page's edition's
    key = (sections_stamp(rows), current, get_urlconf(), get_script_prefix(), get_language())
    frame = _frames.get(key)
    if frame is None:
        if len(_frames) > 64:
            _frames.clear()
        holes = Holes()
        context = {"holes": holes, "section": section, "request": request, "title": None}
        html = engines["jinja2"].get_template("site/_frame.html").render(context, request)
        frame = _frames[key] = holes.split(html)
    return frame


def _blocks_of(template) -> dict:
    """A Jinja2 page template's block functions by name, its own or else those of the templates it extends,
    as Jinja2 chains them (``super()`` is not supported: no reader page uses it)."""
    kept = _page_blocks.get(id(template))
    if kept is not None and kept[0] is template:
        return kept[1]
    env = template.environment
    chain: dict = {}
    current = template
    while current is not None:
        for name, render in current.blocks.items():
            chain.setdefault(name, []).append(render)
        source = env.loader.get_source(env, current.name)[0]
        parent = next(iter(env.parse(source).find_all(jinja_nodes.Extends)), None)
        current = env.get_template(parent.template.value) if parent is not None else None
    if len(_page_blocks) > 64:
        _page_blocks.clear()
    _page_blocks[id(template)] = (template, chain)
    return chain


def page_blocks(request, template_name: str, context: dict, names) -> dict[str, str]:
    """The page template's blocks ``names`` rendered with ``context``, as Django's Jinja2 backend would render the
    whole template (the request, its CSRF values and the context processors' values added)."""
    backend = engines["jinja2"]
    assert isinstance(backend, Jinja2)  # settings.TEMPLATES: Django's Jinja2 backend, named "jinja2"
    template = backend.get_template(template_name).template
    full = dict(context)
    if request is not None:
        full.update(request=request, csrf_input=csrf_input_lazy(request), csrf_token=csrf_token_lazy(request))
        for processor in backend.template_context_processors:
            full.update(processor(request))
    chain = _blocks_of(template)
    rendering = template.new_context(full)
    rendering.blocks = {name: list(renders) for name, renders in chain.items()}
    return {name: "".join(chain[name][0](rendering)) for name in names}


def render_page(request, template_name: str, context: dict, *, status: int = 200) -> HttpResponse:
    """``render()`` for reader pages that extend site/base.html: the kept frame (``page_frame``) filled with the
    page's own blocks and the clock. The bytes are what ``render()`` writes (tests/site/test_page_frame.py
    compares them)."""
    frame = page_frame(request, section=context.get("section"))
    names = [name for name in frame.names if name != "clock"]
    fills = {"clock": city_clock(), **page_blocks(request, template_name, context, names)}
    return HttpResponse(frame.fill(fills), status=status)


def render_kept(request, template_name: str, context: dict, holes: Holes) -> HoledPage:
    """A page to keep: the frame filled with the page's blocks, rendered with ``holes`` in the context, and
    split around the holes left in it (the clock, and any the blocks left) to fill on every request."""
    frame = page_frame(request, section=context.get("section"))
    names = [name for name in frame.names if name != "clock"]
    fills = {
        "clock": holes["clock"],
        **page_blocks(request, template_name, {**context, "holes": holes}, names),
    }
    return holes.split(frame.fill(fills))


# --- The article page's sidebar --------------------------------------------------------------------------------

SIDEBAR_TTL = (
    30  # seconds; the after-publish effect drops it sooner, and its news feed is live in the browser
)
SIDEBAR_LATEST = 8
SIDEBAR_TOP = 5
# How long a shared cache (the page cache, Varnish) may keep an article page, sidebar included: publishing another
# story purges only that story's pages, so Top stories and Most read beside an article are at most this old.
ARTICLE_SHARED_MAX_AGE = 60


def sidebar_key(*, language: str | None = None) -> str:
    # One entry per zone, prefix and edition (what its times, links and lists are made of): the effect drops
    # it by this key. It shows no section names.
    zone = timezone.get_current_timezone_name()
    return f"site:sidebar:{CACHE_VERSION}:{zone}:{get_script_prefix()}:{language or get_language()}"


def feed_filter(request, chosen: list) -> Markup:
    """The feed's section filter (site/_filter.html), rendered once per set of sections and choice."""
    rows = request_section_rows(request)
    key = (
        rows,
        tuple(section.slug for section in chosen),
        get_urlconf(),
        get_script_prefix(),
        get_language(),
    )
    html = _filters.get(key)
    if html is None:
        if len(_filters) > 64:
            _filters.clear()
        context = {"nav_sections": selectors.sections_from_rows(rows), "chosen": chosen}
        html = _filters[key] = Markup(render_to_string("site/_filter.html", context))  # noqa: S704 - autoescaped
    return html


def city_clock() -> Markup:
    """The header's city clock: the weather app's widget, kept per minute."""
    return weather_clock()


def read_also_html(links: list[tuple[str, int, str]]) -> Markup:
    """The Read also block for (headline, public id, slug) links to visible articles; nothing when there are
    none. A link without an article (public id None) is never shown: its text could announce a draft."""
    shown = [(title, article_url(pid, slug)) for title, pid, slug in links if pid is not None]
    return macros().read_also(shown) if shown else Markup("")


def article_url(public_id: int, slug: str) -> str:
    """``Article.get_absolute_url`` without a reverse() per link (lists of links add up)."""
    return f"{_article_prefix(get_urlconf(), get_script_prefix(), get_language())}{public_id}/{quote(slug)}/"


# The URL helpers below are kept by language too: an edition's addresses carry its prefix (/ru/…).
@memoize
def _article_prefix(urlconf, script_prefix: str, language: str | None) -> str:
    url = reverse("site:article", kwargs={"public_id": 1, "slug": "s"})
    if not url.endswith("/1/s/"):
        raise ValueError(f"The article URL pattern changed ({url}); update fragments.article_url.")
    return url[: -len("1/s/")]


def article_prefix() -> str:
    """What every article's address starts with (``article_url`` for a list: looked up once)."""
    return _article_prefix(get_urlconf(), get_script_prefix(), get_language())


@lru_cache(maxsize=256)
def _section_url(urlconf, script_prefix: str, language: str | None, slug: str) -> str:
    return reverse("site:section", kwargs={"slug": slug})


def section_url(slug: str) -> str:
    return _section_url(get_urlconf(), get_script_prefix(), get_language(), slug)


@lru_cache(maxsize=1024)
def _slug_url(urlconf, script_prefix: str, language: str | None, name: str, slug: str) -> str:
    return reverse(name, kwargs={"slug": slug})


@lru_cache(maxsize=256)
def _page_url(urlconf, script_prefix: str, language: str | None, name: str) -> str:
    return reverse(name)


def page_url(name: str) -> str:
    """``reverse(name)`` of a page without arguments, kept."""
    return _page_url(get_urlconf(), get_script_prefix(), get_language(), name)


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})``, kept: lists of galleries, persons or topics add up."""
    return _slug_url(get_urlconf(), get_script_prefix(), get_language(), name, slug)
