"""Fetching a provider's document with hard limits: a total deadline, a size cap and http(s) only.

Used by the weather and the exchange-rate providers. A provider that is down, slow or huge raises
ProviderError with a message an operator can act on; nothing here ever runs while a page renders.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

CHUNK = 64 * 1024
DEFAULT_USER_AGENT = "Newsdesk/0.1 (+https://github.com/newsdesk)"


class ProviderError(Exception):
    """A provider could not be reached or answered something unusable; the old data stays."""


def fetch(url: str, *, timeout: float, max_bytes: int = 5 * 1024 * 1024, user_agent: str = "") -> bytes:
    """The body of a 200 answer, read within `timeout` seconds in all (a trickling server is cut off too)."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ProviderError(f"{url!r} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": user_agent or DEFAULT_USER_AGENT})  # noqa: S310
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            return _read_body(response, url=url, deadline=deadline, timeout=timeout, max_bytes=max_bytes)
    except urllib.error.HTTPError as exc:
        raise ProviderError(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProviderError(f"{url} could not be fetched: {reason}") from exc


def _read_body(response, *, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ProviderError(f"{url} sent more than {max_bytes} bytes; refusing it")
        if time.monotonic() > deadline:
            raise ProviderError(f"{url} took longer than {timeout:g} s; giving up")
        chunks.append(chunk)
    return b"".join(chunks)
