"""Search back ends in Django's shape: ``settings.SEARCH_BACKENDS`` maps aliases to a dotted ``BACKEND`` path
and ``OPTIONS``; ``get_backend(alias)`` loads one lazily and keeps it for the process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsdesk.backends import BackendHandler

from .base import BaseSearchBackend

ALIASES = {
    "sqlite": "newsdesk.search.backends.sqlite.SQLiteSearchBackend",
    "postgres": "newsdesk.search.backends.postgres.PostgresSearchBackend",
}


def _build(cls: type[BaseSearchBackend], options: Mapping[str, Any], alias: str) -> BaseSearchBackend:
    return cls(alias=alias, options=dict(options))


backends: BackendHandler[BaseSearchBackend] = BackendHandler(
    "SEARCH_BACKENDS", aliases=ALIASES, base=BaseSearchBackend, many=True, build=_build
)
get_backend = backends.get
reset_backend = backends.reset
