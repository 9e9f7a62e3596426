"""Reuters-21578 SGML (reut2-NNN.sgm): 1987 Reuters wire stories, one <REUTERS NEWID=…> element each.

SGML, not XML (undeclared entities, control characters), so it is read with patterns rather than an XML
parser. The collection is Latin-1. Stories without a body (BRIEF and UNPROC ones) are rejected by name.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator

from django.utils.html import escape

from .base import FormatError, ItemRejected, Rejected, WireItem

STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
CONTROL = re.compile(r"&#(?:[0-9]|[12][0-9]|3[01]);|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Za-z .'\-/]+?),\s+\w{3,9}\.?\s+\d{1,2}\s*-?\s*$")


def parse(data: bytes) -> Iterator[WireItem | Rejected]:
    text = data.decode("latin-1")
    stories = STORY.finditer(text)
    found = False
    for match in stories:
        found = True
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        ref = f"urn:reuters21578:{attributes.get('NEWID', '?')}"
        try:
            yield story(match.group(2), attributes)
        except ItemRejected as exc:
            yield Rejected(ref=ref, reason=str(exc))
    if not found:
        raise FormatError("no <REUTERS> stories found: not a Reuters-21578 SGML file")


def _field(text: str, name: str) -> str:
    match = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return html.unescape(CONTROL.sub("", match.group(1))).strip() if match else ""


def _labels(text: str, name: str) -> list[str]:
    return re.findall(r"<D>(.*?)</D>", _field_raw(text, name))


def _field_raw(text: str, name: str) -> str:
    match = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return match.group(1) if match else ""


def story(text: str, attributes: dict) -> WireItem:
    newid = attributes.get("NEWID", "")
    if not newid.isdigit():
        raise ItemRejected("story has no NEWID")
    headline = " ".join(_field(text, "TITLE").split())
    body = _field(text, "BODY")
    if not headline:
        raise ItemRejected("story has no TITLE")
    if not body:
        raise ItemRejected(f"story is a {attributes.get('TYPE', 'headline-only').lower()} item with no BODY")
    body = re.sub(r"\s*Reuter\s*$", "", body)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{3,}|\n\s*\n", body) if p.strip()]
    place = DATELINE.match(_field(text, "DATELINE"))
    return WireItem(
        guid=f"urn:reuters21578:{newid}",
        headline=headline.title() if headline.isupper() else headline,
        body_html="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
        language="en",
        dateline_place=place.group("place").strip().upper() if place else "",
        versioncreated=_date(_field(text, "DATE")),
        subjects=[f"reuters:{t}" for t in _labels(text, "TOPICS")],
        persons=[p.replace("-", " ") for p in _labels(text, "PEOPLE")],
        byline=_field(text, "AUTHOR").removeprefix("by ").removeprefix("By "),
        outlet="Reuters",
    )


def _date(value: str) -> dt.datetime | None:
    """ "26-FEB-1987 15:01:01.79" (US Eastern in 1987; kept as UTC — the corpus says no zone)."""
    match = re.match(r"\s*(\d{1,2}-[A-Z]{3}-\d{4} \d{1,2}:\d{2}:\d{2})", value)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1), "%d-%b-%Y %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
