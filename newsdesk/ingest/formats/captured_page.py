"""Text captured from an agency article page (like the 2017 page Newsdesk is modelled on) → one article.

The capture is the page's visible text, one block a line: site chrome (menus, widgets, ads), then the
headline, section, "May 30, 11:41 UTC+3", lead, photo caption and credit, the body (dateline first, short
unpunctuated lines are sub-headings, "Read also" followed by linked titles), then Persons, Topics and more
chrome. The parser keeps the article and drops everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

TIME_LINE = re.compile(
    r"^(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<hour>\d{1,2}):(?P<minute>\d{2}) UTC(?P<offset>[+-]\d{1,2})$"
)
CAPTURE_DATE = re.compile(r"\bdate (\d{4})-(\d{2})-(\d{2})\b")
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'\-]+), (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2})\. /(?P<source>[A-Z]+)/\.\s*"
)
CHROME_BODY_END = ("{{", "Show more", "Share")
LIST_HEADINGS = {"Persons", "Topics", "In other media"}


class CapturedPageError(ValueError):
    """The text does not look like a captured article page; the message says which part is missing."""


@dataclass
class CapturedArticle:
    headline: str
    section_name: str
    published_at: dt.datetime
    lead: str
    photo_caption: str = ""
    photo_credit: str = ""
    dateline_place: str = ""
    dateline_date: dt.date | None = None
    dateline_source: str = ""
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("p" | "h2", text)
    read_also: list[str] = field(default_factory=list)
    read_also_after: int = 2
    persons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def parse_captured_page(text: str, *, section_names: list[str]) -> CapturedArticle:
    lines = [line.replace("\xa0", " ").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    found = _first_match(TIME_LINE, lines)
    if found is None or found[0] < 2:
        raise CapturedPageError("no publication time line such as 'May 30, 11:41 UTC+3' follows a headline")
    time_index, time_line = found
    section_name = lines[time_index - 1]
    if section_name not in section_names:
        raise CapturedPageError(f"the line before the time, {section_name!r}, is not a known section")
    year = _capture_year(text)
    article = CapturedArticle(
        headline=lines[time_index - 2],
        section_name=section_name,
        published_at=_published_at(time_line, year),
        lead=lines[time_index + 1] if time_index + 1 < len(lines) else "",
    )
    found = _first_match(DATELINE, lines, start=time_index)
    if found is None:
        raise CapturedPageError("no dateline such as 'PSKOV, May 30. /TASS/.' starts the body")
    body_start, dateline = found
    _photo(article, lines[time_index + 2 : body_start])
    end = next((i for i in range(body_start, len(lines)) if lines[i].startswith(CHROME_BODY_END)), len(lines))
    _body(article, dateline, lines[body_start:end], year)
    article.persons = _list_after(lines, "Persons", end)
    article.topics = _list_after(lines, "Topics", end)
    return article


def _first_match(
    pattern: re.Pattern[str], lines: list[str], *, start: int = 0
) -> tuple[int, re.Match[str]] | None:
    """The first line from ``start`` on that ``pattern`` matches: its index and the match."""
    for index in range(start, len(lines)):
        if match := pattern.match(lines[index]):
            return index, match
    return None


def _capture_year(text: str) -> int:
    match = CAPTURE_DATE.search(text)
    if not match:
        raise CapturedPageError(
            "the capture date line ('date YYYY-MM-DD') is missing, so the year is unknown"
        )
    return int(match.group(1))


def _published_at(match: re.Match[str], year: int) -> dt.datetime:
    month = dt.datetime.strptime(match.group("month"), "%B").month  # noqa: DTZ007 - a month name
    zone = dt.timezone(dt.timedelta(hours=int(match.group("offset"))))
    return dt.datetime(
        year,
        month,
        int(match.group("day")),
        int(match.group("hour")),
        int(match.group("minute")),
        tzinfo=zone,
    )


def _photo(article: CapturedArticle, lines: list[str]) -> None:
    """Between the lead and the body: share widgets, the photo's alt text, caption and "© …" credit."""
    credit_index = next((i for i, line in enumerate(lines) if line.startswith("©")), None)
    if credit_index is not None and credit_index >= 1:
        article.photo_credit = lines[credit_index]
        article.photo_caption = lines[credit_index - 1]


def _is_subheading(line: str) -> bool:
    return len(line) <= 90 and not re.search(r"[.!?\"”:]$", line)


def _body(article: CapturedArticle, first: re.Match[str], lines: list[str], year: int) -> None:
    """The body from its first line, which ``first`` (a DATELINE match) opens."""
    article.dateline_place = first.group("place")
    month = dt.datetime.strptime(first.group("month"), "%B").month  # noqa: DTZ007 - a month name
    article.dateline_date = dt.date(year, month, int(first.group("day")))
    article.dateline_source = first.group("source")
    lines = [lines[0][first.end() :], *lines[1:]]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == "Read also":
            article.read_also_after = sum(1 for kind, _ in article.blocks if kind == "p")
            i += 1
            while i < len(lines) and _is_subheading(lines[i]):
                article.read_also.append(lines[i])
                i += 1
            continue
        if i + 1 < len(lines) and lines[i + 1] == "Read also" and _is_subheading(line):
            # A title right before "Read also" is the block's first linked title on the original page.
            article.read_also.append(line)
        else:
            article.blocks.append(("h2" if i > 0 and _is_subheading(line) else "p", line))
        i += 1


def _list_after(lines: list[str], heading: str, start: int) -> list[str]:
    try:
        index = lines.index(heading, start)
    except ValueError:
        return []
    items = []
    for line in lines[index + 1 :]:
        if line in LIST_HEADINGS or not re.match(r"^[A-Z][\w .'\-]+$", line) or len(line) > 60:
            break
        items.append(line)
    return items
