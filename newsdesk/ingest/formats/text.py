"""Bytes to text when providers declare no encoding or the wrong one, and repair of double-encoded text."""

from __future__ import annotations

import re

import ftfy
from charset_normalizer import from_bytes

BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._\-]+)[\"']", re.IGNORECASE)


def decode(data: bytes, *, declared: str = "") -> tuple[str, str]:
    """(text, encoding used): BOM, then the declared encoding if the bytes fit it, then UTF-8, then detection."""
    for bom, encoding in BOMS.items():
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    for encoding in filter(None, [declared, "utf-8"]):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[:200_000], cp_isolation=["cp1251", "cp1252", "iso-8859-1", "koi8-r"]).best()
    encoding = best.encoding if best else "cp1252"
    return data.decode(encoding, errors="replace"), encoding


def declared_encoding(data: bytes) -> str:
    match = XML_DECLARATION.match(data[:300])
    return match.group(1).decode("ascii") if match else ""


def repair(text: str) -> str:
    """Undo mojibake ("cosa Ã¨ successo" → "cosa è successo"); leaves sound text as it is."""
    if text.isascii():  # mojibake is made of non-ASCII characters: plain ASCII is sound (and common)
        return text
    return ftfy.fix_encoding(text)
