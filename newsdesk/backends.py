"""The one loader behind every pluggable back end: search, read counters, purge, live log, weather and rates.

Each kind is a ``BackendHandler``, in the shape of Django's ``BaseConnectionHandler``/``CacheHandler``: its
setting names a ``{"BACKEND": alias or dotted path, "OPTIONS": {...}}`` (or, for kinds with several, maps
aliases to those); the back end is built on first use, never at import, kept for the process, and forgotten
when the setting changes (``override_settings``, pytest-django's ``settings``) or on ``reset()``. Defaults
live in settings.py only: a handler never supplies one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

T = TypeVar("T")
DEFAULT_ALIAS = "default"


def import_backend(name: str, *, setting: str, aliases: Mapping[str, str], base: type[T]) -> type[T]:
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


def keyword_options(cls: type[T], options: Mapping[str, Any], alias: str) -> T:
    """The usual constructor call: OPTIONS as keyword arguments, their names lower-cased (``URL`` → ``url``)."""
    return cls(**{key.lower(): value for key, value in options.items()})


class BackendHandler(Generic[T]):
    """The back ends of one kind, by alias, built lazily and kept for the process (they are thread-safe).

    ``setting``: the settings name; ``many``: it maps aliases to configurations (else it is the one
    configuration, under the alias "default"); ``build(cls, options, alias)``: how a class is instantiated.
    """

    def __init__(
        self,
        setting: str,
        *,
        aliases: Mapping[str, str],
        base: type[T],
        many: bool = False,
        build: Callable[[type[T], Mapping[str, Any], str], T] = keyword_options,
    ) -> None:
        self.setting = setting
        self.aliases = aliases
        self.base = base
        self.many = many
        self.build = build
        self._built: dict[str, T] = {}
        self._lock = threading.Lock()
        setting_changed.connect(self._setting_changed, weak=False)

    @property
    def settings(self) -> dict[str, dict[str, Any]]:
        """Every configured alias and its configuration, as settings have them now."""
        value = getattr(settings, self.setting)
        return dict(value) if self.many else {DEFAULT_ALIAS: value}

    def __iter__(self) -> Iterator[str]:
        return iter(self.settings)

    def __getitem__(self, alias: str) -> T:
        built = self._built.get(alias)
        if built is None:
            with self._lock:
                built = self._built.get(alias)
                if built is None:
                    built = self._built[alias] = self.create(self.config(alias), alias=alias)
        return built

    def get(self, alias: str = DEFAULT_ALIAS) -> T:
        return self[alias]

    def config(self, alias: str) -> dict[str, Any]:
        configured = self.settings
        if alias not in configured:
            raise ImproperlyConfigured(
                f"{self.setting} has no alias {alias!r}; define it in settings "
                f"(aliases now: {', '.join(configured) or 'none'})."
            )
        return configured[alias]

    def backend_class(self, name: str, alias: str | None = None) -> type[T]:
        """The class ``name`` (an alias or a dotted path) stands for; errors name the setting (and alias)."""
        setting = f"{self.setting}[{alias!r}]" if self.many and alias else self.setting
        return import_backend(name, setting=setting, aliases=self.aliases, base=self.base)

    def create(self, config: Mapping[str, Any], *, alias: str = DEFAULT_ALIAS) -> T:
        """A new back end from a configuration (not kept): what ``handler[alias]`` builds, and what tests use
        to make one with options of their own."""
        cls = self.backend_class(config.get("BACKEND") or "", alias)
        return self.build(cls, dict(config.get("OPTIONS") or {}), alias)

    def reset(self) -> None:
        """Forget every built back end: the next use builds it from the settings as they are then."""
        with self._lock:
            self._built.clear()

    def _setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting == self.setting:
            self.reset()
