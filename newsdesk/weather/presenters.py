"""Display text for the city clock: the same formats the reader site and city-clock.js use."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from newsdesk.formatting import local_text

from .selectors import fresh_weather, provider_credit
from .vocabulary import shown


def temperature_text(value: str) -> str:
    degrees = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if degrees == 0:
        return "0 °C"
    return f"{'+' if degrees > 0 else '−'}{abs(degrees)} °C"


def weather_text(weather: dict | None) -> str:
    if not weather:
        return ""
    parts = [temperature_text(weather["temperature"]), shown(weather["condition"])]
    return ", ".join(part for part in parts if part)


def pick_city(snapshot: dict | None, slug: str | None = None) -> dict | None:
    cities = (snapshot or {}).get("cities") or []
    wanted = slug or settings.NEWSDESK_DEFAULT_CITY
    return next((city for city in cities if city["slug"] == wanted), cities[0] if cities else None)


def city_row(city: dict, *, now: dt.datetime) -> dict:
    local = now.astimezone(zoneinfo.ZoneInfo(city["zone"]))
    weather = fresh_weather(city.get("weather"), now=now)
    credit, credit_url = provider_credit(weather["provider"]) if weather else ("", "")
    return {
        **city,
        "name": shown(city["name"]),  # in the page's language where the catalogue has it
        "local": local,
        "local_text": local_text(local),
        "weather": weather,
        "weather_text": weather_text(weather),
        "credit": shown(credit),
        "credit_url": credit_url,
    }


def clock_context(snapshot: dict | None, *, now: dt.datetime) -> dict:
    """The header widget: the default city, or — before any snapshot exists — the site's own zone."""
    city = pick_city(snapshot)
    if city is not None:
        return {"city": city_row(city, now=now)}
    zone = settings.TIME_ZONE
    local = now.astimezone(zoneinfo.ZoneInfo(zone))
    name = shown(zone.rsplit("/", 1)[-1].replace("_", " "))
    city = {"slug": "", "name": name, "zone": zone, "local": local, "local_text": local_text(local)}
    return {"city": {**city, "weather_text": "", "credit": "", "credit_url": ""}}
