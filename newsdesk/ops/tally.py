"""Every request's metrics and log line, kept in plain per-process structures and folded in bulk — into the
Prometheus metrics (metrics.py) and the request log (logger ``newsdesk.request``) — by a daemon thread every
FOLD_SECONDS, when this process answers /metrics (its metrics only), and when the process exits.

Why: done on the request path, the seven metric updates (each a write to a file shared between processes) and
the log line (a record, logging's handlers, the JSON text, a write) came right after the view, when their code
and data were out of the CPU's caches, and cost three times what they cost warm. Here a request costs a lock, a
dict look-up, a few integer additions and a tuple; the fold does the rest once a second, warm, and writes each
(view, method, status) once however many requests it had.

The price:
* another process's /metrics shows a process's requests up to FOLD_SECONDS late, and request lines reach the log
  up to that late (each line keeps its own time: the line is the same text as when it was written at once);
* a process killed with SIGKILL loses up to FOLD_SECONDS of its counts and request lines. A process that exits —
  a plain exit, granian's worker shutdown (SIGTERM) — folds first.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from bisect import bisect_left

from . import metrics
from .logs import request_record

FOLD_SECONDS = 1.0
_LATENCY_BOUNDS = [*metrics.LATENCY_BUCKETS, float("inf")]
_QUERY_BOUNDS = [*metrics.QUERY_BUCKETS, float("inf")]
# One list per (view, method, status): [requests, latency sum, latency buckets …, queries sum, queries buckets …];
# each bucket holds the observations of its own range, as prometheus-client stores a histogram.
_LATENCY_AT = 2
_QUERIES_AT = _LATENCY_AT + len(_LATENCY_BOUNDS)
_SIZE = _QUERIES_AT + 1 + len(_QUERY_BOUNDS)

request_logger = logging.getLogger("newsdesk.request")


class RequestTally:
    def __init__(self) -> None:
        self._reset()
        # In a forked child the parent's tally is the parent's to fold, its thread is gone, and its locks may
        # have been held by another thread at the fork.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._fold_lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], list] = {}
        self._counts: dict[tuple, int] = {}
        self._lines: list[tuple[int, dict, float]] = []
        self._in_progress = 0
        self._in_progress_folded = 0
        self._thread: threading.Thread | None = None

    # The request path -----------------------------------------------------------------------------------------
    def started(self) -> None:
        with self._lock:
            self._in_progress += 1
        if self._thread is None:
            self._start()

    def finished(
        self, view: str, method: str, status: str, seconds: float, queries: int | None, line: tuple | None
    ) -> None:
        """A request answered: its metrics, and its log line (level, fields, time) when it is to be written."""
        with self._lock:
            self._in_progress -= 1
            entry = self._requests.get((view, method, status))
            if entry is None:
                entry = self._requests[(view, method, status)] = [0] * _SIZE
            entry[0] += 1
            entry[1] += seconds
            entry[_LATENCY_AT + bisect_left(_LATENCY_BOUNDS, seconds)] += 1
            if queries is not None:
                entry[_QUERIES_AT] += queries
                entry[_QUERIES_AT + 1 + bisect_left(_QUERY_BOUNDS, queries)] += 1
            if line is not None:
                self._lines.append(line)

    def count(self, counter, *labels: str) -> None:
        """One more for a counter's labels (the page cache's lookups, the read beacons)."""
        with self._lock:
            self._counts[(counter, labels)] = self._counts.get((counter, labels), 0) + 1

    # Folding ------------------------------------------------------------------------------------------------
    def pending(self) -> bool:
        """Anything not folded yet?"""
        return bool(self._requests or self._counts or self._lines) or (
            self._in_progress != self._in_progress_folded
        )

    def fold(self) -> None:
        """Everything tallied so far into the metrics, then the request lines into the log, in their order."""
        with self._fold_lock:
            with self._lock:
                requests, self._requests = self._requests, {}
                counts, self._counts = self._counts, {}
                lines, self._lines = self._lines, []
                in_progress = self._in_progress
            for (view, method, status), entry in requests.items():
                metrics.REQUESTS.labels(view, method, status).inc(entry[0])
                _observed(metrics.LATENCY.labels(view), entry, _LATENCY_AT, len(_LATENCY_BOUNDS))
                _observed(metrics.QUERIES.labels(view), entry, _QUERIES_AT + 1, len(_QUERY_BOUNDS))
            for (counter, labels), n in counts.items():
                counter.labels(*labels).inc(n)
            if in_progress != self._in_progress_folded:
                metrics.IN_PROGRESS.set(in_progress)
                self._in_progress_folded = in_progress
            for level, fields, created in lines:
                request_logger.handle(request_record(request_logger.name, level, fields, created))

    def _start(self) -> None:
        with self._fold_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="request-tally", daemon=True)
            self._thread.start()
        atexit.register(self.fold)
        # granian's worker processes (multiprocessing, forked) end with os._exit: atexit does not run there, but
        # multiprocessing's exit finalizers do — registered here, in the process that serves (a fork clears them).
        from multiprocessing import util

        util.Finalize(None, self.fold, exitpriority=10)

    def _run(self) -> None:
        while True:
            time.sleep(FOLD_SECONDS)
            if self.pending():
                self.fold()


def _observed(histogram, entry: list, at: int, buckets: int) -> None:
    """A histogram child's observations from a tally entry: the sum (just before the buckets), then each
    bucket's count. prometheus-client has no public call to add many observations at once."""
    counts = entry[at : at + buckets]
    if not any(counts):
        return
    histogram._sum.inc(entry[at - 1])
    for i, n in enumerate(counts):
        if n:
            histogram._buckets[i].inc(n)


TALLY = RequestTally()
