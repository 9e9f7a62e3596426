"""The worker's news jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def scheduled_release_job() -> None:
    # Every minute: scheduled items that came due get their publish side effects (purge, index, pings).
    services.scheduled_release_due()
