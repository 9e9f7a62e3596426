"""What the reader pages show of the analytics app: the Most read box and the read beacon (Jinja2 globals of the
reader site, newsdesk/site/jinja.py).

The box is rendered at most once a minute per section for all processes: it is kept in the cache they share
(``caches["shared"]``: Redis when REDIS_URL is set, files in the data dir otherwise), so every process shows the
same box and none shows an empty one beside another's full one (each process keeping its own box for a minute
made it appear and vanish on reload). A process keeps a box it read for a few seconds (``FRONT_TTL``), "no box
yet" for one second only. It renders nothing until reads have been counted
(never a made-up list); once a box has been shown it stays, its windows saying when they have no reads.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from markupsafe import Markup

from newsdesk.news.models import Article, Section

from . import selectors
from .backends import Window

BOX_TTL = 60.0  # seconds a rendered box is served before it is rendered again (by whichever process asks)
BOX_RETRY = 5.0  # while the counters' store is down, how long the last box is served before trying again
FRONT_TTL = 5.0  # seconds a process serves a full box from its own memory without asking the shared cache
EMPTY_FRONT_TTL = (
    1.0  # and "no box yet" (a file read costs ~80 us: not on every page of a site without reads)
)
SHOWN_TTL = (
    30 * 24 * 3600
)  # a box once shown is shown (with empty windows) for this long after its last reads
CACHE_ALIAS = "shared"
logger = logging.getLogger(__name__)
LABELS = {
    Window.NOW: pgettext_lazy("most read", "Now"),
    Window.TODAY: pgettext_lazy("most read", "Today"),
    Window.WEEK: pgettext_lazy("most read", "This week"),
}
HELP = {
    Window.NOW: gettext_lazy("the last 60 minutes"),
    Window.TODAY: gettext_lazy("the last 24 hours"),
    Window.WEEK: gettext_lazy("the last 7 days"),
}
# Boxes by (section, language): a box's words are in its page's language.
_front: dict[tuple[int | None, str | None], tuple[float, Markup]] = {}


def _key(section_id: int | None, language: str | None = None) -> str:
    return f"analytics:most-read-box:2:{language or get_language()}:{section_id or 'site'}"


def _shown_key(section_id: int | None) -> str:
    return f"analytics:most-read-shown:1:{section_id or 'site'}"


def box_forget() -> None:
    """Render the site-wide box again on its next showing, in every process (an article's visibility changed);
    this process's boxes too. A section's box follows within ``BOX_TTL``."""
    _front.clear()
    caches[CACHE_ALIAS].delete_many([_key(None, code) for code, _name in settings.LANGUAGES])


def box_cache_clear() -> None:
    """Forget the site-wide box, and that it was ever shown (tests)."""
    _front.clear()
    keys = [_key(None, code) for code, _name in settings.LANGUAGES]
    caches[CACHE_ALIAS].delete_many([*keys, _shown_key(None)])


def _render_box(section: Section | None, *, shown_before: bool) -> tuple[Markup, bool]:
    boards = selectors.most_read_boards(section=section, language=get_language())  # the page's edition's
    if not any(boards.values()) and not shown_before:
        return Markup(""), False  # hidden until there is something true to show
    tabs = [{"window": w, "label": LABELS[w], "help": HELP[w], "items": boards[w]} for w in Window]
    html = render_to_string("analytics/most_read_box.html", {"section": section, "tabs": tabs})
    return Markup(html), True  # noqa: S704 - rendered by the autoescaping template


def most_read_box(section=None) -> Markup:
    """The Most read box, of one section or of the whole site: the same in every process."""
    section = section if isinstance(section, Section) else None
    section_id = section.pk if section else None
    now = time.monotonic()
    front = _front.get((section_id, get_language()))
    if front is not None and front[0] > now:
        return front[1]
    shared = caches[CACHE_ALIAS]
    key = _key(section_id)
    kept = shared.get(key)  # (fresh until, wall clock; html)
    if kept is None or kept[0] <= time.time():
        kept = _refresh(shared, section, key, last=kept)
    html = Markup(kept[1])  # noqa: S704 - rendered by the autoescaping template
    # An empty box only briefly: the moment the first reads are shown elsewhere, this process follows.
    _front[(section_id, get_language())] = (now + (FRONT_TTL if html else EMPTY_FRONT_TTL), html)
    return html


def _refresh(shared, section: Section | None, key: str, *, last) -> tuple[float, str]:
    shown_key = _shown_key(section.pk if section else None)
    try:
        html, shown = _render_box(section, shown_before=bool(shared.get(shown_key)))
    except Exception:  # the counters' store is down: the last box (or none) until it answers, never a 500
        logger.warning("analytics: Most read unavailable; serving the last box", exc_info=True)
        kept = (time.time() + BOX_RETRY, last[1] if last else "")
    else:
        if shown:
            shared.set(shown_key, True, SHOWN_TTL)
        kept = (time.time() + BOX_TTL, str(html))
    shared.set(key, kept, BOX_TTL * 10)  # past its freshness it is still the last box, should rendering fail
    return kept


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
