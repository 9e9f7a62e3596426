"""Who a request comes from, and request limits that every server process counts together.

- ``client_address``: ``REMOTE_ADDR``, or — behind a reverse proxy — the address that proxy appended to the
  header named by ``NEWSDESK_CLIENT_IP_HEADER`` (formerly ``ANALYTICS_CLIENT_IP_HEADER``). Only the right-most
  entry is trusted: whatever stands before it came from the client, who can write anything there. Behind a
  proxy without that setting every reader has the proxy's address, so they would all share one limit.
- ``hit``: one request counted in the caller's current one-minute window, in the cache alias
  ``NEWSDESK_RATE_LIMIT_CACHE`` ("shared": files in DATA_DIR on one machine, Redis with REDIS_URL), never in
  process memory, so two workers do not double a limit. Keys are keyed hashes: no address is written out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.crypto import salted_hmac

try:  # POSIX: the file cache's read-modify-write is made atomic across processes with a lock file
    import fcntl
except ImportError:  # pragma: no cover - Windows development: counts may race, which only loosens a limit
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)
WINDOW = 60  # seconds


def client_address(meta: dict) -> str:
    """The client's address from a WSGI environ or ``request.META`` (see the module's docstring)."""
    header = settings.NEWSDESK_CLIENT_IP_HEADER
    if header:
        forwarded = meta.get(header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:100]
    return meta.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def _cache():
    return caches[settings.NEWSDESK_RATE_LIMIT_CACHE]


@contextlib.contextmanager
def _file_lock(cache: FileBasedCache):
    folder = cache._dir  # type: ignore[attr-defined]  # the cache's own folder (Django keeps it private)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "ratelimit.lock"), "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _count(key: str, window: int) -> int:
    cache = _cache()
    if isinstance(cache, FileBasedCache):
        # Django's file cache has no atomic increment (it reads and rewrites a file), so processes take turns
        # on a lock file; one file per client holding (window, count), so old windows leave no files behind.
        with _file_lock(cache):
            stored = cache.get(key)
            count = stored[1] + 1 if isinstance(stored, tuple) and stored[0] == window else 1
            cache.set(key, (window, count), timeout=2 * WINDOW)
            return count
    # Redis (and the in-memory cache): add and incr are atomic; a key per window expires on its own.
    key = f"{key}:{window}"
    if cache.add(key, 1, timeout=2 * WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired or evicted between add and incr: the window starts again
        cache.set(key, 1, timeout=2 * WINDOW)
        return 1


def hit(*, scope: str, identity: str, limit: int, now: float | None = None) -> RateDecision:
    """Count one request of ``identity`` (an address, a token id) against ``limit`` per minute in ``scope``.
    A cache that cannot be reached lets the request through (logged): a limit is not worth an outage."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    digest = salted_hmac("newsdesk.ratelimit", f"{scope}\x00{identity}").hexdigest()[:32]
    try:
        count = _count(f"newsdesk:rate:{scope}:{digest}", window)
    except Exception:
        logger.warning("Rate limit for %s not counted: the shared cache is unreachable", scope)
        count = 0
    return RateDecision(
        allowed=count <= limit,
        limit=limit,
        remaining=max(limit - count, 0),
        retry_after=WINDOW - int(now % WINDOW),
    )
