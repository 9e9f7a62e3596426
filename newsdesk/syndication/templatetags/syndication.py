"""`{% feed_links %}`: <link rel="alternate"> tags for the page's feeds — all news, plus the section, person or
topic feed on that one's page. Put in base.html's <head>, so no page template has to remember it."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
SCOPED_PAGES = {"section", "person", "topic"}  # reader-site URL names that have a feed of their own


@register.simple_tag(takes_context=True)
def feed_links(context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    if (
        match is not None
        and match.namespace == "site"
        and match.url_name in SCOPED_PAGES
        and "slug" in match.kwargs
    ):
        kind, slug = match.url_name, match.kwargs["slug"]
        title = conditional_escape(context.get("title") or slug)  # escaped here: kept by its text
        return _links(get_urlconf(), get_script_prefix(), kind, slug, title)
    return _links(get_urlconf(), get_script_prefix(), None, None, None)


@lru_cache(maxsize=512)
def _links(urlconf, script_prefix: str, kind: str | None, slug: str | None, title: str | None) -> str:
    # Kept: on every reader page, and six reverse() calls cost more than the rest of the page's head.
    links = [(reverse(f"syndication:news-{fmt}"), fmt, "All news") for fmt in TYPES]
    if kind is not None:
        links = [
            (reverse(f"syndication:{kind}-{fmt}", kwargs={"slug": slug}), fmt, mark_safe(title))  # noqa: S308
            for fmt in TYPES
        ] + links
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" href="{}" title="{}">',
        ((TYPES[fmt], href, format_html("{} — {}", name, LABELS[fmt])) for href, fmt, name in links),
    )
