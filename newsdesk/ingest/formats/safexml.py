"""Parse XML safely: no DTDs, no entity expansion, no external entities (defusedxml); size checked first."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .base import FormatError
from .text import declared_encoding, decode

DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def parse(data: bytes) -> Element:
    """The root element; the declared encoding is used when the bytes fit it, else the real one is detected."""
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FormatError(f"refused XML with a DTD or entity declarations ({type(exc).__name__})") from None
    except ParseError as exc:
        first_error = exc
    # Wrong or missing encoding declaration: decode ourselves and parse the text without its declaration.
    text, _ = decode(data, declared=declared_encoding(data))
    try:
        return fromstring(DECLARATION.sub("", text, count=1), forbid_dtd=True)
    except ParseError:
        raise FormatError(f"broken XML: {first_error}") from None


def local(tag: str) -> str:
    """ "{http://iptc.org/std/nar/2006-10-01/}newsItem" → "newsItem"."""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        if element is None:
            return None
        found = children(element, name)
        element = found[0] if found else None
    return element


def text_of(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""
