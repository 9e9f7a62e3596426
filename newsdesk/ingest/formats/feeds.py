"""RSS 2.0 and Atom, read with feedparser — which forgives almost anything, so the structure is checked here.

A feed must be an RSS 2.0 (or 0.9x) or Atom document with a channel; HTML served at a feed URL, truncated
documents without items and entity tricks are refused. Each entry needs a link or guid and a title.
"""

from __future__ import annotations

import calendar
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
from .text import repair

HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype html|<html|<head|<body)", re.I | re.S
)
ACCEPTED_VERSIONS = {"rss", "rss20", "rss091u", "rss091n", "rss092", "rss093", "rss094", "atom10", "atom03"}


def parse(data: bytes, *, content_type: str = "") -> Iterator[WireItem | Rejected]:
    _refuse_entities(data)
    headers = {"content-type": content_type} if content_type else {}
    feed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    _check_structure(feed, data)
    outlet = repair(feed.feed.get("title", "")).strip()
    home = feed.feed.get("link", "")
    for number, entry in enumerate(feed.entries, start=1):
        try:
            yield entry_item(entry, outlet=outlet, home=home)
        except ItemRejected as exc:
            yield Rejected(ref=entry.get("id") or entry.get("link") or f"entry {number}", reason=str(exc))


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


def entry_item(entry, *, outlet: str, home: str = "") -> WireItem:
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
    )
