"""How the reader site writes times and dates: one module every app uses (the site's templates, the weather
clock, the search page), with no dependency on any app. Jinja2 exposes these as filters (newsdesk/site/jinja.py).

Values that reach a page as HTML are ``markupsafe.Markup``: autoescaping leaves them as they are and escapes
everything else once.

Every text is in the active language (the page's edition): the order of a date's parts comes from the
translation catalogue (``pgettext("date and time", …)``), the month's name from Django's own catalogues (the
form used with a day: "30 мая", genitive in Russian). The zone is written the same way in every language
("UTC+3"): a reader may choose a city in another zone, and a label like "МСК" would name only one of them.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation
from django.utils.dates import MONTHS_ALT
from django.utils.translation import pgettext
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


def date_time_pattern(*, with_year: bool) -> str:
    """The active language's order of a time's parts, with ``%(month)s``, ``%(day)s``, ``%(year)s``, ``%(time)s``
    and ``%(zone)s`` (the city clock's script gets it too: weather/_city_clock.html)."""
    if with_year:
        return pgettext("date and time", "%(month)s %(day)s, %(year)s, %(time)s %(zone)s")
    return pgettext("date and time", "%(month)s %(day)s, %(time)s %(zone)s")


def date_time_template(*, with_year: bool) -> str:
    """``date_time_pattern`` for a script: "{month} {day}, {time} {zone}" (weather/static/weather/city-clock.js)."""
    names = ("month", "day", "year", "time", "zone")
    return date_time_pattern(with_year=with_year) % {name: "{" + name + "}" for name in names}


# A language's patterns, month names and days, kept: Django's gettext and date format cost 2-20 us a call, and
# lists print many times. The catalogues change only with the settings (tests): forgotten then.
@lru_cache(maxsize=32)
def _pattern(language: str | None, with_year: bool) -> str:
    return date_time_pattern(with_year=with_year)


@lru_cache(maxsize=64)
def _month(language: str | None, month: int) -> str:
    return str(MONTHS_ALT[month])


@lru_cache(maxsize=4096)
def _day_text(language: str | None, day: dt.date) -> str:
    return django_date(day, "j E Y")


def _forget(*, setting: str, **_kwargs) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        for kept in (_pattern, _month, _day_text):
            kept.cache_clear()


setting_changed.connect(_forget)


def local_text(moment: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """ "May 30, 11:41 UTC+3" ("30 мая, 11:41 UTC+3"), as the agency prints its times (the zone always shown); the
    year only when it is not this year's in the time's own zone: "May 30, 2017, 11:41 UTC+3" ("30 мая 2017,
    11:41 UTC+3")."""
    this_year = (now or timezone.now()).astimezone(moment.tzinfo).year
    language = translation.get_language()
    return _pattern(language, moment.year != this_year) % {
        "month": _month(language, moment.month),
        "day": moment.day,
        "year": moment.year,
        "time": f"{moment:%H:%M}",
        "zone": zone_label(moment),
    }


def dateline_day(day: dt.date, language: str) -> str:
    """ "May 30" ("30 мая"): a dateline's day, in the article's language whatever page shows it (the dateline
    is part of the story's text, not of the interface)."""
    with translation.override(language):
        return pgettext("dateline", "%(month)s %(day)s") % {"month": MONTHS_ALT[day.month], "day": day.day}


def day_text(day: dt.date) -> str:
    """ "30 May 2017" ("30 мая 2017"): a day, as headings and links name it."""
    return _day_text(translation.get_language(), day)


def time_with_zone(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> Markup:
    """<time datetime="…">May 30, 11:41 UTC+3</time> in the current (reader's) zone, or ``zone``."""
    if not value:
        return Markup("")
    local = value.astimezone(zone or timezone.get_current_timezone())
    return Markup('<time datetime="{}" data-local="full">{}</time>').format(
        value.isoformat(), local_text(local)
    )


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
    """ "1 photo", "10 photos": never "1 photos". English only: the reader pages count with ``ngettext`` (Jinja's
    ``{% trans count=n %}``), which knows each language's forms ("1 фотография", "2 фотографии", "5 фотографий")."""
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
