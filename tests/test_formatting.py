"""Times as the agency prints them: "May 30, 11:41 UTC+3", the year only when it is not this year's."""

import datetime as dt
import zoneinfo

from django.utils import translation

from newsdesk.formatting import date_time_template, day_text, local_text, time_with_zone

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_this_years_times_have_no_year_and_others_have_theirs():
    now = dt.datetime(2017, 12, 4, 12, 0, tzinfo=dt.UTC)
    assert local_text(dt.datetime(2017, 5, 30, 11, 41, tzinfo=MOSCOW), now=now) == "May 30, 11:41 UTC+3"
    assert local_text(dt.datetime(2016, 5, 30, 11, 41, tzinfo=MOSCOW), now=now) == "May 30, 2016, 11:41 UTC+3"
    assert local_text(dt.datetime(2017, 1, 2, 9, 5, tzinfo=NEW_YORK), now=now) == "January 2, 09:05 UTC−5"


def test_this_year_is_the_times_own_zones():
    """At 22:30 UTC on December 31 it is already the new year in Moscow, not yet in New York."""
    now = dt.datetime(2016, 12, 31, 22, 30, tzinfo=dt.UTC)
    assert local_text(now.astimezone(MOSCOW), now=now) == "January 1, 01:30 UTC+3"
    assert local_text(now.astimezone(NEW_YORK), now=now) == "December 31, 17:30 UTC−5"
    # two hours earlier, Moscow's readers were still in the old year: the new year's time carries its year
    earlier = now - dt.timedelta(hours=2)
    assert local_text(now.astimezone(MOSCOW), now=earlier) == "January 1, 2017, 01:30 UTC+3"


def test_the_time_element_carries_the_instant():
    when = dt.datetime(2017, 5, 30, 8, 41, tzinfo=dt.UTC)
    html = str(time_with_zone(when, MOSCOW))
    assert (
        html.startswith('<time datetime="2017-05-30T08:41:00+00:00"') and "May 30, 2017, 11:41 UTC+3" in html
    )


# --- Russian: "30 мая, 11:41 UTC+3", the month in the genitive, the year after it; the zone written as in English


def _ru(moment: dt.datetime, now: dt.datetime) -> str:
    with translation.override("ru"):
        return local_text(moment, now=now)


def test_russian_times_as_the_agency_prints_them():
    now = dt.datetime(2017, 12, 4, 12, 0, tzinfo=dt.UTC)
    assert _ru(dt.datetime(2017, 5, 30, 11, 41, tzinfo=MOSCOW), now) == "30 мая, 11:41 UTC+3"
    assert _ru(dt.datetime(2016, 5, 30, 11, 41, tzinfo=MOSCOW), now) == "30 мая 2016, 11:41 UTC+3"
    assert _ru(dt.datetime(2017, 1, 2, 9, 5, tzinfo=NEW_YORK), now) == "2 января, 09:05 UTC−5"
    assert _ru(dt.datetime(2017, 3, 8, 0, 0, tzinfo=MOSCOW), now) == "8 марта, 00:00 UTC+3"


def test_russian_this_year_is_the_times_own_zones_at_a_new_year():
    now = dt.datetime(2016, 12, 31, 22, 30, tzinfo=dt.UTC)
    assert _ru(now.astimezone(MOSCOW), now) == "1 января, 01:30 UTC+3"
    assert _ru(now.astimezone(NEW_YORK), now) == "31 декабря, 17:30 UTC−5"
    assert _ru(now.astimezone(MOSCOW), now - dt.timedelta(hours=2)) == "1 января 2017, 01:30 UTC+3"


def test_the_time_element_in_russian_and_the_clocks_pattern():
    when = dt.datetime(2017, 5, 30, 8, 41, tzinfo=dt.UTC)
    with translation.override("ru"):
        html = str(time_with_zone(when, MOSCOW))
        assert date_time_template(with_year=False) == "{day} {month}, {time} {zone}"
        assert date_time_template(with_year=True) == "{day} {month} {year}, {time} {zone}"
        assert day_text(dt.date(2017, 5, 30)) == "30 мая 2017"
    assert "30 мая 2017, 11:41 UTC+3" in html
    assert date_time_template(with_year=True) == "{month} {day}, {year}, {time} {zone}"
    assert day_text(dt.date(2017, 5, 30)) == "30 May 2017"


def test_a_datelines_day_is_in_the_articles_language_whatever_the_page():
    from newsdesk.formatting import dateline_day
    from newsdesk.news.models import Article

    article = Article(dateline_place="Москва", dateline_date=dt.date(2017, 5, 30), dateline_source="ТАСС")
    article.language = "ru"
    assert article.dateline == "МОСКВА, 30 мая. /ТАСС/."
    with translation.override("ru"):
        assert dateline_day(dt.date(2017, 5, 30), "en") == "May 30"
    assert Article(
        dateline_place="Pskov", dateline_date=dt.date(2017, 5, 30), dateline_source="TASS"
    ).dateline == ("PSKOV, May 30. /TASS/.")
