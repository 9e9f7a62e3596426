"""The contract every weather provider meets: one city's coordinates in, one validated Observation out."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from newsdesk.fetching import ProviderError, fetch_provider

# Anything outside this range is a broken answer, not weather.
MIN_TEMPERATURE = Decimal("-90")
MAX_TEMPERATURE = Decimal("60")


@dataclass(frozen=True)
class Observation:
    temperature: Decimal  # °C, one decimal
    condition: str  # plain English, "" when the provider gave no usable condition
    observed_at: dt.datetime  # aware


class WeatherProvider:
    name = "base"
    credit = ""  # shown next to the data where the provider's terms ask for attribution
    credit_url = ""
    default_url = ""

    def __init__(self, *, timeout: float = 5.0, user_agent: str = "", base_url: str = "", **options) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        self.base_url = (base_url or self.default_url).rstrip("/")

    def current(self, *, latitude: Decimal, longitude: Decimal) -> Observation:
        """Fetch and parse; raises ProviderError when the provider is down, slow or answers garbage."""
        body = fetch_provider(
            self.url(latitude=latitude, longitude=longitude), timeout=self.timeout, user_agent=self.user_agent
        )
        return self.parse(body)

    def url(self, *, latitude: Decimal, longitude: Decimal) -> str:
        raise NotImplementedError

    def parse(self, body: bytes) -> Observation:
        raise NotImplementedError


def load_json(body: bytes) -> dict:
    if not body.strip():
        raise ProviderError("the provider sent an empty answer")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProviderError(f"the provider's answer is not JSON: {exc}") from exc
    except RecursionError:  # the decoder recurses per level; no forecast nests more than a few
        raise ProviderError("the provider's answer is JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise ProviderError("the provider's answer is JSON but not an object")
    return data


def temperature(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProviderError(f"temperature {value!r} is not a number")
    try:
        result = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise ProviderError(f"temperature {value!r} is not a number") from exc
    if not MIN_TEMPERATURE <= result <= MAX_TEMPERATURE:
        raise ProviderError(f"temperature {value!r} °C is not plausible")
    return result


def dig(data, *path):
    """data[path[0]][path[1]]…, or ProviderError naming the missing member."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderError(f"the answer has no {'/'.join(map(str, path))}") from exc
    return data
