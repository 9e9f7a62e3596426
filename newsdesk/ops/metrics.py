"""Prometheus metrics (prometheus-client), one view of every process of the machine.

Under `newsdesk serve` every process — each granian worker process, the background worker — writes its
counts to files in PROMETHEUS_MULTIPROC_DIR (set by serve before it starts them, emptied at its start), and
/metrics, answered by whichever process gets the request, adds them up. Without that variable (a plain
`newsdesk runserver`, the tests) each process counts for itself.

Gauges that describe the site rather than a process (pipeline lag, search index lag, worker heartbeat) are read
from the database when /metrics is asked, so every process reports the same value.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import values as _values
from prometheus_client.core import GaugeMetricFamily

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# In multiprocess mode every update asks which process writes (a fork since the last one starts new files):
# prometheus-client asks os.getpid(), a system call, seven times a request. The process id is kept here instead,
# and renewed in a child the moment it is forked (granian's worker processes are) — the library's own hook for
# it (MultiProcessValue's process_identifier), set before any metric is made.
_pid = os.getpid()


def _process_id() -> int:
    return _pid


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)
if os.environ.get(MULTIPROC_VARIABLE):
    _values.ValueClass = _values.MultiProcessValue(process_identifier=_process_id)
disable_created_metrics()  # no *_created series: as in multiprocess mode, whichever mode runs
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 4, 8, 16, 32, 64, 128, 256)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0)

REQUESTS = Counter("newsdesk_http_requests", "Requests answered, by view, method and status.",
                   ["view", "method", "status"])  # fmt: skip
LATENCY = Histogram("newsdesk_http_request_duration_seconds", "Time from a request's arrival to its last byte.",
                    ["view"], buckets=LATENCY_BUCKETS)  # fmt: skip
QUERIES = Histogram("newsdesk_db_queries_per_request", "Database queries one request made (Django views).",
                    ["view"], buckets=QUERY_BUCKETS)  # fmt: skip
IN_PROGRESS = Gauge("newsdesk_http_requests_in_progress", "Requests being answered now.",
                    multiprocess_mode="livesum")  # fmt: skip
LIVE_STREAMS = Gauge("newsdesk_live_streams_open", "Live-feed streams (/live/stream) held open now.",
                     multiprocess_mode="livesum")  # fmt: skip
PAGE_CACHE = Counter(
    "newsdesk_page_cache_lookups", "The embedded page cache's answers: hit or miss.", ["result"]
)
PURGES = Counter("newsdesk_edge_purges", "Purge requests sent to the page cache or Varnish.", ["backend"])
PURGED_KEYS = Counter("newsdesk_edge_purged_keys", "Surrogate keys purged.", ["backend"])
INGEST = Counter("newsdesk_ingest_items", "Wire items by source and outcome (created, updated, quarantined …).",
                 ["source", "outcome"])  # fmt: skip
BEACONS = Counter("newsdesk_read_beacons", "Most read beacons answered: accepted or refused (with status).",
                  ["outcome", "status"])  # fmt: skip
JOB_SECONDS = Histogram("newsdesk_worker_job_duration_seconds", "Background jobs' run time, by job.", ["job"],
                        buckets=JOB_BUCKETS)  # fmt: skip
JOB_FAILURES = Counter("newsdesk_worker_job_failures", "Background jobs that raised, by job.", ["job"])
BACKUPS = Counter("newsdesk_backups", "Scheduled backups, by outcome.", ["outcome"])
LAST_BACKUP = Gauge("newsdesk_backup_last_success_timestamp_seconds", "When the last scheduled backup completed.",
                    multiprocess_mode="max")  # fmt: skip


def multiproc_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_VARIABLE)
    return Path(value) if value else None


def prepare_multiproc_dir(path: Path) -> None:
    """Empty (or create) the folder before any process writes to it: `newsdesk serve` at its start. Counts of
    an earlier run would otherwise be added to this one's, and its processes' gauges never cleared."""
    path.mkdir(parents=True, exist_ok=True)
    for entry in path.glob("*.db"):
        entry.unlink(missing_ok=True)


_PID = re.compile(r"_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_dead_processes(path: Path) -> list[int]:
    """Live gauges (requests in progress, open streams) of processes that are gone are removed: granian
    replaces a process that dies without telling anyone, so the reader of the metrics checks."""
    from prometheus_client import multiprocess

    dead = set()
    for entry in path.glob("gauge_live*_*.db"):
        if (match := _PID.search(entry.name)) and not _alive(int(match.group(1))):
            dead.add(int(match.group(1)))
    for pid in dead:
        multiprocess.mark_process_dead(pid, str(path))
    return sorted(dead)


class _SiteState:
    """Gauges read from the database at scrape time (the same in every process)."""

    def collect(self):
        from . import health

        state = health.lags()
        for name, help_text, value in (
            ("newsdesk_pipeline_lag_seconds", "Age of the oldest publish change whose effects have not all run.",
             state["pipeline_lag"]),
            ("newsdesk_pipeline_backlog", "Publish changes whose effects have not all run.", state["pipeline_backlog"]),
            ("newsdesk_search_index_lag_seconds", "Age of the oldest article change not yet in the search index.",
             state["search_lag"]),
            ("newsdesk_worker_heartbeat_age_seconds", "Seconds since a background worker last said it is alive.",
             state["heartbeat_age"]),
        ):  # fmt: skip
            if value is not None:
                yield GaugeMetricFamily(name, help_text, value=float(value))


class _Default:
    def __init__(self, registry) -> None:
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()


def exposition() -> tuple[bytes, str]:
    """The text /metrics answers, and its content type. The caller folds this process's tally first
    (tally.TALLY.fold(): its requests up to now; the other processes fold theirs every FOLD_SECONDS)."""
    registry = CollectorRegistry()
    path = multiproc_dir()
    if path is not None:
        from prometheus_client import multiprocess

        mark_dead_processes(path)
        multiprocess.MultiProcessCollector(registry, path=str(path))
    else:
        registry.register(_Default(REGISTRY))
    registry.register(_SiteState())
    return generate_latest(registry), CONTENT_TYPE_LATEST


# Helpers the instrumented code calls (each a line where it counts) ---------------------------------------------
def ingest_counted(*, source, counts) -> None:
    name = getattr(source, "name", None) or "command line"
    for outcome, n in counts.items():
        if n:
            INGEST.labels(name, "quarantined" if outcome == "rejected" else outcome).inc(n)


def purged(*, backend: str, keys: int) -> None:
    PURGES.labels(backend).inc()
    PURGED_KEYS.labels(backend).inc(keys)
