"""What the reader pages show of the weather app: the header's city clock (a Jinja2 global of the reader site,
newsdesk/site/jinja.py). Reads the cache only: no query, no provider call."""

from __future__ import annotations

import time

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from markupsafe import Markup

from . import presenters, selectors

_kept: dict[tuple, Markup] = {}


def city_clock() -> Markup:
    """The header clock of the site's default city, with its style sheet and script, rendered once per minute
    and weather snapshot: what it shows changes by the minute; city-clock.js keeps it ticking in the browser."""
    snapshot = selectors.cached_weather_snapshot()
    # by language too: the clock writes its time and labels in the page's language
    key = (
        int(time.time() // 60),
        (snapshot or {}).get("built_at"),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    html = _kept.get(key)
    if html is None:
        for old in [k for k in _kept if k[:3] != key[:3]]:  # another minute's: the other languages' stay
            del _kept[old]
        context = presenters.clock_context(snapshot, now=timezone.now())
        # The script's city list in the page's language (?lang=ru); the default edition's is the plain address.
        language = translation.get_language()
        context["lang_query"] = f"?lang={language}" if language and language != settings.LANGUAGE_CODE else ""
        html = _kept[key] = Markup(render_to_string("weather/_city_clock.html", context))  # noqa: S704 - autoescaped
    return html


def forget() -> None:
    _kept.clear()
