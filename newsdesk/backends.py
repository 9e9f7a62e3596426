"""The one loader behind every pluggable back end (search, read counters, purge, live log, weather, rates).

Each domain keeps its own setting and aliases, in Django's shape (``{"BACKEND": alias or dotted path,
"OPTIONS": {...}}``); this function turns a name into the class and says how to fix a wrong one.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

T = TypeVar("T")


def import_backend(name: str, *, setting: str, aliases: dict[str, str], base: type[T]) -> type[T]:
    """The class for ``name`` (an alias or a dotted path), checked to be a ``base`` subclass."""
    path = aliases.get(name, name)
    choices = ", ".join(aliases)
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{setting} back end {name!r} cannot be loaded ({exc}); choose one of: {choices}, or a dotted path."
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ImproperlyConfigured(f"{setting} back end {name!r} is not a {base.__name__} subclass.")
    return cls
