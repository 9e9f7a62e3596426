"""IPTC ninjs 1.x, 2.x and 3.x: one item, or a list of items, as JSON.

The three versions differ in spelling (``headline`` → ``headlines[]``, ``body_html`` → ``bodies[]``,
``versioncreated`` → ``versionCreated``); keys are compared lower-cased, so each version's names work.
Unknown top-level properties are refused, as the schemas do (``additionalProperties``/``unevaluatedProperties``
false), so that a typo'd field never imports silently.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

from django.utils.html import escape

from .base import FormatError, ItemRejected, Rejected, WireItem, parse_datetime, parse_version
from .text import decode, repair

# Top-level properties of ninjs 1.6, 2.2 and 3.1, lower-cased.
KNOWN = {
    "$standard", "standard", "uri", "type", "profile", "version", "versioncreated", "firstcreated", "contentcreated",
    "embargoed", "embargoeduntil", "pubstatus", "urgency", "copyrightholder", "copyrightnotice", "usageterms",
    "ednote", "language", "located", "mimetype", "headline", "headlines", "slugline", "title", "byline", "by",
    "body_text", "body_html", "body_xhtml", "bodies", "description_text", "description_html", "descriptions",
    "subject", "subjects", "person", "people", "organisation", "organisations", "place", "places", "event",
    "events", "object", "objects", "infosource", "infosources", "genre", "genres", "renditions", "associations",
    "altids", "trustindicator", "trustindicators", "rightsinfo", "expires", "representationtype", "charcount",
    "wordcount", "digitalsourcetype", "eventdetails", "plannedcoverage",
}  # fmt: skip
COPY_TYPES = {"text", "composite"}
TYPES = {"text", "audio", "video", "picture", "graphic", "composite", "component", "event", "planning"}
PUBSTATUS = {"usable": "usable", "withheld": "canceled", "canceled": "canceled", "cancelled": "canceled"}
MEDIATOPIC_URI = re.compile(r"^https?://cv\.iptc\.org/newscodes/mediatopic/(\d+)$")


def parse(data: bytes) -> Iterator[WireItem | Rejected]:
    text, _ = decode(data)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise FormatError(f"not valid JSON: {exc}") from None
    except RecursionError:  # the decoder recurses per level: tens of thousands of "[" exhaust the stack
        raise FormatError(
            f"JSON nested deeper than this reader allows (about {sys.getrecursionlimit():,} levels); ninjs "
            "needs a few"
        ) from None
    items = document if isinstance(document, list) else [document]
    for number, raw in enumerate(items, start=1):
        uri = raw.get("uri") if isinstance(raw, dict) else None
        ref = uri if isinstance(uri, str) else f"item {number}"
        try:
            yield item_from(raw)
        except ItemRejected as exc:
            yield Rejected(ref=ref, reason=str(exc))


def item_from(raw) -> WireItem:
    if not isinstance(raw, dict):
        raise ItemRejected(f"a ninjs item is a JSON object, not {type(raw).__name__}")
    doc = {key.lower(): value for key, value in raw.items()}
    _check_structure(doc)
    kind = doc.get("type") or "text"
    if kind not in COPY_TYPES:
        raise ItemRejected(f"type {kind!r} is not news copy; only text and composite items become articles")
    item = WireItem(
        guid=doc["uri"].strip(),
        version=parse_version(doc.get("version")),
        headline=repair(_headline(doc)),
        lead=repair(_description(doc)),
        body_html=_body(doc),
        byline=repair(_byline(doc)),
        language=str(doc.get("language") or ""),
        urgency=doc.get("urgency"),
        pubstatus=PUBSTATUS.get(str(doc.get("pubstatus") or "usable").lower(), "usable"),
        versioncreated=parse_datetime(doc.get("versioncreated"), what="versioncreated"),
        firstcreated=parse_datetime(doc.get("firstcreated"), what="firstcreated"),
        # 1.x and 2.x say "embargoed", 3.x "embargoedUntil": the time before which it may not be published.
        embargoed=parse_datetime(doc.get("embargoed") or doc.get("embargoeduntil"), what="embargoed"),
        subjects=_subjects(doc),
        topics=_topic_names(doc),
        section=_section(doc),
        url=_web_page(doc),
        photo_guids=_pictures(doc),
        persons=_names(doc.get("people") or doc.get("person") or []),
        dateline_place=_located(doc),
    )
    return item


def _check_structure(doc: dict) -> None:
    unknown = sorted(
        k for k in doc if k not in KNOWN and not re.match(r"^(body|headline|description)_\w+$", k)
    )
    if unknown:
        raise ItemRejected(f"unknown ninjs properties: {', '.join(unknown)}")
    if not isinstance(doc.get("uri"), str) or not doc["uri"].strip():
        raise ItemRejected("missing 'uri' (the item's guid)")
    if len(doc["uri"]) > 300:
        raise ItemRejected("'uri' is longer than 300 characters")
    if doc.get("type") is not None and doc["type"] not in TYPES:
        raise ItemRejected(f"type {doc['type']!r} is not one of {', '.join(sorted(TYPES))}")
    urgency = doc.get("urgency")
    if urgency is not None and (
        isinstance(urgency, bool) or not isinstance(urgency, int) or not 1 <= urgency <= 9
    ):
        raise ItemRejected(f"urgency {urgency!r} is not a whole number from 1 to 9")
    for name in ("associations", "renditions"):
        _check_links(doc.get(name), name)


def _check_links(value, name: str) -> None:
    entries = value.values() if isinstance(value, dict) else value or []
    if not isinstance(entries, list | type({}.values())):
        raise ItemRejected(f"'{name}' must be a list or an object")
    for entry in entries:
        if not isinstance(entry, dict):
            raise ItemRejected(f"an entry of '{name}' is not an object")
        if name == "associations":
            unknown = sorted(
                k for k in (k.lower() for k in entry) if k not in KNOWN and k not in {"name", "role"}
            )
            if unknown:
                raise ItemRejected(f"unknown properties in an association: {', '.join(unknown)}")


def _headline(doc: dict) -> str:
    if isinstance(doc.get("headlines"), list):
        main = [h for h in doc["headlines"] if isinstance(h, dict) and h.get("role", "main") == "main"]
        return str((main or doc["headlines"] or [{}])[0].get("value", "")).strip()
    return str(doc.get("headline") or doc.get("title") or "").strip()


def _description(doc: dict) -> str:
    if isinstance(doc.get("descriptions"), list):
        for entry in doc["descriptions"]:
            if isinstance(entry, dict) and entry.get("role", "summary") in ("summary", "abstract", "main"):
                return str(entry.get("value", "")).strip()
        return ""
    return str(doc.get("description_text") or "").strip()


def _body(doc: dict) -> str:
    if isinstance(doc.get("bodies"), list):
        for entry in doc["bodies"]:
            if not isinstance(entry, dict) or entry.get("role", "main") != "main":
                continue
            value = str(entry.get("value") or "")
            return value if "html" in str(entry.get("contenttype", "text/html")) else _paragraphs(value)
        return ""
    if doc.get("body_html") or doc.get("body_xhtml"):
        return str(doc.get("body_html") or doc.get("body_xhtml"))
    return _paragraphs(str(doc.get("body_text") or ""))


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n|\n", text) if p.strip())


def _byline(doc: dict) -> str:
    return str(doc.get("byline") or doc.get("by") or "").strip()


def _subject_entries(doc: dict) -> list[dict]:
    return [s for s in doc.get("subjects") or doc.get("subject") or [] if isinstance(s, dict)]


def _subjects(doc: dict) -> list[str]:
    """Codes: ninjs 1.x/2.x ``code`` (with its ``scheme``), 3.x ``literal``, and Media Topic URIs."""
    codes = []
    for subject in _subject_entries(doc):
        code, uri = str(subject.get("code") or subject.get("literal") or ""), str(subject.get("uri") or "")
        if match := MEDIATOPIC_URI.match(uri):
            code = code or f"medtop:{match.group(1)}"
        if code:
            scheme = str(subject.get("scheme") or "")
            codes.append(code if ":" in code or not scheme else f"{scheme.rsplit('/', 1)[-1]}:{code}")
    return codes


def _topic_names(doc: dict) -> list[str]:
    """Subjects known only by name (our own exports write topics without a Media Topic code so)."""
    return [
        str(s["name"]).strip()
        for s in _subject_entries(doc)
        if s.get("name") and s.get("rel") != "section" and not _subjects({"subjects": [s]})
    ]


def _web_page(doc: dict) -> str:
    """The story on the provider's site: its text/html rendition (our exports name it "web")."""
    renditions = doc.get("renditions")
    entries = renditions.values() if isinstance(renditions, dict) else renditions or []
    for entry in entries:
        content_type = str(
            entry.get("contenttype") or entry.get("contentType") or entry.get("mimetype") or ""
        )
        if entry.get("name") == "web" or content_type.startswith("text/html"):
            return str(entry.get("href") or "")
    return ""


def _pictures(doc: dict) -> list[str]:
    """Associated pictures by uri (ninjs 1.x/2.x: an object of named associations; 3.x: a list)."""
    associations = doc.get("associations")
    entries = associations.values() if isinstance(associations, dict) else associations or []
    return [
        str(entry["uri"])
        for entry in entries
        if entry.get("type") == "picture" and isinstance(entry.get("uri"), str)
    ]


def _section(doc: dict) -> str:
    return next((str(s.get("name") or "") for s in _subject_entries(doc) if s.get("rel") == "section"), "")


def _names(entries) -> list[str]:
    return [str(e["name"]).strip() for e in entries if isinstance(e, dict) and e.get("name")]


def _located(doc: dict) -> str:
    located = doc.get("located")
    if isinstance(located, str):
        return located
    if isinstance(located, dict):
        return str(located.get("name") or "")
    return ""
