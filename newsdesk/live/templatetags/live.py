"""``{% live_hook %}``: the one line a feed template adds to get live updates (see live/hook.html)."""

from __future__ import annotations

import logging
import time

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()
logger = logging.getLogger(__name__)


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


@register.inclusion_tag("live/hook.html", takes_context=True)
def live_hook(context):
    request = context.get("request")
    return {
        "since": _since_ms(),
        "sections": " ".join(_page_sections(request)) if request else "",
        "stream_url": reverse("live:stream"),
        "events_url": reverse("live:events"),
        "transport": settings.NEWSDESK_LIVE_TRANSPORT,
        "poll_seconds": settings.NEWSDESK_LIVE_POLL_SECONDS,
    }
