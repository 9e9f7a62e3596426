"""How the reader site writes times and dates: one module every app uses (the site's templates, the weather
clock, the search page), with no dependency on any app. Jinja2 exposes these as filters (newsdesk/site/jinja.py).

Values that reach a page as HTML are ``markupsafe.Markup``: autoescaping leaves them as they are and escapes
everything else once.
"""

from __future__ import annotations

import datetime as dt
import re

from django.template.defaultfilters import date as django_date
from django.utils import timezone
from markupsafe import Markup, escape


def zone_label(value: dt.datetime) -> str:
    """ "UTC+3", "UTC−5:30", "UTC": readers always see which zone a time is in."""
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_text(moment: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """ "May 30, 11:41 UTC+3", as the agency prints its times (the zone always shown); the year only when it is
    not this year's: "May 30, 2017, 11:41 UTC+3"."""
    this_year = (now or timezone.now()).astimezone(moment.tzinfo).year
    day = f"{moment:%B} {moment.day}" + ("" if moment.year == this_year else f", {moment.year}")
    return f"{day}, {moment:%H:%M} {zone_label(moment)}"


def time_with_zone(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> Markup:
    """<time datetime="…">May 30, 11:41 UTC+3</time> in the current (reader's) zone, or ``zone``."""
    if not value:
        return Markup("")
    local = value.astimezone(zone or timezone.get_current_timezone())
    # An ISO time, digits, an English month and a zone label: nothing to escape.
    return Markup(f'<time datetime="{value.isoformat()}" data-local="full">{local_text(local)}</time>')  # noqa: S704


def clock_with_zone(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> Markup:
    """<time …>11:41 UTC+3</time>: the time of day, for lists already grouped under a day heading."""
    if not value:
        return Markup("")
    local = value.astimezone(zone or timezone.get_current_timezone())
    text = f"{local:%H:%M} {zone_label(local)}"
    return Markup(f'<time datetime="{value.isoformat()}" data-local="clock">{text}</time>')  # noqa: S704


def date(value, arg: str) -> str:
    """Django's ``date`` format (``"j F Y"``), a datetime first converted to the current zone."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return django_date(value, arg)


def count_noun(count: int, singular: str, plural: str) -> str:
    """ "1 photo", "10 photos": never "1 photos"."""
    return f"{count} {singular if count == 1 else plural}"


_PARAGRAPHS = re.compile(r"\n{2,}")


def linebreaks(value) -> Markup:
    """Plain text as HTML paragraphs: a blank line starts one, a single newline is a <br> (Django's
    ``linebreaks``), every piece escaped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = _PARAGRAPHS.split(text)
    return Markup("\n\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
        for p in paragraphs
    )
