"""Fetch a feed over HTTP(S) with a conditional GET, a total deadline and a size cap (stdlib urllib)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT = "Newsdesk-ingest/0.1 (+https://github.com/newsdesk)"
ACCEPT = "application/rss+xml, application/atom+xml, application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
CHUNK = 64 * 1024


class FetchError(Exception):
    """The URL gave no usable document; the message says why (for the source's status and the log)."""


@dataclass
class Fetched:
    status: int
    data: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float, max_bytes: int) -> Fetched:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"{url!r} is not an http(s) URL")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = _read(response, deadline=deadline, max_bytes=max_bytes, url=url)
            return Fetched(
                status=response.status, data=data, content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""), last_modified=response.headers.get("Last-Modified", ""),
            )  # fmt: skip
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(status=304, etag=etag, last_modified=last_modified)
        raise FetchError(f"{url} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"could not fetch {url}: {reason or 'timed out'}") from None


def _read(response, *, deadline: float, max_bytes: int, url: str) -> bytes:
    """Read in chunks so a server that trickles bytes cannot hold the worker past the deadline."""
    parts, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} sent more than {max_bytes} bytes; refused")
        if time.monotonic() > deadline:
            raise FetchError(f"{url} took longer than the timeout to send its document")
        parts.append(chunk)
    return b"".join(parts)
