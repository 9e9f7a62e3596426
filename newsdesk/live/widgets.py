"""What the reader pages show of the live app: the hook a feed page adds to get live updates (a Jinja2 global of
the reader site, newsdesk/site/jinja.py; live/hook.html)."""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from markupsafe import Markup, escape


def _page_sections(request) -> list[str]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    if match.view_name == "site:section":
        return [match.kwargs["slug"]]
    if match.view_name == "site:latest":
        return request.GET.getlist("section")
    return []


def _since_ms() -> int:
    # A render time, not an event id: pages render without touching the log. A few seconds early, since
    # machines' clocks differ; live.js drops stories the page already shows.
    return int(time.time() * 1000) - 5000


# Stand-ins for the two per-page values: live/hook.html is rendered once per configuration with these, then
# split around them (it is on every feed page, and rendering it cost more than the rest of the page's head).
_SINCE, _SECTIONS = "\x00since\x00", "\x00sections\x00"


@lru_cache(maxsize=16)
def _hook_parts(
    urlconf, script_prefix: str, static_url: str, transport: str, poll_seconds, language: str | None
) -> tuple[Markup, ...]:
    html = render_to_string(
        "live/hook.html",
        {
            "since": _SINCE,
            "sections": _SECTIONS,
            "stream_url": reverse("live:stream"),
            "events_url": reverse("live:events"),
            "transport": transport,
            "poll_seconds": poll_seconds,
        },
    )
    before, rest = html.split(_SINCE)
    between, after = rest.split(_SECTIONS)
    return Markup(before), Markup(between), Markup(after)  # noqa: S704 - parts of an autoescaped render


def live_hook(request) -> Markup:
    before, between, after = _hook_parts(
        get_urlconf(),
        get_script_prefix(),
        settings.STATIC_URL,
        settings.NEWSDESK_LIVE_TRANSPORT,
        settings.NEWSDESK_LIVE_POLL_SECONDS,
        get_language(),  # its words are in the page's language
    )
    sections = " ".join(_page_sections(request)) if request else ""
    return before + str(_since_ms()) + between + escape(sections) + after
