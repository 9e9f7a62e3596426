"""An in-process tagged store: the reference for the contract tests, and the purger when no cache is configured.

It behaves like the proxy's cache from the purge side (``store`` what a proxy would keep, ``purge`` bans by key),
so the same contract tests run against it and against real Varnish.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Collection

from .base import BasePurger, check_keys


class MemoryPurger(BasePurger):
    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()
        self.purged: deque[frozenset[str]] = deque(maxlen=max_entries)  # recent purges, newest last

    def store(self, url: str, keys: Collection[str]) -> None:
        with self._lock:
            self._entries[url] = frozenset(check_keys(keys))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def is_cached(self, url: str) -> bool:
        return url in self._entries

    def purge(self, keys: Collection[str]) -> None:
        wanted = frozenset(check_keys(keys))
        with self._lock:
            self.purged.append(wanted)
            for url in [url for url, tags in self._entries.items() if tags & wanted]:
                del self._entries[url]
