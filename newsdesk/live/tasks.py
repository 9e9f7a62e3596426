"""The worker's live-feed job."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def announce_missed_job() -> None:
    # Stories published while the live log was down, or by a process that stopped before its retry.
    services.announce_missed()
