"""The configured weather provider, in Django's back-end shape (see settings NEWSDESK_WEATHER)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

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
    path = ALIASES.get(backend, backend)
    try:
        cls = import_string(path)
    except ImportError as exc:
        choices = ", ".join(ALIASES)
        raise ImproperlyConfigured(
            f"Weather back end {backend!r} is unknown; choose one of: {choices}"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, WeatherProvider)):
        raise ImproperlyConfigured(f"Weather back end {backend!r} is not a WeatherProvider subclass")
    return cls(**config.get("OPTIONS", {}))
