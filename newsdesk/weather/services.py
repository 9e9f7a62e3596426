"""Writes: fetching the weather for every active city, and storing the snapshot the header reads."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone

from newsdesk.fetching import ProviderError

from .backends import Observation, WeatherProvider, get_provider
from .models import City, Reading
from .selectors import SNAPSHOT_KEY, cached_weather_snapshot, weather_snapshot_build

logger = logging.getLogger(__name__)

SNAPSHOT_TIMEOUT = 24 * 3600  # readings carry their own age; the snapshot itself may live long
PARALLEL_REQUESTS = 4  # bounds the job's time when a provider hangs, without hammering it


@dataclass
class RefreshReport:
    provider: str = ""
    updated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def weather_refresh(*, backend: str | None = None) -> RefreshReport:
    """Fetch the current weather of every active city; a city whose fetch fails keeps its old reading,
    which the widget stops showing once it is older than NEWSDESK_WEATHER_MAX_AGE_MINUTES."""
    provider = get_provider(backend)
    if provider is None:
        return RefreshReport()
    report = RefreshReport(provider=provider.name)
    cities = list(City.objects.filter(is_active=True))
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        results = list(pool.map(lambda city: _observe(provider, city), cities))
    for city, result in zip(cities, results, strict=True):
        if isinstance(result, Observation):
            reading_save(city=city, provider=provider.name, observation=result)
            report.updated.append(city.name)
        else:
            logger.warning("weather: %s for %s failed: %s", provider.name, city.name, result)
            report.failed[city.name] = result
    weather_snapshot_store()
    return report


def _observe(provider: WeatherProvider, city: City) -> Observation | str:
    try:
        return provider.current(latitude=city.latitude, longitude=city.longitude)
    except ProviderError as exc:
        return str(exc)


def reading_save(*, city: City, provider: str, observation: Observation) -> Reading:
    reading, _ = Reading.objects.update_or_create(
        city=city,
        defaults={
            "provider": provider,
            "temperature": observation.temperature,
            "condition": observation.condition,
            "observed_at": observation.observed_at,
            "fetched_at": timezone.now(),
        },
    )
    return reading


def weather_snapshot_store() -> dict:
    snapshot = weather_snapshot_build()
    try:
        cache.set(SNAPSHOT_KEY, snapshot, SNAPSHOT_TIMEOUT)
    except Exception:  # the header then shows the clock without weather until the cache is back
        logger.warning("weather: the cache could not be written", exc_info=True)
    return snapshot


def weather_snapshot() -> dict:
    """The cached snapshot, built from the database (and cached again) when the cache has none."""
    return cached_weather_snapshot() or weather_snapshot_store()
