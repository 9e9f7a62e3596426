"""`newsdesk worker`: run the background jobs (ingest polls, periodic refreshes, after-commit jobs).

Huey's consumer (djhuey's run_huey) with the project's settings; every option of run_huey works here too,
e.g. ``newsdesk worker --workers 4`` or ``--no-periodic``.
"""

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run the background worker: periodic jobs (ingest polls …) and jobs queued after commits."
