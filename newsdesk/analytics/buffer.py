"""The per-process read buffer: beacons are answered at once and counted in batches by a background thread.

A batch is written at least every FLUSH_INTERVAL seconds (default 0.5), so a hard kill of the server loses at
most the reads of the last interval. A batch that cannot be written (database locked, Redis away) is kept and
retried, up to MAX_PENDING reads; beyond that the oldest are dropped and logged, never the server.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.db import connection
from django.utils import timezone

from .backends import Read, get_backend

logger = logging.getLogger(__name__)
PRUNE_EVERY = 600.0


class ReadBuffer:
    def __init__(self, *, interval: float, max_pending: int = 500_000) -> None:
        self.interval = interval
        self.max_pending = max_pending
        self._pending: list[Read] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._thread_pid: int | None = None
        self._pruned_at = time.monotonic()
        self._flushed_at = time.monotonic()

    def add(self, read: Read) -> None:
        with self._lock:
            self._pending.append(read)
            if len(self._pending) > self.max_pending:
                del self._pending[: len(self._pending) - self.max_pending]
                logger.error("analytics: read buffer full; oldest reads dropped")
        if self.interval > 0 and self._thread_pid != os.getpid():
            self._start()
        elif self.interval > 0 and time.monotonic() - self._flushed_at > 2 * self.interval:
            # The flusher is starved (an overloaded machine): this request writes the batch itself.
            self._flush_quietly(wait=False)

    def __len__(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Write what is pending; returns how many reads were counted. On failure the batch is kept."""
        return self._flush(wait=True)

    def _flush(self, *, wait: bool) -> int:
        if not self._flush_lock.acquire(blocking=wait):
            return 0  # a flush is already under way
        try:
            self._flushed_at = time.monotonic()
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                return get_backend().write(batch)
            except Exception:
                with self._lock:
                    self._pending[:0] = batch
                raise
        finally:
            self._flush_lock.release()

    def _start(self) -> None:
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            # A forked worker inherits no threads: each process starts its own flusher.
            self._thread_pid = os.getpid()
            threading.Thread(target=self._run, name="analytics-flush", daemon=True).start()
            atexit.register(self._flush_quietly)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self._flush_quietly()
            if time.monotonic() - self._pruned_at > PRUNE_EVERY:
                self._pruned_at = time.monotonic()
                self._prune_quietly()

    def _flush_quietly(self, *, wait: bool = True) -> None:
        try:
            self._flush(wait=wait)
        except Exception:
            logger.exception("analytics: flush failed; will retry")
            connection.close()  # a broken connection is reopened on the next try

    def _prune_quietly(self) -> None:
        try:
            get_backend().prune(at=timezone.now())
        except Exception:
            logger.exception("analytics: prune failed")
            connection.close()
