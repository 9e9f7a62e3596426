"""The configured weather provider, in Django's back-end shape (see settings NEWSDESK_WEATHER)."""

from __future__ import annotations

from django.conf import settings

from newsdesk.backends import import_backend

from .base import Observation, WeatherProvider

__all__ = ["ALIASES", "Observation", "WeatherProvider", "get_provider"]

ALIASES = {
    "openmeteo": "newsdesk.weather.backends.openmeteo.OpenMeteoProvider",
    "metno": "newsdesk.weather.backends.metno.MetNoProvider",
}


def get_provider(backend: str | None = None) -> WeatherProvider | None:
    """The provider named by `backend` (alias or dotted path) or by the settings; None when weather is off."""
    config = getattr(settings, "NEWSDESK_WEATHER", {})
    backend = backend or config.get("BACKEND", "")
    if not backend:
        return None
    cls = import_backend(backend, setting="NEWSDESK_WEATHER", aliases=ALIASES, base=WeatherProvider)
    return cls(**config.get("OPTIONS", {}))
