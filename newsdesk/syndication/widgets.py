"""What the reader pages show of the syndication app: <link rel="alternate"> tags for the page's feeds — all
news, plus the section, person or topic feed on that one's page (a Jinja2 global of the reader site,
newsdesk/site/jinja.py, put in base.html's <head> so that no page template has to remember it)."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext
from markupsafe import Markup

TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
SCOPED_PAGES = {"section", "person", "topic"}  # reader-site URL names that have a feed of their own
_LINK = Markup('<link rel="alternate" type="{}" href="{}" title="{} — {}">')


def feed_links(request, title: str | None = None) -> Markup:
    match = getattr(request, "resolver_match", None)
    if (
        match is not None
        and match.namespace == "site"
        and match.url_name in SCOPED_PAGES
        and "slug" in match.kwargs
    ):
        kind, slug = match.url_name, match.kwargs["slug"]
        return _links(get_urlconf(), get_script_prefix(), get_language(), kind, slug, str(title or slug))
    return _links(get_urlconf(), get_script_prefix(), get_language(), None, None, None)


@lru_cache(maxsize=512)
def _links(
    urlconf, script_prefix: str, language: str | None, kind: str | None, slug: str | None, title: str | None
) -> Markup:
    # By language too: the titles are in the page's language.
    # Kept: on every reader page, and six reverse() calls cost more than the rest of the page's head.
    links: list[tuple[str, str, str | None]] = [
        (reverse(f"syndication:news-{fmt}"), fmt, gettext("All news")) for fmt in TYPES
    ]
    if kind is not None:
        links = [
            (reverse(f"syndication:{kind}-{fmt}", kwargs={"slug": slug}), fmt, title) for fmt in TYPES
        ] + links
    return Markup("\n").join(_LINK.format(TYPES[fmt], href, name, LABELS[fmt]) for href, fmt, name in links)
