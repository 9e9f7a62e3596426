"""Live event log back ends, in Django's shape: ``NEWSDESK_LIVE = {"BACKEND": dotted path, "OPTIONS": {...}}``."""

from __future__ import annotations

from newsdesk.backends import BackendHandler

from .base import BaseLiveBackend, Event

__all__ = ["BaseLiveBackend", "Event", "backends", "get_backend", "load_backend", "reset_backend"]

ALIASES = {
    "database": "newsdesk.live.backends.database.DatabaseLiveBackend",
    "redis": "newsdesk.live.backends.redis.RedisLiveBackend",
}

backends: BackendHandler[BaseLiveBackend] = BackendHandler(
    "NEWSDESK_LIVE", aliases=ALIASES, base=BaseLiveBackend
)
get_backend = backends.get
load_backend = backends.create
reset_backend = backends.reset
