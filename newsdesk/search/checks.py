"""Search's system checks: run by ``migrate`` and by ``newsdesk check --database default``."""

from __future__ import annotations

from django.core import checks
from django.db import connections

from .backends.postgres import DOCS


@checks.register(checks.Tags.database)
def postgres_memory(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """search.W001: a PostgreSQL server whose ``shared_buffers`` is smaller than the search index. Every
    search reads its candidates' stored words; at PostgreSQL's default 128 MB the Russian names took p95
    88 ms at 1,000,000 articles, 77 ms with a quarter of the machine's memory (docs/search.md)."""
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('shared_buffers'), pg_size_bytes(current_setting('shared_buffers')),"
                " coalesce(pg_total_relation_size(to_regclass(%s)), 0)",
                [DOCS],
            )
            setting, buffers, index = cursor.fetchone()
        if index > buffers:
            messages.append(
                checks.Warning(
                    f"PostgreSQL's shared_buffers ({setting}) is smaller than the search index "
                    f"({index / 2**20:,.1f} MB) on the database '{alias}': searches read from the disk "
                    "or the system's cache.",
                    hint="Set shared_buffers to about a quarter of the database machine's memory and restart "
                    "PostgreSQL (docs/scale-out.md, PostgreSQL's memory).",
                    id="search.W001",
                )
            )
    return messages
