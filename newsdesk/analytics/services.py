"""Writes: accepting a read. Keyword-only; the HTTP adapters (beacon.py, views.py) call only these.

Privacy by design: the reader's address is hashed with the day's random salt together with the article id,
the hash lives only until the back end has deduplicated it, and nothing that identifies a reader is ever
written. See the /privacy/ page, which says the same to readers.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import threading
import time

from django.conf import settings
from django.utils import timezone

from .backends import Read, get_backend, reset_backend
from .buffer import ReadBuffer
from .index import PublishedIndex

# Crawlers, link previewers, monitors, headless browsers and command-line clients: not readers. Substring
# tests on the lower-cased user agent: several times faster than one big regular expression on this hot path.
BOT_MARKERS = (
    "bot", "crawl", "spider", "slurp", "scrape", "fetch", "preview", "monitor", "check", "lighthouse",
    "pagespeed", "headless", "phantom", "selenium", "puppeteer", "playwright", "facebookexternalhit",
    "embedly", "whatsapp", "telegram", "skype", "discord", "curl", "wget", "python", "java/", "go-http",
    "okhttp", "axios", "node-fetch", "libwww", "httpclient", "feed", "rss", "archiver",
)  # fmt: skip


class Outcome(enum.Enum):
    COUNTED = "counted"  # buffered; the back end still drops a repeat within 30 minutes
    IGNORED = "ignored"  # a bot: answered like a read, never counted
    UNKNOWN = "unknown"  # no such published article (unknown, unpublished, scheduled, withdrawn)
    LIMITED = "limited"  # too many beacons from one client


class RateLimiter:
    """Fixed one-minute windows per client, in process memory; the key is a salted hash, never the address."""

    def __init__(self) -> None:
        self._minute = -1
        self._counts: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def allow(self, key: bytes, *, limit: int, now: float) -> bool:
        if limit <= 0:
            return True
        minute = int(now // 60)
        with self._lock:
            if minute != self._minute:
                self._minute, self._counts = minute, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        return count <= limit


class _State:
    """This process's counting machinery, built on first use (never at import time)."""

    def __init__(self) -> None:
        self.index = PublishedIndex()
        self.limiter = RateLimiter()
        self.buffer = ReadBuffer(interval=float(settings.ANALYTICS["FLUSH_INTERVAL"]))


_state: _State | None = None


def state() -> _State:
    global _state
    if _state is None:
        _state = _State()
    return _state


def reader_hash(*, salt: bytes, client: str, article_id: int) -> bytes:
    """Who read what, for de-duplication: the client's address and the article, never anything the client
    sends of its own accord (a user agent, a header), which it could change on every beacon to be counted
    again. Readers behind one address (an office) count once per article per window together."""
    data = f"{client}\x00{article_id}".encode(errors="replace")
    return hashlib.blake2b(data, key=salt, digest_size=12).digest()


def is_bot(user_agent: str) -> bool:
    agent = user_agent.lower()
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def read_accept(
    *, public_id: int, client: str, user_agent: str, referrer: str = "", at: dt.datetime | None = None
) -> Outcome:
    """Take one read of the article ``public_id`` from ``client`` (an address, used only for hashing); the user
    agent only tells robots apart."""
    at = at or timezone.now()
    st = state()
    salt = get_backend().salt(at.astimezone(dt.UTC).date())
    client_key = hashlib.blake2b(client.encode(errors="replace"), key=salt, digest_size=8).digest()
    if not st.limiter.allow(
        client_key, limit=int(settings.ANALYTICS["RATE_LIMIT_PER_MINUTE"]), now=time.time()
    ):
        return Outcome.LIMITED
    ref = st.index.lookup(public_id, at=at.timestamp())
    if ref is None:
        return Outcome.UNKNOWN
    if is_bot(user_agent):
        return Outcome.IGNORED
    reader = reader_hash(salt=salt, client=client, article_id=ref.article_id)
    st.buffer.add(Read(ref.article_id, ref.section_id, at, reader, referrer))
    return Outcome.COUNTED


def reads_flush() -> int:
    """Write this process's buffered reads now (tests, shutdown); returns how many were counted."""
    return state().buffer.flush()


def on_article_changed(article_id: int) -> None:
    """after_publish hook: visibility may have changed, so re-check ids and rebuild the box."""
    if _state is not None:
        _state.index.invalidate()
    from .widgets import box_forget  # the box reads news models: imported once apps are ready

    box_forget()


def reset_state() -> None:
    """Forget this process's machinery and back end (tests switch settings)."""
    global _state
    _state = None
    reset_backend()
