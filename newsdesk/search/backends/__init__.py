"""Search back ends in Django's shape: ``settings.SEARCH_BACKENDS`` maps aliases to a dotted ``BACKEND`` path
and ``OPTIONS``; ``get_backend(alias)`` loads one lazily and keeps it for the process.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import BaseSearchBackend

KNOWN = (
    "newsdesk.search.backends.sqlite.SQLiteSearchBackend, "
    "newsdesk.search.backends.postgres.PostgresSearchBackend"
)


@cache
def get_backend(alias: str = "default") -> BaseSearchBackend:
    backends = getattr(settings, "SEARCH_BACKENDS", {})
    if alias not in backends:
        raise ImproperlyConfigured(
            f"SEARCH_BACKENDS has no alias {alias!r}; define it in settings "
            f"(aliases now: {', '.join(backends) or 'none'})."
        )
    config = backends[alias]
    path = config.get("BACKEND", "")
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"SEARCH_BACKENDS[{alias!r}]['BACKEND'] = {path!r} cannot be imported ({exc}); "
            f"choose one of: {KNOWN}."
        ) from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseSearchBackend)):
        raise ImproperlyConfigured(f"{path!r} is not a search back end (a BaseSearchBackend subclass).")
    return backend_class(alias=alias, options=config.get("OPTIONS", {}))


@receiver(setting_changed)
def _forget_backends(*, setting: str, **kwargs) -> None:
    if setting == "SEARCH_BACKENDS":
        get_backend.cache_clear()
