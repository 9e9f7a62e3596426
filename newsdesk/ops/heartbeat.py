"""The background worker's heartbeat: a thread of `newsdesk worker` writes "alive at <now>" to the database every
NEWSDESK_WORKER_HEARTBEAT_SECONDS; /readyz counts a worker gone when the newest beat is older than
NEWSDESK_WORKER_STALE_SECONDS."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)
FORGET_AFTER = dt.timedelta(days=1)  # rows of workers gone this long are removed


def beat(*, worker: str, started_at: dt.datetime) -> None:
    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=worker, defaults={"beat_at": now, "started_at": started_at}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def _run(stop: threading.Event) -> None:
    worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
    started = timezone.now()
    failing = False
    while True:
        try:
            close_old_connections()
            beat(worker=worker, started_at=started)
            if failing:
                logger.info("worker heartbeat written again")
            failing = False
        except Exception as exc:  # noqa: BLE001 - the database is away: say so once, keep trying
            if not failing:
                logger.warning("worker heartbeat not written: %s", exc)
            failing = True
            connection.close()
        if stop.wait(settings.NEWSDESK_WORKER_HEARTBEAT_SECONDS):
            return


def start() -> threading.Event:
    """Beat in a daemon thread (it ends with the worker); set the returned event to stop it sooner."""
    stop = threading.Event()
    threading.Thread(target=_run, args=(stop,), name="newsdesk-heartbeat", daemon=True).start()
    return stop
