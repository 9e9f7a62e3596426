"""Exchange-rate providers in Django's back-end shape: settings NEWSDESK_RATES maps aliases to a BACKEND
(an alias below or a dotted path) and OPTIONS."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsdesk.backends import import_backend

from .base import RateProvider, RateRecord

__all__ = [
    "ALIASES",
    "RateProvider",
    "RateRecord",
    "configured_providers",
    "get_provider",
    "known_provider",
    "provider_class",
]

ALIASES = {
    "cbr": "newsdesk.markets.backends.cbr.CbrProvider",
    "ecb": "newsdesk.markets.backends.ecb.EcbProvider",
}


def provider_class(backend: str) -> type[RateProvider]:
    return import_backend(backend, setting="NEWSDESK_RATES", aliases=ALIASES, base=RateProvider)


def get_provider(alias: str) -> RateProvider:
    """A configured provider by alias, or a known one (cbr, ecb) with the shared provider options."""
    config = getattr(settings, "NEWSDESK_RATES", {}).get(alias)
    if config is None:
        if alias not in ALIASES:
            raise ImproperlyConfigured(
                f"Rate provider {alias!r} is unknown; choose one of: {', '.join(ALIASES)}"
            )
        config = {"BACKEND": alias, "OPTIONS": getattr(settings, "NEWSDESK_PROVIDER_OPTIONS", {})}
    return provider_class(config["BACKEND"])(**config.get("OPTIONS", {}))


def configured_providers() -> list[str]:
    return list(getattr(settings, "NEWSDESK_RATES", {}))


def known_provider(name: str) -> type[RateProvider] | None:
    """The class behind a stored provider name, for labels and base currencies; None if unknown."""
    config = getattr(settings, "NEWSDESK_RATES", {}).get(name)
    if config is None and name not in ALIASES:
        return None  # never import a path that came from a URL
    try:
        return provider_class(config["BACKEND"] if config else name)
    except ImproperlyConfigured:
        return None
