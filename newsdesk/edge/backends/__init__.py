"""Purge back ends, in Django's shape: ``NEWSDESK_EDGE_PURGE = {"BACKEND": dotted path, "OPTIONS": {...}}``."""

from __future__ import annotations

import functools

from django.conf import settings

from newsdesk.backends import import_backend

from .base import BasePurger

BACKENDS = {
    "embedded": "newsdesk.edge.backends.embedded.EmbeddedPurger",
    "memory": "newsdesk.edge.backends.memory.MemoryPurger",
    "varnish": "newsdesk.edge.backends.varnish.VarnishPurger",
}


def load_purger(config: dict) -> BasePurger:
    cls = import_backend(
        config.get("BACKEND", ""), setting="NEWSDESK_EDGE_PURGE", aliases=BACKENDS, base=BasePurger
    )
    return cls(**{key.lower(): value for key, value in config.get("OPTIONS", {}).items()})


@functools.cache
def _purger() -> BasePurger:
    return load_purger(settings.NEWSDESK_EDGE_PURGE)


def get_purger() -> BasePurger:
    """The configured purger, built once per process (lazily: settings are read on first use)."""
    return _purger()


def reset_purger() -> None:
    """Forget the built purger (tests that change NEWSDESK_EDGE_PURGE)."""
    _purger.cache_clear()
