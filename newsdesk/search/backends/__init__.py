"""Search back ends in Django's shape: ``settings.SEARCH_BACKENDS`` maps aliases to a dotted ``BACKEND`` path
and ``OPTIONS``; ``get_backend(alias)`` loads one lazily and keeps it for the process.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from newsdesk.backends import import_backend

from .base import BaseSearchBackend

ALIASES = {
    "sqlite": "newsdesk.search.backends.sqlite.SQLiteSearchBackend",
    "postgres": "newsdesk.search.backends.postgres.PostgresSearchBackend",
}


@cache
def get_backend(alias: str = "default") -> BaseSearchBackend:
    backends = getattr(settings, "SEARCH_BACKENDS", {})
    if alias not in backends:
        raise ImproperlyConfigured(
            f"SEARCH_BACKENDS has no alias {alias!r}; define it in settings "
            f"(aliases now: {', '.join(backends) or 'none'})."
        )
    config = backends[alias]
    backend_class = import_backend(
        config.get("BACKEND", ""),
        setting=f"SEARCH_BACKENDS[{alias!r}]",
        aliases=ALIASES,
        base=BaseSearchBackend,
    )
    return backend_class(alias=alias, options=config.get("OPTIONS", {}))


@receiver(setting_changed)
def _forget_backends(*, setting: str, **kwargs) -> None:
    if setting == "SEARCH_BACKENDS":
        get_backend.cache_clear()
