"""Process memory for privacy-preserving counting: the day's salt and the readers seen in the last 30 minutes.

Nothing here is written anywhere; a restart forgets it all, which is the point.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections.abc import Iterable

logger = logging.getLogger(__name__)


class DailySalt:
    """A random salt per day, kept in memory only; the previous day's is dropped when the next one is made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: dt.date | None = None
        self._salt = b""

    def get(self, day: dt.date) -> bytes:
        with self._lock:
            if day != self._day:
                self._day, self._salt = day, secrets.token_bytes(16)
            return self._salt


class SeenReaders:
    """Reader hashes counted within the last ``window`` seconds, in time slices so old ones drop cheaply.

    Memory is bounded by ``max_entries``: past it the oldest slice goes early (a busy site should use Redis).
    """

    def __init__(self, *, window: int, slice_seconds: int = 300, max_entries: int = 2_000_000) -> None:
        self.window = window
        self.slice_seconds = slice_seconds
        self.max_entries = max_entries
        self._slices: dict[int, dict[bytes, float]] = {}
        self._lock = threading.Lock()

    def _slice_range(self, ts: float) -> range:
        current = int(ts) // self.slice_seconds
        return range(current - self.window // self.slice_seconds - 1, current + 1)

    def _seen_at(self, key: bytes, ts: float) -> bool:
        for index in self._slice_range(ts):
            seen = self._slices.get(index, {}).get(key)
            if seen is not None and 0 <= ts - seen < self.window:
                return True
        return False

    def unseen(self, items: Iterable[tuple[bytes, float]]) -> list[int]:
        """Positions of the items whose key was not seen within the window (nor earlier in ``items``)."""
        batch: dict[bytes, float] = {}
        fresh = []
        with self._lock:
            for position, (key, ts) in enumerate(items):
                earlier = batch.get(key)
                if (earlier is not None and 0 <= ts - earlier < self.window) or self._seen_at(key, ts):
                    continue
                batch[key] = ts
                fresh.append(position)
        return fresh

    def add(self, items: Iterable[tuple[bytes, float]]) -> None:
        """Remember counted items (called once they are safely stored)."""
        with self._lock:
            newest = 0.0
            for key, ts in items:
                self._slices.setdefault(int(ts) // self.slice_seconds, {})[key] = ts
                newest = max(newest, ts)
            if newest:
                self._forget(newest)

    def _forget(self, now: float) -> None:
        keep = self._slice_range(now).start
        for index in [i for i in self._slices if i < keep]:
            del self._slices[index]
        while len(self._slices) > 1 and sum(map(len, self._slices.values())) > self.max_entries:
            oldest = min(self._slices)
            logger.warning("analytics: reader memory full; forgetting slice %s early (use Redis)", oldest)
            del self._slices[oldest]

    def __len__(self) -> int:
        return sum(map(len, self._slices.values()))
