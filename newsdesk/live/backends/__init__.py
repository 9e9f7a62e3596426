"""Live event log back ends, in Django's shape: ``NEWSDESK_LIVE = {"BACKEND": dotted path, "OPTIONS": {...}}``."""

from __future__ import annotations

import functools

from django.conf import settings

from newsdesk.backends import import_backend

from .base import BaseLiveBackend, Event

__all__ = ["BaseLiveBackend", "Event", "get_backend", "load_backend", "reset_backend"]

BACKENDS = {
    "database": "newsdesk.live.backends.database.DatabaseLiveBackend",
    "redis": "newsdesk.live.backends.redis.RedisLiveBackend",
}


def load_backend(config: dict) -> BaseLiveBackend:
    cls = import_backend(
        config.get("BACKEND", ""), setting="NEWSDESK_LIVE", aliases=BACKENDS, base=BaseLiveBackend
    )
    return cls(**{key.lower(): value for key, value in config.get("OPTIONS", {}).items()})


@functools.cache
def _backend() -> BaseLiveBackend:
    return load_backend(settings.NEWSDESK_LIVE)


def get_backend() -> BaseLiveBackend:
    return _backend()


def reset_backend() -> None:
    _backend.cache_clear()
