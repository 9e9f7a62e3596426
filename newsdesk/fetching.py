"""Fetching a document over HTTP(S) with hard limits: a total deadline, a size cap, http(s) only.

One implementation for every outbound fetch (ingest feeds, weather and rate providers). A server that is down,
slow, trickling or huge raises FetchError with a message an operator can act on.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class FetchError(Exception):
    """The URL gave no usable document; the message says why."""


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


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: dict[str, str],
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """A 200 answer's body read within ``timeout`` seconds in all, or a 304 for a conditional request."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"{url!r} is not an http(s) URL")
    headers = dict(headers)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = _read(response, deadline=deadline, timeout=timeout, max_bytes=max_bytes, url=url)
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


def _read(response, *, deadline: float, timeout: float, max_bytes: int, url: str) -> bytes:
    """read1() returns what one receive brought, so a server that trickles bytes is cut off at the deadline."""
    parts, size = [], 0
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} sent more than {max_bytes} bytes; refused")
        if time.monotonic() > deadline:
            raise FetchError(f"{url} took longer than {timeout:g} s to send its document; giving up")
        parts.append(chunk)
    return b"".join(parts)
