"""RSS 2.0 and Atom, read with feedparser — which forgives almost anything, so the structure is checked here.

A feed must be an RSS 2.0 (or 0.9x) or Atom document with a channel; HTML served at a feed URL, truncated
documents without items and entity tricks are refused. Each entry needs a link or guid and a title.

Encodings (``decoded``): Russian feeds come in windows-1251, KOI8-R and UTF-8, and not always as declared. The
bytes are decoded here before feedparser sees them: UTF-8 when they are valid UTF-8 with text beyond ASCII (a
windows-1251 or KOI8-R text in Cyrillic is never valid UTF-8, so a UTF-8 feed labelled as either is read as
what it is), else the declared encoding; bytes that the declared encoding does not have become U+FFFD, and an
item with any of them is rejected with the reason (nothing is stored damaged), the others go on. Without a
declaration, charset-normalizer chooses (text.decode). feedparser alone read a windows-1251 feed with one
invalid byte as windows-1252: every Cyrillic letter became mojibake ("Áóçóëóêå").

A windows-1251 feed labelled KOI8-R (or the reverse) decodes without error in either, as mojibake that swaps
upper and lower case ("бСГСКСЙЕ"): when most Cyrillic letters inside words come out in upper case, the other
Russian single-byte encodings are tried and the one that reads as Russian is used.

Language (``WireItem.language``, which decides the edition): the entry's ``xml:lang``, else the feed's
``<language>`` (or its own ``xml:lang``), else Russian when most letters of the title and summary are
Cyrillic.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.html import escape

from newsdesk.news.html import html_to_text

from .base import FormatError, ItemRejected, Rejected, WireItem
from .text import XML_DECLARATION, declared_encoding, decode, repair

HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype html|<html|<head|<body)", re.I | re.S
)
ACCEPTED_VERSIONS = {"rss", "rss20", "rss091u", "rss091n", "rss092", "rss093", "rss094", "atom10", "atom03"}


CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._\-]+)", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def decoded(data: bytes, *, content_type: str = "") -> tuple[bytes, str, str]:
    """The feed as UTF-8 bytes declared as such, the encoding it was read in, and, when the declared encoding
    did not fit every byte, what was wrong (the items with the replaced bytes are rejected with it)."""
    match = CHARSET.search(content_type)
    declared = declared_encoding(data) or (match.group(1) if match else "")
    problem = ""
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError:
        if not declared:
            text, encoding = decode(data)
        else:
            try:
                text, encoding = data.decode(declared), declared
                text, encoding = _cyrillic(data, text, declared)
            except LookupError:
                raise FormatError(
                    f"the feed declares the encoding {declared!r}, which is unknown; ask the provider to declare "
                    "its real one (UTF-8, windows-1251, KOI8-R...)"
                ) from None
            except UnicodeDecodeError as exc:
                text, encoding = data.decode(declared, errors="replace"), declared
                problem = (
                    f"bytes that are not {declared} (the feed's declared encoding), first at byte {exc.start}: "
                    f"{exc.object[exc.start : exc.start + 4]!r}; the item's text would be stored damaged"
                )
    text = text.removeprefix("\ufeff")
    if XML_DECLARATION.match(text[:300].encode("utf-8", errors="replace")):
        text = re.sub(r"(encoding=[\"'])[A-Za-z0-9._\-]+", r"\g<1>utf-8", text, count=1)
    return text.encode("utf-8"), encoding, problem


# Russian single-byte encodings, and how often their confusion shows (``_swapped_case``).
CYRILLIC_CODECS = ("cp1251", "koi8-r", "iso8859-5", "cp866")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]{2,}")
MOJIBAKE_CASE, SOUND_CASE = 0.3, 0.1


def _swapped_case(text: str) -> float:
    """The share of Cyrillic letters in upper case after a word's first: a few per cent in Russian text
    (acronyms), most of them in windows-1251 read as KOI8-R or the reverse (the two swap upper and lower case)."""
    inner = "".join(word[1:] for word in _CYRILLIC_WORD.findall(text[:200_000]))
    return sum(letter.isupper() for letter in inner) / len(inner) if inner else 0.0


def _cyrillic(data: bytes, text: str, declared: str) -> tuple[str, str]:
    """A Russian single-byte encoding declared for bytes of another ("windows-1251" on KOI8-R): every byte
    fits either, so the mojibake is recognised by its case and the encoding that reads as Russian is used."""
    codec = codecs.lookup(declared).name
    if codec not in CYRILLIC_CODECS or _swapped_case(text) < MOJIBAKE_CASE:
        return text, declared
    for other in CYRILLIC_CODECS:
        if other == codec:
            continue
        try:
            candidate = data.decode(other)
        except UnicodeDecodeError:
            continue
        if _swapped_case(candidate) < SOUND_CASE:
            return candidate, other
    return text, declared


def language_of(text: str) -> str:
    """ "ru" when most of the text's letters are Cyrillic, else "" (undeclared: the default edition)."""
    letters = _LETTER.findall(text)
    cyrillic = sum(1 for letter in letters if _CYRILLIC.match(letter))
    return "ru" if letters and cyrillic * 2 > len(letters) else ""


def parse(data: bytes, *, content_type: str = "") -> Iterator[WireItem | Rejected]:
    data, _encoding, problem = decoded(data, content_type=content_type)  # first: an unknown one is refused
    _refuse_entities(data)
    # The charset of the HTTP header is left out: the bytes are UTF-8 now, and their declaration says so.
    headers = {"content-type": content_type.split(";")[0]} if content_type else {}
    feed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    _check_structure(feed, data)
    outlet = repair(feed.feed.get("title", "")).strip()
    home = feed.feed.get("link", "")
    language = (feed.feed.get("language") or "").strip()
    for number, entry in enumerate(feed.entries, start=1):
        ref = entry.get("id") or entry.get("link") or f"entry {number}"
        try:
            item = entry_item(entry, outlet=outlet, home=home, language=language)
        except ItemRejected as exc:
            yield Rejected(ref=ref, reason=str(exc))
            continue
        if problem and any(
            "\ufffd" in text for text in (item.headline, item.lead, item.body_html, item.byline)
        ):
            yield Rejected(ref=ref, reason=problem)
        else:
            yield item


def _refuse_entities(data: bytes) -> None:
    """Entity declarations are never needed in a feed and are how XML bombs work."""
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FormatError(f"refused a feed with entity declarations ({type(exc).__name__})") from None
    except ParseError:
        if b"<!ENTITY" in data:
            raise FormatError("refused a broken feed with entity declarations") from None


def _check_structure(feed, data: bytes) -> None:
    if feed.version not in ACCEPTED_VERSIONS:
        if HTML_START.match(data[:2000]):
            raise FormatError("expected an RSS or Atom feed, got an HTML page (is the feed URL right?)")
        if feed.version:
            raise FormatError(f"feed version {feed.version!r} is not RSS 2.0 or Atom")
        raise FormatError(
            f"not an RSS or Atom feed: {feed.get('bozo_exception') or 'no <rss> or <feed> root'}"
        )
    if feed.bozo and not feed.entries:
        raise FormatError(f"broken feed with no readable items: {feed.bozo_exception}")


def entry_item(entry, *, outlet: str, home: str = "", language: str = "") -> WireItem:
    link = urljoin(home, (entry.get("link") or "").strip())  # Atom links may be relative to the site
    guid = (entry.get("id") or link).strip()
    title = repair(" ".join((entry.get("title") or "").split()))
    if not guid:
        raise ItemRejected("entry has neither a guid/id nor a link")
    if not title:
        raise ItemRejected("entry has no title")
    if len(guid) > 300:
        guid = "urn:sha1:" + hashlib.sha1(guid.encode()).hexdigest()  # noqa: S324 - an id, not security
    summary = repair(html_to_text(entry.get("summary") or ""))
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else ""
    # dict.get: feedparser's own get() maps updated→published with a deprecation warning.
    published = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    declared = (entry.get("title_detail") or {}).get("language") or language
    return WireItem(
        guid=guid,
        kind="feed",  # copy or link: the source decides
        headline=title,
        lead=summary,
        body_html=repair(body) if body else (f"<p>{escape(summary)}</p>" if summary else ""),
        byline=repair(entry.get("author") or ""),
        url=link,
        outlet=outlet,
        versioncreated=dt.datetime.fromtimestamp(calendar.timegm(published), tz=dt.UTC)
        if published
        else None,
        subjects=[t.get("term") for t in entry.get("tags") or [] if t.get("term")],
        language=(declared or language_of(f"{title} {summary}")).strip(),
    )
