"""Fetching a provider's document (weather and exchange rates) through newsdesk.fetching's hard limits.

A provider that is down, slow or huge raises ProviderError with a message an operator can act on; nothing
here ever runs while a page renders.
"""

from __future__ import annotations

from newsdesk.fetching import FetchError
from newsdesk.fetching import fetch as fetch_url

DEFAULT_USER_AGENT = "Newsdesk/0.1 (+https://github.com/newsdesk)"


class ProviderError(FetchError):
    """A provider could not be reached or answered something unusable; the old data stays."""


def fetch(url: str, *, timeout: float, max_bytes: int = 5 * 1024 * 1024, user_agent: str = "") -> bytes:
    """The body of a 200 answer, read within ``timeout`` seconds in all (a trickling server is cut off too)."""
    try:
        result = fetch_url(
            url,
            timeout=timeout,
            max_bytes=max_bytes,
            headers={"User-Agent": user_agent or DEFAULT_USER_AGENT},
        )
    except FetchError as exc:
        raise ProviderError(str(exc)) from exc
    return result.data
