"""The article page's sidebar (site/_sidebar.html), as the agency's own pages have it: the news feed (live), Photo,
Infographics, Most read (site-wide) and Top stories.

Rendered from the home page's lists and kept in Django's cache for ``fragments.SIDEBAR_TTL`` under one key
(``fragments.sidebar_key``), which the after-publish effect deletes; a reader page fetches it with the kept
article page in one cache call and fills in the Most read box, which the analytics app keeps.
"""

from __future__ import annotations

from django.core.cache import cache
from django.template import engines
from markupsafe import Markup

from newsdesk.analytics.widgets import most_read_box
from newsdesk.news import selectors

from . import fragments
from .presenters import Cards


def sidebar_render(request) -> fragments.HoledPage:
    """site/_sidebar.html from the home page's lists (one compiled read for the news feed and top stories, one
    for galleries and infographics, one for their covers), with a hole for the Most read box; kept in Django's
    cache (shared by the processes when it is Redis) for ``fragments.SIDEBAR_TTL``."""
    rows = fragments.request_section_rows(request)
    # block=1: the home page's read needs its section ranges (a limit of 0 compiles to no query at all); the
    # sections' one card each is not shown
    lists = selectors.home_page(
        sections=selectors.sections_from_rows(rows),
        top=fragments.SIDEBAR_TOP,
        latest=fragments.SIDEBAR_LATEST,
        block=1,
    )
    holes = fragments.Holes()
    context = {
        "cards": Cards(),
        "latest": lists.latest,
        "top_stories": lists.top_stories,
        "galleries": lists.galleries,
        "infographics": lists.infographics,
        "holes": holes,
    }
    html = engines["jinja2"].get_template("site/_sidebar.html").render(context, request)
    kept = holes.split(html)
    cache.set(fragments.sidebar_key(), kept, fragments.SIDEBAR_TTL)
    return kept


def sidebar_fill(request, kept: fragments.HoledPage | None) -> str:
    """The sidebar for this request: the kept one (rendered when missing) with the site-wide Most read box."""
    return (kept or sidebar_render(request)).fill({"most_read": most_read_box(None)})


def sidebar_html(request) -> Markup:
    """The sidebar where the page is not kept (the newsroom's preview)."""
    return Markup(sidebar_fill(request, cache.get(fragments.sidebar_key())))  # noqa: S704 - autoescaped template
