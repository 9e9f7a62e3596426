"""Purge back ends, in Django's shape: ``NEWSDESK_EDGE_PURGE = {"BACKEND": dotted path, "OPTIONS": {...}}``."""

from __future__ import annotations

from newsdesk.backends import BackendHandler

from .base import BasePurger

ALIASES = {
    "embedded": "newsdesk.edge.backends.embedded.EmbeddedPurger",
    "memory": "newsdesk.edge.backends.memory.MemoryPurger",
    "varnish": "newsdesk.edge.backends.varnish.VarnishPurger",
}

purgers: BackendHandler[BasePurger] = BackendHandler("NEWSDESK_EDGE_PURGE", aliases=ALIASES, base=BasePurger)
get_purger = purgers.get  # the configured purger, built once per process (settings read on first use)
load_purger = purgers.create  # a new one from a configuration of the caller's
reset_purger = purgers.reset  # forget the built purger (tests that change NEWSDESK_EDGE_PURGE)
