"""Reads for the city clock. The header reads the cache only, so a page never waits on the database or a
provider for its weather; the snapshot is built from the database by the fetch job and the city pages."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from .backends import ALIASES
from .models import City

logger = logging.getLogger(__name__)

SNAPSHOT_KEY = "newsdesk:weather:snapshot:v1"


def max_age() -> dt.timedelta:
    return dt.timedelta(minutes=settings.NEWSDESK_WEATHER_MAX_AGE_MINUTES)


def weather_snapshot_build() -> dict:
    """Active cities with their readings, as plain data for the cache, the JSON endpoint and the pages."""
    cities = City.objects.filter(is_active=True).select_related("reading")
    return {"built_at": timezone.now().isoformat(), "cities": [_city_data(city) for city in cities]}


def _city_data(city: City) -> dict:
    reading = getattr(city, "reading", None)
    weather = None
    if reading is not None:
        weather = {
            "temperature": str(reading.temperature),
            "condition": reading.condition,
            "observed_at": reading.observed_at.isoformat(),
            "fetched_at": reading.fetched_at.isoformat(),
            "provider": reading.provider,
        }
    return {"slug": city.slug, "name": city.name, "zone": city.zone, "weather": weather}


def cached_weather_snapshot() -> dict | None:
    """The snapshot if the cache has one; never touches the database (the header is on every page)."""
    try:
        snapshot: dict | None = cache.get(SNAPSHOT_KEY)
        return snapshot
    except Exception:  # a cache server that is down must not take pages with it
        logger.warning("weather: the cache could not be read", exc_info=True)
        return None


def fresh_weather(weather: dict | None, *, now: dt.datetime) -> dict | None:
    """The reading if it was fetched recently enough to show; an old one is shown as nothing at all."""
    if not weather:
        return None
    fetched_at = dt.datetime.fromisoformat(weather["fetched_at"])
    return weather if now - fetched_at <= max_age() else None


def provider_credit(provider: str) -> tuple[str, str]:
    """(text, url) that a provider's terms ask to show next to its data."""
    path = ALIASES.get(provider)
    if not path:
        return "", ""
    cls = import_string(path)
    return cls.credit, cls.credit_url
