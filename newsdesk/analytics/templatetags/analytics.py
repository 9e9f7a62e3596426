"""{% most_read_box section=... %} and {% read_beacon article %} for the reader pages.

The box is rendered at most once a minute per section and process, then served from memory: on a page it
costs a dictionary look-up. It renders nothing until reads have been counted: never a made-up list.
"""

from __future__ import annotations

import logging
import time

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from newsdesk.news.models import Article, Section

from .. import selectors
from ..backends import Window

register = template.Library()

BOX_TTL = 60.0
BOX_RETRY = 5.0
logger = logging.getLogger(__name__)
HELP = {
    Window.NOW: "the last 60 minutes",
    Window.TODAY: "the last 24 hours",
    Window.WEEK: "the last 7 days",
}
_box_cache: dict[int | None, tuple[float, SafeString]] = {}


def box_cache_clear() -> None:
    _box_cache.clear()


def _render_box(section: Section | None) -> SafeString:
    boards = selectors.most_read_boards(section=section)
    if not any(boards.values()):
        return mark_safe("")  # hidden until there is something true to show
    tabs = [{"window": w, "label": w.label, "help": HELP[w], "items": boards[w]} for w in Window]
    return mark_safe(render_to_string("analytics/most_read_box.html", {"section": section, "tabs": tabs}))  # noqa: S308


@register.simple_tag
def most_read_box(section=None) -> SafeString:
    section = section if isinstance(section, Section) else None
    key = section.pk if section else None
    cached = _box_cache.get(key)
    now = time.monotonic()
    if cached is None or cached[0] <= now:
        try:
            cached = (now + BOX_TTL, _render_box(section))
        except Exception:  # the counters' store is down: the last box (or none) until it answers, never a 500
            logger.warning("analytics: Most read unavailable; serving the last box", exc_info=True)
            cached = (now + BOX_RETRY, cached[1] if cached else mark_safe(""))
        _box_cache[key] = cached
    return cached[1]


@register.inclusion_tag("analytics/read_beacon.html", takes_context=True)
def read_beacon(context, article) -> dict:
    """The read beacon for an article page; nothing for newsroom previews or what a reader may not see."""
    countable = isinstance(article, Article) and not context.get("preview") and article.visible_at()
    return {"article": article if countable else None}
