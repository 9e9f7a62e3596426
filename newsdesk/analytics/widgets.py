"""What the reader pages show of the analytics app: the Most read box and the read beacon (Jinja2 globals of the
reader site, newsdesk/site/jinja.py).

The box is rendered at most once a minute per section and process, then served from memory: on a page it
costs a dictionary look-up. It renders nothing until reads have been counted: never a made-up list.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from markupsafe import Markup

from newsdesk.news.models import Article, Section

from . import selectors
from .backends import Window

BOX_TTL = 60.0
BOX_RETRY = 5.0
logger = logging.getLogger(__name__)
HELP = {
    Window.NOW: "the last 60 minutes",
    Window.TODAY: "the last 24 hours",
    Window.WEEK: "the last 7 days",
}
_box_cache: dict[int | None, tuple[float, Markup]] = {}


def box_cache_clear() -> None:
    _box_cache.clear()


def _render_box(section: Section | None) -> Markup:
    boards = selectors.most_read_boards(section=section)
    if not any(boards.values()):
        return Markup("")  # hidden until there is something true to show
    tabs = [{"window": w, "label": w.label, "help": HELP[w], "items": boards[w]} for w in Window]
    html = render_to_string("analytics/most_read_box.html", {"section": section, "tabs": tabs})
    return Markup(html)  # noqa: S704 - rendered by the autoescaping template


def most_read_box(section=None) -> Markup:
    """The Most read box, of one section or of the whole site."""
    section = section if isinstance(section, Section) else None
    key = section.pk if section else None
    cached = _box_cache.get(key)
    now = time.monotonic()
    if cached is None or cached[0] <= now:
        try:
            cached = (now + BOX_TTL, _render_box(section))
        except Exception:  # the counters' store is down: the last box (or none) until it answers, never a 500
            logger.warning("analytics: Most read unavailable; serving the last box", exc_info=True)
            cached = (now + BOX_RETRY, cached[1] if cached else Markup(""))
        _box_cache[key] = cached
    return cached[1]


def read_beacon(article, *, preview: bool = False) -> Markup:
    """The read beacon for an article page; nothing for newsroom previews or what a reader may not see."""
    if preview or not isinstance(article, Article) or not article.visible_at():
        return Markup("")
    beacon_url, pixel_before, pixel_after = _beacon_urls(
        get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    context = {
        "article": article,
        "beacon_url": beacon_url,
        "pixel_url": f"{pixel_before}{article.public_id}{pixel_after}",
    }
    return Markup(render_to_string("analytics/read_beacon.html", context))  # noqa: S704 - autoescaped


@lru_cache(maxsize=8)
def _beacon_urls(urlconf: str, script_prefix: str) -> tuple[str, str, str]:
    # Reversed once: every uncached article page renders the beacon, and three reverse() calls cost more than
    # the rest of it. The pixel's URL is kept as what comes before and after the article's id.
    stand_in = 987654321
    before, _, after = reverse("analytics:pixel", args=[stand_in]).partition(str(stand_in))
    return reverse("analytics:beacon"), before, after
