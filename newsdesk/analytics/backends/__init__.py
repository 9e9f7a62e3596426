"""Read-counting back ends in Django's shape: settings.ANALYTICS["BACKEND"] names one, loaded lazily.

ANALYTICS = {"BACKEND": "database" | "redis" | "dotted.path.Class", "OPTIONS": {...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsdesk.backends import BackendHandler

from .base import BaseReadsBackend, Read, Window

__all__ = ["BaseReadsBackend", "Read", "Window", "backends", "get_backend", "load_backend", "reset_backend"]

ALIASES = {
    "database": "newsdesk.analytics.backends.database.DatabaseBackend",
    "redis": "newsdesk.analytics.backends.redis.RedisBackend",
}


def _build(cls: type[BaseReadsBackend], options: Mapping[str, Any], alias: str) -> BaseReadsBackend:
    return cls(dict(options))  # these back ends take their OPTIONS as one dict, keys as written


backends: BackendHandler[BaseReadsBackend] = BackendHandler(
    "ANALYTICS", aliases=ALIASES, base=BaseReadsBackend, build=_build
)
get_backend = backends.get  # the configured back end, built on first use (never at import time)
load_backend = backends.create  # a new one from a configuration of the caller's
reset_backend = backends.reset  # forget the built one (tests that switch settings)
