"""`{% feed_links %}`: <link rel="alternate"> tags for the page's feeds — all news, plus the section, person or
topic feed on that one's page. Put in base.html's <head>, so no page template has to remember it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
SCOPED_PAGES = {"section", "person", "topic"}  # reader-site URL names that have a feed of their own


@register.simple_tag(takes_context=True)
def feed_links(context) -> str:
    links = [(reverse(f"syndication:news-{fmt}"), fmt, "All news") for fmt in TYPES]
    match = getattr(context.get("request"), "resolver_match", None)
    if (
        match is not None
        and match.namespace == "site"
        and match.url_name in SCOPED_PAGES
        and "slug" in match.kwargs
    ):
        kind, slug = match.url_name, match.kwargs["slug"]
        title = context.get("title") or slug
        links = [
            (reverse(f"syndication:{kind}-{fmt}", kwargs={"slug": slug}), fmt, title) for fmt in TYPES
        ] + links
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" href="{}" title="{}">',
        ((TYPES[fmt], href, format_html("{} — {}", name, LABELS[fmt])) for href, fmt, name in links),
    )
