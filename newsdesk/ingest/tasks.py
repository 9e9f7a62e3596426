"""Ingest jobs for the worker: a once-a-minute check for due sources, and one job per poll or retry."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import selectors, services


@db_periodic_task(crontab(minute="*"))
def ingest_poll_due_job() -> None:
    for source_id in selectors.sources_due():
        source_poll_job(source_id)


@db_task()
def source_poll_job(source_id: int, force: bool = False) -> None:
    services.source_poll(source_id=source_id, force=force)


@db_task()
def quarantine_retry_job(entry_id: int) -> None:
    services.quarantine_retry(entry_id=entry_id)
