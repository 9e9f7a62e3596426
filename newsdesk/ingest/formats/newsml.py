"""IPTC NewsML-G2: a newsItem, a packageItem, or a newsMessage carrying several of them (text and pictures).

Text comes from the inline NITF or XHTML body (or inlineData as plain text); a picture from its
remoteContent, read only from a file beside the document (nothing is downloaded). A package says which
pictures go with which text: those pictures become the text's lead photo.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

from django.utils.html import escape

from . import safexml
from .base import FormatError, ItemRejected, Rejected, WireItem, parse_datetime, parse_version
from .safexml import child, children, local, text_of
from .text import repair

DATELINE = re.compile(
    r"^[^,]+,\s*(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})\b\.?"
    r"(?:\s*/(?P<source>[^/]{1,50})/)?"
)
MONTHS = {
    name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
PUBSTATUS = {"stat:usable": "usable", "stat:canceled": "canceled", "stat:withheld": "canceled"}
BODY_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "b",
    "i",
    "em",
    "strong",
    "a",
    "br",
    "hl2",
}


def parse(data: bytes, *, base_dir: Path | None = None) -> Iterator[WireItem | Rejected]:
    root = safexml.parse(data)
    name = local(root.tag)
    if name == "newsMessage":
        elements = list(child(root, "itemSet") or [])
    elif name in ("newsItem", "packageItem"):
        elements = [root]
    else:
        raise FormatError(f"NewsML-G2 root element is newsItem, packageItem or newsMessage, not {name}")
    items, rejected, packages = [], [], []
    for element in elements:
        guid = element.get("guid") or f"{local(element.tag)} without guid"
        try:
            if local(element.tag) == "packageItem":
                packages.append(element)
            elif local(element.tag) == "newsItem":
                items.append(news_item(element, base_dir=base_dir))
        except ItemRejected as exc:
            rejected.append(Rejected(ref=guid, reason=str(exc)))
        except RecursionError:  # serializing the body recurses per level of nesting
            limit = sys.getrecursionlimit()
            reason = f"the item's markup nests deeper than this reader allows (about {limit:,} levels)"
            rejected.append(Rejected(ref=guid, reason=reason))
    yield from rejected
    yield from _apply_packages(items, packages, rejected)


def _apply_packages(items: list[WireItem], packages: list[Element], rejected: list[Rejected]):
    by_guid = {item.guid: item for item in items}
    failed = {r.ref for r in rejected}
    for package in packages:
        refs = [ref.get("residref", "") for ref in package.iter() if local(ref.tag) == "itemRef"]
        texts = [by_guid[r] for r in refs if r in by_guid and by_guid[r].kind == "text"]
        pictures = [r for r in refs if r in by_guid and by_guid[r].kind == "picture"]
        for text in texts:
            text.photo_guids.extend(p for p in pictures if p not in text.photo_guids)
        missing = [r for r in refs if r not in by_guid and r not in failed]
        if missing and not texts:
            yield Rejected(
                ref=package.get("guid") or "packageItem",
                reason="package refers only to items this document does not carry "
                f"({', '.join(missing[:5])}); send the items in the same newsMessage",
            )
    yield from items


def news_item(element: Element, *, base_dir: Path | None) -> WireItem:
    guid = (element.get("guid") or "").strip()
    if not guid:
        raise ItemRejected("newsItem has no guid attribute")
    if len(guid) > 300:
        raise ItemRejected("guid is longer than 300 characters")
    meta, content = child(element, "itemMeta"), child(element, "contentMeta")
    if meta is None or content is None:
        raise ItemRejected("newsItem lacks itemMeta or contentMeta")
    item_class_element = child(meta, "itemClass")
    item_class = item_class_element.get("qcode", "") if item_class_element is not None else ""
    status = child(meta, "pubStatus")
    item = WireItem(
        guid=guid,
        version=parse_version(element.get("version")),
        headline=repair(text_of(child(content, "headline"))),
        language=element.get("{http://www.w3.org/XML/1998/namespace}lang", ""),
        pubstatus=PUBSTATUS.get(status.get("qcode", "") if status is not None else "stat:usable", "usable"),
        versioncreated=parse_datetime(text_of(child(meta, "versionCreated")), what="versionCreated"),
        firstcreated=parse_datetime(text_of(child(meta, "firstCreated")), what="firstCreated"),
        subjects=[s.get("qcode", "") for s in children(content, "subject") if s.get("qcode")],
        topics=[text_of(child(s, "name")) for s in children(content, "subject") if _is_named_topic(s)],
        persons=[text_of(child(s, "name")) for s in children(content, "subject") if _is_person(s)],
        byline=", ".join(
            text_of(child(c, "name")) for c in children(content, "creator") if child(c, "name") is not None
        ),
        dateline_place=_dateline_place(content),
        urgency=_urgency(content),
    )
    if item_class.endswith("picture"):
        return _picture(item, element, content, base_dir)
    if not item_class.endswith("text") and not item_class.endswith("composite"):
        raise ItemRejected(f"itemClass {item_class or '(none)'} is not text or picture")
    item.lead, item.body_html = _text_content(child(element, "contentSet"))
    item.lead = item.lead or text_of(_description(content, "drol:summary"))
    web = next((link for link in children(meta, "link") if link.get("rel") == "irel:seeAlso"), None)
    item.url = web.get("href", "") if web is not None else ""
    _dateline(item, content)
    return item


def _is_person(subject: Element) -> bool:
    return subject.get("type") == "cpnat:person" and child(subject, "name") is not None


def _is_named_topic(subject: Element) -> bool:
    """A subject known only by its name (our own exports write topics without a Media Topic code so)."""
    return (
        subject.get("type") == "cpnat:abstract"
        and not subject.get("qcode")
        and child(subject, "name") is not None
    )


def _description(content: Element, role: str) -> Element | None:
    return next((d for d in children(content, "description") if d.get("role") == role), None)


def _dateline(item: WireItem, content: Element) -> None:
    """An agency dateline ("PSKOV, May 30. /TASS/.") gives its day and source; else the credit line names
    the source."""
    match = DATELINE.match(text_of(child(content, "dateline")))
    when = item.firstcreated or item.versioncreated
    if match and when:
        item.dateline_date = _nearest_date(
            int(MONTHS[match.group("month")[:3].lower()]), int(match.group("day")), when
        )
    item.outlet = (match.group("source") if match and match.group("source") else "") or text_of(
        child(content, "creditline")
    )


def _nearest_date(month: int, day: int, when: dt.datetime) -> dt.date | None:
    """The dateline's day in the year that puts it nearest the item's time (a story of Dec 31 sent on Jan 1)."""
    candidates = []
    for year in (when.year - 1, when.year, when.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - when.date()), default=None)


def _dateline_place(content: Element) -> str:
    dateline = text_of(child(content, "dateline"))
    if dateline:
        return dateline.split(",")[0].strip()
    located = child(content, "located")
    return text_of(child(located, "name")) if located is not None else ""


def _urgency(content: Element) -> int | None:
    value = text_of(child(content, "urgency"))
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 9:
        raise ItemRejected(f"urgency {value!r} is not a whole number from 1 to 9")
    return int(value)


def _text_content(content_set: Element | None) -> tuple[str, str]:
    """(lead, body HTML) from inline NITF/XHTML, or plain inlineData."""
    if content_set is None:
        return "", ""
    inline = child(content_set, "inlineXML")
    if inline is not None:
        body = next((e for e in inline.iter() if local(e.tag) in ("body.content", "body")), None)
        abstract = next((e for e in inline.iter() if local(e.tag) == "abstract"), None)
        if local(getattr(body, "tag", "")) == "body" and child(body, "body.content") is not None:
            body = child(body, "body.content")
        if body is not None and local(body.tag) == "body":
            return text_of(abstract), _xhtml(body)
        return text_of(abstract), _html(body) if body is not None else ""
    data = child(content_set, "inlineData")
    if data is not None:
        paragraphs = re.split(r"\n\s*\n", data.text or "")
        return "", "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs if p.strip())
    return "", ""


def _html(body: Element) -> str:
    """Body markup with namespaces dropped; nh3 sanitizes it again when the article is saved."""
    parts = []
    for element in body:
        name = local(element.tag)
        if name not in BODY_TAGS:
            continue
        for node in element.iter():
            node.tag = local(node.tag)
        markup = tostring(element, encoding="unicode")
        parts.append(re.sub(r"\s+", " ", markup).replace("<hl2", "<h2").replace("</hl2>", "</h2>").strip())
    return "".join(parts)


def _xhtml(body: Element) -> str:
    """An XHTML body as it is, less namespaces (whitespace kept, so our own exports come back unchanged);
    nh3 sanitizes it when the article is saved."""
    for node in body.iter():
        node.tag = local(node.tag)
    inner = (body.text or "") + "".join(tostring(element, encoding="unicode") for element in body)
    return inner.strip()


def _picture(item: WireItem, element: Element, content: Element, base_dir: Path | None) -> WireItem:
    item.kind = "picture"
    caption = _description(content, "drol:caption")
    item.caption = text_of(caption) or item.headline
    item.credit = text_of(child(content, "creditline")) or item.byline
    item.image_path = _image_file(child(element, "contentSet"), base_dir)
    return item


def _image_file(content_set: Element | None, base_dir: Path | None) -> str:
    renditions = children(content_set, "remoteContent") if content_set is not None else []
    hrefs = [r.get("href", "") for r in renditions if r.get("href")]
    if not hrefs:
        raise ItemRejected("picture has no remoteContent href")
    if base_dir is None:
        raise ItemRejected(f"picture {hrefs[0]} is not fetched; deliver it as a file beside the document")
    for href in hrefs:
        path = (base_dir / href.removeprefix("file://").strip()).resolve()
        if path.is_file() and path.is_relative_to(base_dir.resolve()):
            return str(path)
    raise ItemRejected(f"picture file {hrefs[0]} was not found beside the document")
