"""The configured weather provider, in Django's back-end shape (see settings NEWSDESK_WEATHER)."""

from __future__ import annotations

from django.conf import settings

from newsdesk.backends import BackendHandler

from .base import Observation, WeatherProvider

__all__ = ["ALIASES", "Observation", "WeatherProvider", "get_provider", "providers"]

ALIASES = {
    "openmeteo": "newsdesk.weather.backends.openmeteo.OpenMeteoProvider",
    "metno": "newsdesk.weather.backends.metno.MetNoProvider",
}

providers: BackendHandler[WeatherProvider] = BackendHandler(
    "NEWSDESK_WEATHER", aliases=ALIASES, base=WeatherProvider
)


def get_provider(backend: str | None = None) -> WeatherProvider | None:
    """The provider named by `backend` (alias or dotted path, with the configured OPTIONS) or by the settings;
    None when weather is off (no BACKEND)."""
    if backend:
        return providers.create({**settings.NEWSDESK_WEATHER, "BACKEND": backend})
    return providers.get() if settings.NEWSDESK_WEATHER.get("BACKEND") else None
