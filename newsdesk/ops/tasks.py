"""Worker jobs of operations: the scheduled backup, and every job's duration, failure and log line (Huey's
signals, for the jobs of every app)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING

from . import metrics, services

logger = logging.getLogger("newsdesk.job")
_started: dict[str, float] = {}
_lock = threading.Lock()


@HUEY.signal(SIGNAL_EXECUTING, SIGNAL_COMPLETE, SIGNAL_ERROR)
def job_accounting(signal, task, exc=None):
    if signal == SIGNAL_EXECUTING:
        with _lock:
            _started[task.id] = time.perf_counter()
        return
    with _lock:
        began = _started.pop(task.id, None)
    seconds = time.perf_counter() - began if began is not None else 0.0
    metrics.JOB_SECONDS.labels(task.name).observe(seconds)
    fields = {"job": task.name, "job_id": task.id, "duration_ms": round(seconds * 1000, 2)}
    if signal == SIGNAL_ERROR:
        metrics.JOB_FAILURES.labels(task.name).inc()
        # Huey has logged the traceback; this is the job's one line, like every other job's.
        logger.error("job failed", extra={**fields, "error": f"{type(exc).__name__}: {exc}"})
    else:
        logger.info("job", extra=fields)


def _schedule() -> crontab:
    minute, _, hour = settings.NEWSDESK_BACKUP_SCHEDULE.strip().partition(" ")
    return crontab(minute=minute or "30", hour=hour.strip() or "3")


if settings.NEWSDESK_BACKUP_DIR:

    @db_periodic_task(_schedule(), name="ops.backup")
    def backup_job():
        services.backup_scheduled()
