"""MET Norway Locationforecast 2.0 (api.met.no): no key, but its terms require a User-Agent naming the site
and a contact; set NEWSDESK_PROVIDER_USER_AGENT. Data licence: NLOD 2.0 / CC BY 4.0 (MET Norway)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlencode

from newsdesk.fetching import ProviderError

from .base import Observation, WeatherProvider, dig, load_json, temperature

PLAIN_SYMBOLS = {
    "clearsky": "clear sky",
    "fair": "fair",
    "partlycloudy": "partly cloudy",
    "cloudy": "cloudy",
    "fog": "fog",
}
# e.g. "lightrainshowersandthunder_day"; MET's own legend spells one code "lightssleetshowersandthunder".
PRECIPITATION = re.compile(r"^(?:(lights?|heavy))?(rain|sleet|snow)(showers)?(andthunder)?$")


class MetNoProvider(WeatherProvider):
    name = "metno"
    credit = "Weather data by MET Norway"
    credit_url = "https://api.met.no/"
    default_url = "https://api.met.no"

    def url(self, *, latitude: Decimal, longitude: Decimal) -> str:
        # MET asks for at most four decimals so that its caches work.
        query = {"lat": round(latitude, 4), "lon": round(longitude, 4)}
        return f"{self.base_url}/weatherapi/locationforecast/2.0/compact?{urlencode(query)}"

    def parse(self, body: bytes) -> Observation:
        data = load_json(body)
        # The first step of the forecast is the current hour.
        step = dig(data, "properties", "timeseries", 0)
        details = dig(step, "data", "instant", "details")
        symbol = step.get("data", {}).get("next_1_hours", {}).get("summary", {}).get("symbol_code", "")
        return Observation(
            temperature=temperature(dig(details, "air_temperature")),
            condition=condition(symbol),
            observed_at=_utc_time(dig(step, "time")),
        )


def condition(symbol) -> str:
    if not isinstance(symbol, str):
        return ""
    base = symbol.split("_", 1)[0]
    if base in PLAIN_SYMBOLS:
        return PLAIN_SYMBOLS[base]
    match = PRECIPITATION.match(base)
    if not match:
        return ""
    strength, kind, showers, thunder = match.groups()
    words = [
        strength.rstrip("s") if strength else "",
        kind,
        "showers" if showers else "",
        "and thunder" if thunder else "",
    ]
    return " ".join(word for word in words if word)


def _utc_time(value) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as exc:
        raise ProviderError(f"time {value!r} is not ISO 8601") from exc
    if parsed.tzinfo is None:
        raise ProviderError(f"time {value!r} has no zone")
    return parsed
