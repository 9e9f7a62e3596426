"""Every request's metrics and log line, kept in plain per-process structures and folded in bulk — into the
Prometheus metrics (metrics.py) and the request log (logger ``newsdesk.request``) — by a daemon thread every
FOLD_SECONDS, when this process answers /metrics (its metrics only), and when the process exits.

Why: done on the request path, the seven metric updates (each a write to a file shared between processes) and
the log line (a record, logging's handlers, the JSON text, a write) came right after the view, when their code
and data were out of the CPU's caches, and cost three times what they cost warm. Here a request costs a tuple
of what it found, appended to a queue (no lock); the fold does the rest once a second, warm: names the view,
counts, fills the histograms' buckets, writes each (view, method, status) once however many requests it had, and
makes the request lines and writes them with one write a stream (logs.direct_writer).

The price:
* another process's /metrics shows a process's requests up to FOLD_SECONDS late, and request lines reach the log
  up to that late (each line keeps its own time: the line is the same text as when it was written at once);
* a process killed with SIGKILL loses up to FOLD_SECONDS of its counts and request lines. A process that exits —
  a plain exit, granian's worker shutdown (SIGTERM) — folds first.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import threading
import time
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from functools import partial

from newsdesk.analytics.beacon import is_beacon_path

from . import metrics
from .logs import direct_writer, request_json, request_record

FOLD_SECONDS = 1.0
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
_LATENCY_BOUNDS = [*metrics.LATENCY_BUCKETS, float("inf")]
_QUERY_BOUNDS = [*metrics.QUERY_BUCKETS, float("inf")]
# One list per (view, method, status): [requests, latency sum, latency buckets …, queries sum, queries buckets …];
# each bucket holds the observations of its own range, as prometheus-client stores a histogram.
_LATENCY_AT = 2
_QUERIES_AT = _LATENCY_AT + len(_LATENCY_BOUNDS)
_SIZE = _QUERIES_AT + 1 + len(_QUERY_BOUNDS)

request_logger = logging.getLogger("newsdesk.request")

# What the request path hands over for each answered request, as it found it (a plain tuple: the cheapest thing
# to make): (request id, method, path, status "200", X-Cache or "", view name or None when Django did not
# answer, queries or None, newsroom user id or None, seconds, time.time() at the last byte, write its line?)
Answered = tuple[str, str, str, str, str, "str | None", "int | None", "int | None", float, float, bool]


def view_name(view: str | None, path: str, cache: str) -> str:
    """The view a request is counted under: Django's, or the layer that answered before Django."""
    if view is not None:
        return view
    if cache == "HIT":
        return "page_cache"
    if is_beacon_path(path):
        return "read_beacon"
    if path.startswith("/live/"):
        return "live_poll"
    return "unresolved"


class RequestTally:
    def __init__(self) -> None:
        self._reset()
        # In a forked child the parent's tally is the parent's to fold, its thread is gone, and its locks may
        # have been held by another thread at the fork.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._fold_lock = threading.Lock()
        # The request path takes no lock: next() on a count and a deque's append are atomic in CPython.
        self._started = itertools.count()
        self._peeks = 0  # next() calls of the fold's own on _started
        self._answered: deque[Answered] = deque()
        self.started = partial(next, self._started)
        self.finished = self._answered.append
        self.running = False
        self._finished = 0  # requests folded
        self._in_progress_folded = 0
        self._thread: threading.Thread | None = None

    # The request path -----------------------------------------------------------------------------------------
    # Both are C calls, bound in _reset (no Python frame on the request path):
    #   started(): one more request begun (next() on a count);
    #   finished(answered): a request answered (Answered), named, counted and logged at the next fold (a deque's
    #   append).
    # The serving layer starts the fold's thread with start() when `running` is False (once per process).
    started: Callable[[], int]
    finished: Callable[[Answered], None]
    running = False

    def start(self) -> None:
        if not self.running:
            self._start()

    # Folding ------------------------------------------------------------------------------------------------
    def _in_progress(self) -> int:
        started = next(self._started) - self._peeks
        self._peeks += 1
        return started - self._finished - len(self._answered)

    def pending(self) -> bool:
        """Anything not folded yet?"""
        with self._fold_lock:
            return bool(self._answered) or self._in_progress() != self._in_progress_folded

    def fold(self) -> None:
        """Everything tallied so far into the metrics, then the request lines into the log, in their order."""
        with self._fold_lock:
            answered = self._answered
            n = len(answered)
            requests: dict[tuple[str, str, str], list] = {}
            counts: dict[tuple, int] = {}
            logged: list[tuple] = []  # (level, the request as folded), for its line
            logs_info = request_logger.isEnabledFor(logging.INFO)
            logs_error = request_logger.isEnabledFor(logging.ERROR)
            for _ in range(n):  # only what was there: appends meanwhile wait for the next fold
                rid, method, path, status, cache, view, queries, user, seconds, created, log = (
                    answered.popleft()
                )
                view = view_name(view, path, cache)
                if cache:
                    hit: tuple = (metrics.PAGE_CACHE, ("hit" if cache == "HIT" else "miss",))
                    counts[hit] = counts.get(hit, 0) + 1
                if path.startswith("/analytics/read") and is_beacon_path(path):  # before Django, or its view
                    beacon: tuple = (metrics.BEACONS, ("accepted" if status[0] == "2" else "refused", status))
                    counts[beacon] = counts.get(beacon, 0) + 1
                if method not in METHODS:
                    method = "other"  # a label per invented method would grow without bound
                entry = requests.get((view, method, status))
                if entry is None:
                    entry = requests[(view, method, status)] = [0] * _SIZE
                entry[0] += 1
                entry[1] += seconds
                entry[_LATENCY_AT + bisect_left(_LATENCY_BOUNDS, seconds)] += 1
                if queries is not None:
                    entry[_QUERIES_AT] += queries
                    entry[_QUERIES_AT + 1 + bisect_left(_QUERY_BOUNDS, queries)] += 1
                if log and (logs_error if status[0] == "5" else logs_info):
                    level = logging.ERROR if status[0] == "5" else logging.INFO
                    code = int(status) if status.isdigit() else 0
                    logged.append((level, created, rid, method, path, code, round(seconds * 1000, 2), view,
                                   queries, cache, user))  # fmt: skip
            self._finished += n
            for (view, method, status), entry in requests.items():
                metrics.REQUESTS.labels(view, method, status).inc(entry[0])
                _observed(metrics.LATENCY.labels(view), entry, _LATENCY_AT, len(_LATENCY_BOUNDS))
                _observed(metrics.QUERIES.labels(view), entry, _QUERIES_AT + 1, len(_QUERY_BOUNDS))
            for (counter, labels), count in counts.items():
                counter.labels(*labels).inc(count)
            in_progress = self._in_progress()
            if in_progress != self._in_progress_folded:
                metrics.IN_PROGRESS.set(in_progress)
                self._in_progress_folded = in_progress
            if logged:
                _write(logged)

    def _start(self) -> None:
        with self._fold_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="request-tally", daemon=True)
            self._thread.start()
            self.running = True
        atexit.register(self.fold)
        # granian's worker processes (multiprocessing, forked) end with os._exit: atexit does not run there, but
        # multiprocessing's exit finalizers do — registered here, in the process that serves (a fork clears them).
        from multiprocessing import util

        util.Finalize(None, self.fold, exitpriority=10)

    def _run(self) -> None:
        while True:
            time.sleep(FOLD_SECONDS)
            self.fold()


def _write(logged: list[tuple]) -> None:
    """The request lines, in their order: their JSON text straight to the log's streams where logging's own path
    adds nothing (logs.direct_writer), else each as a record through the logger's handlers."""
    write = direct_writer(request_logger)
    if write is not None:
        write([(line[0], request_json(*line)) for line in logged])
        return
    for level, created, rid, method, path, status, duration_ms, view, queries, cache, user in logged:
        fields = {"request_id": rid, "method": method, "path": path, "status": status, "duration_ms": duration_ms,
                  "view": view}  # fmt: skip
        if queries is not None:
            fields["queries"] = queries
        if cache:
            fields["cache"] = cache
        if user:
            fields["user_id"] = user
        request_logger.handle(request_record(request_logger.name, level, fields, created))


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
