"""Enqueue jobs after the transaction that made their work commits, so a worker never sees missing rows."""

from __future__ import annotations

from django.db import transaction


def enqueue_on_commit(task, *ids: int) -> None:
    """Queue ``task(*ids)`` once the current transaction commits (at once outside a transaction).

    Jobs take ids, never model instances: the worker reads the committed rows itself.
    """
    for value in ids:
        if not isinstance(value, int):
            raise TypeError(f"jobs take ids (int), not {type(value).__name__}; pass obj.pk")
    transaction.on_commit(lambda: task(*ids))
