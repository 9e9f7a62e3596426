"""Fetch a feed with a conditional GET, a total deadline and a size cap (see newsdesk.fetching)."""

from __future__ import annotations

from newsdesk.fetching import Fetched, FetchError
from newsdesk.fetching import fetch as fetch_url

__all__ = ["FetchError", "Fetched", "fetch"]

USER_AGENT = "Newsdesk-ingest/0.1 (+https://github.com/newsdesk)"
ACCEPT = "application/rss+xml, application/atom+xml, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float, max_bytes: int) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    return fetch_url(
        url, timeout=timeout, max_bytes=max_bytes, headers=headers, etag=etag, last_modified=last_modified
    )
