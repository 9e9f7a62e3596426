"""The worker's search job."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def search_sync_job() -> None:
    # Every minute: what no pipeline change announces reaches the index (drafts and scheduled stories saved in
    # the newsroom, other write paths). Reads never index: a search shows what the index holds, through the
    # visibility gate, so a story scheduled for noon is found at noon without a job running then.
    while services.search_sync_pending() == services.SYNC_BATCH:
        pass  # a full batch: there may be more
