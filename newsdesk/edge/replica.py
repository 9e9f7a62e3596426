"""An optional read replica (DATABASE_REPLICA_URL): anonymous reader pages read from it, everything else from
the primary.

Only whole reader requests are routed, never by model: the newsroom, services, the worker and management
commands always see their own writes. A replica that cannot be reached is skipped for a few seconds and the
primary serves, so losing it degrades instead of failing.
"""

from __future__ import annotations

import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)
ALIAS = "replica"
RETRY_SECONDS = 5.0

_reader_request = contextvars.ContextVar("newsdesk_reader_request", default=False)
_down_until = 0.0


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reader_request.get() and not connections["default"].in_atomic_block:
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != ALIAS


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_reader_request(request) or not _replica_usable():
            return self.get_response(request)
        token = _reader_request.set(True)
        try:
            return self.get_response(request)
        finally:
            _reader_request.reset(token)


def _is_reader_request(request) -> bool:
    return (
        ALIAS in settings.DATABASES
        and request.method in ("GET", "HEAD")
        and not request.path.startswith("/newsroom/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _replica_usable() -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        connections[ALIAS].ensure_connection()
    except DatabaseError as exc:
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("Read replica unreachable (%s); reading from the primary for %ss", exc, RETRY_SECONDS)
        return False
    return True
