"""The worker's live-feed job."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services

FIRST_LOOK_BACK = dt.timedelta(minutes=2)
_covered_until: dt.datetime | None = None  # this worker's last successful catch-up


@db_periodic_task(crontab(minute="*"))
def announce_missed_job() -> None:
    # Stories published while the live log was down, or by a process that stopped before its retry: everything
    # since this job last got through (a minute of overlap; nothing is announced twice).
    global _covered_until
    started = timezone.now()
    services.announce_missed(since=(_covered_until or started - FIRST_LOOK_BACK) - dt.timedelta(minutes=1))
    _covered_until = started
