"""Exchange-rate providers in Django's back-end shape: settings NEWSDESK_RATES maps aliases to a BACKEND
(an alias below or a dotted path) and OPTIONS."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from newsdesk.backends import BackendHandler

from .base import RateProvider, RateRecord

__all__ = [
    "ALIASES",
    "RateProvider",
    "RateRecord",
    "configured_providers",
    "get_provider",
    "known_provider",
    "provider_class",
    "providers",
]

ALIASES = {
    "cbr": "newsdesk.markets.backends.cbr.CbrProvider",
    "ecb": "newsdesk.markets.backends.ecb.EcbProvider",
}

providers: BackendHandler[RateProvider] = BackendHandler(
    "NEWSDESK_RATES", aliases=ALIASES, base=RateProvider, many=True
)


def provider_class(backend: str) -> type[RateProvider]:
    return providers.backend_class(backend)


def get_provider(alias: str) -> RateProvider:
    """A configured provider by alias, or a known one (cbr, ecb) with the shared provider options."""
    if alias in settings.NEWSDESK_RATES:
        return providers.get(alias)
    if alias not in ALIASES:
        raise ImproperlyConfigured(f"Rate provider {alias!r} is unknown; choose one of: {', '.join(ALIASES)}")
    return providers.create({"BACKEND": alias, "OPTIONS": settings.NEWSDESK_PROVIDER_OPTIONS}, alias=alias)


def configured_providers() -> list[str]:
    return list(providers)


def known_provider(name: str) -> type[RateProvider] | None:
    """The class behind a stored provider name, for labels and base currencies; None if unknown."""
    config = settings.NEWSDESK_RATES.get(name)
    if config is None and name not in ALIASES:
        return None  # never import a path that came from a URL
    try:
        return provider_class(str(config["BACKEND"]) if config else name)
    except ImproperlyConfigured:
        return None
