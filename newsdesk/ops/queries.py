"""Database queries counted per thread: every connection gets a wrapper when it opens (``connection_created``,
connected when the app is ready, before any connection), and a request reads the count before and after
(middleware.py). Cheaper than installing a wrapper around each request, which runs on every request."""

from __future__ import annotations

import threading
from functools import partial

from django.db import connections
from django.db.backends.signals import connection_created

_queries = threading.local()  # .n: queries this thread has run


# count() -> int: the queries this thread has run; getattr itself, bound to its arguments (no Python frame: the
# middleware asks twice a request)
count = partial(getattr, _queries, "n", 0)


def _counted(execute, sql, params, many, context):
    _queries.n = getattr(_queries, "n", 0) + 1
    return execute(sql, params, many, context)


def _wrap(connection) -> None:
    if _counted not in connection.execute_wrappers:  # a connection opened again keeps its wrapper object
        connection.execute_wrappers.insert(0, _counted)


def _on_connection(sender, connection, **kwargs) -> None:
    _wrap(connection)


def start_counting() -> None:
    connection_created.connect(_on_connection, dispatch_uid="newsdesk.ops.count_queries")
    for connection in connections.all(initialized_only=True):  # already open in this thread
        _wrap(connection)
