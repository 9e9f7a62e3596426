"""The Huey classes the settings name: Huey's own SQLite and Redis queues, plus one rule for schedules.

Every worker runs a scheduler; without this, N workers would enqueue each periodic job N times a minute.
The first scheduler to claim a (job, minute) key in the shared queue storage enqueues it, the others skip it.
Queued jobs themselves are already taken once: Redis pops atomically, SQLite dequeues in an exclusive
transaction.
"""

from __future__ import annotations

import datetime as dt

import huey

CLAIM_PREFIX = "newsdesk:periodic:"
CLAIMS_KEPT_MINUTES = 10


class OncePerTickMixin(huey.Huey):
    """Mixed in before a Huey storage class: periodic jobs are enqueued once per minute across workers."""

    def read_periodic(self, timestamp):
        due = super().read_periodic(timestamp)
        tick = (timestamp or self._get_timestamp()).replace(second=0, microsecond=0)
        return [task for task in due if self._claim_tick(task.name, tick)]

    def _claim_tick(self, name: str, tick: dt.datetime) -> bool:
        if not self.put_if_empty(_claim_key(name, tick), "1"):
            return False
        self.get(_claim_key(name, tick - dt.timedelta(minutes=CLAIMS_KEPT_MINUTES)))  # get() pops: tidy up
        return True


def _claim_key(name: str, tick: dt.datetime) -> str:
    return f"{CLAIM_PREFIX}{name}:{tick:%Y%m%d%H%M}"


class SqliteHuey(OncePerTickMixin, huey.SqliteHuey):
    pass


class RedisHuey(OncePerTickMixin, huey.RedisHuey):
    pass
