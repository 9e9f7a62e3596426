"""Open-Meteo (open-meteo.com): no key; data CC BY 4.0, the free hosted API is for non-commercial use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from newsdesk.fetching import ProviderError

from .base import Observation, WeatherProvider, dig, load_json, temperature

# WMO weather interpretation codes, as Open-Meteo documents them.
WMO_CODES = {
    0: "clear sky",
    1: "mainly clear",
    2: "partly cloudy",
    3: "overcast",
    45: "fog",
    48: "rime fog",
    51: "light drizzle",
    53: "drizzle",
    55: "dense drizzle",
    56: "freezing drizzle",
    57: "freezing drizzle",
    61: "light rain",
    63: "rain",
    65: "heavy rain",
    66: "freezing rain",
    67: "freezing rain",
    71: "light snow",
    73: "snow",
    75: "heavy snow",
    77: "snow grains",
    80: "rain showers",
    81: "rain showers",
    82: "violent rain showers",
    85: "snow showers",
    86: "heavy snow showers",
    95: "thunderstorm",
    96: "thunderstorm with hail",
    99: "thunderstorm with hail",
}


class OpenMeteoProvider(WeatherProvider):
    name = "openmeteo"
    credit = "Weather data by Open-Meteo.com"
    credit_url = "https://open-meteo.com/"
    default_url = "https://api.open-meteo.com"

    def url(self, *, latitude: Decimal, longitude: Decimal) -> str:
        query = {"latitude": latitude, "longitude": longitude, "current": "temperature_2m,weather_code"}
        return f"{self.base_url}/v1/forecast?{urlencode(query)}&timezone=GMT"

    def parse(self, body: bytes) -> Observation:
        data = load_json(body)
        # The API's current form is "current"; older answers (and the `current_weather=true` flag) use
        # "current_weather" with other member names. Both are real answers, so both are read.
        if "current" in data:
            now, temp_key, code_key = dig(data, "current"), "temperature_2m", "weather_code"
        else:
            now, temp_key, code_key = dig(data, "current_weather"), "temperature", "weathercode"
        code = now.get(code_key) if isinstance(now, dict) else None
        return Observation(
            temperature=temperature(dig(now, temp_key)),
            condition=WMO_CODES.get(code, "") if isinstance(code, int) else "",
            observed_at=_local_time(dig(now, "time"), dig(data, "utc_offset_seconds")),
        )


def _local_time(value, offset_seconds) -> dt.datetime:
    """Open-Meteo's times are local to the requested zone, without offset; the offset comes separately."""
    if not isinstance(value, str) or isinstance(offset_seconds, bool) or not isinstance(offset_seconds, int):
        raise ProviderError(f"time {value!r} / offset {offset_seconds!r} are not usable")
    try:
        naive = dt.datetime.fromisoformat(value)
        zone = dt.timezone(dt.timedelta(seconds=offset_seconds))
    except ValueError as exc:
        raise ProviderError(f"time {value!r} is not ISO 8601: {exc}") from exc
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone)
