"""`newsdesk worker`: run the background jobs (ingest polls, periodic refreshes, after-commit jobs) and the
publishing pipeline's drain loop (newsdesk.pipeline: what follows a publish, polled every
NEWSDESK_PIPELINE_POLL_SECONDS).

Huey's consumer (djhuey's run_huey) with the project's settings; every option of run_huey works here too,
e.g. ``newsdesk worker --workers 4`` or ``--no-periodic``.
"""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = (
        "Run the background worker: periodic jobs (ingest polls …), jobs queued after commits, and the "
        "publishing pipeline (search index, Read also, purge, live feed, WebSub after each publish)."
    )

    def handle(self, *args, **options):
        from newsdesk.pipeline import loop

        loop.start()  # a daemon thread: it ends with the consumer
        from newsdesk.ops import heartbeat

        heartbeat.start()  # "alive" in the database every few seconds, for /readyz (newsdesk/ops/heartbeat.py)
        super().handle(*args, **options)
