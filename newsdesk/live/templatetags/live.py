"""``{% live_hook %}``: the one line a feed template adds to get live updates (see live/hook.html)."""

from __future__ import annotations

import logging

from django import template
from django.urls import reverse

from ..backends import get_backend

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


def _latest_id() -> str:
    try:
        return get_backend().latest_id()
    except Exception:  # the log is down: the page renders, the script starts from "now"
        logger.exception("Live log unreachable while rendering a page")
        return ""


@register.inclusion_tag("live/hook.html", takes_context=True)
def live_hook(context):
    request = context.get("request")
    return {
        "after": _latest_id(),
        "sections": " ".join(_page_sections(request)) if request else "",
        "stream_url": reverse("live:stream"),
        "events_url": reverse("live:events"),
    }
