"""Read-counting back ends in Django's shape: settings.ANALYTICS["BACKEND"] names one, loaded lazily.

ANALYTICS = {"BACKEND": "database" | "redis" | "dotted.path.Class", "OPTIONS": {...}}
"""

from __future__ import annotations

import threading

from django.conf import settings

from newsdesk.backends import import_backend

from .base import BaseReadsBackend, Read, Window

__all__ = ["BaseReadsBackend", "Read", "Window", "get_backend", "reset_backend", "ALIASES"]

ALIASES = {
    "database": "newsdesk.analytics.backends.database.DatabaseBackend",
    "redis": "newsdesk.analytics.backends.redis.RedisBackend",
}

_lock = threading.Lock()
_backend: BaseReadsBackend | None = None


def load_backend(config: dict) -> BaseReadsBackend:
    cls = import_backend(
        config.get("BACKEND") or "database", setting="ANALYTICS", aliases=ALIASES, base=BaseReadsBackend
    )
    return cls(dict(config.get("OPTIONS") or {}))


def get_backend() -> BaseReadsBackend:
    """The configured back end, built on first use (never at import time)."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = load_backend(getattr(settings, "ANALYTICS", {}))
    return _backend


def reset_backend() -> None:
    """Forget the loaded back end (tests switch settings)."""
    global _backend
    with _lock:
        _backend = None
