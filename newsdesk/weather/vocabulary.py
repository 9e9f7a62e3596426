"""The weather's words in the reader's language. City names (as the cities migration seeds them) and the
providers' conditions are stored in English, the newsroom's; reader pages show them through the translation
catalogue (docs/editions.md). A name or condition the catalogue lacks — a city an operator added — is shown as
stored. tests/weather/test_vocabulary.py keeps these lists in step with the migration and the providers."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

CITIES = [
    gettext_noop("Moscow"),
    gettext_noop("St. Petersburg"),
    gettext_noop("Novosibirsk"),
    gettext_noop("Ekaterinburg"),
    gettext_noop("Nizhny Novgorod"),
    gettext_noop("Samara"),
    gettext_noop("Kazan"),
    gettext_noop("Omsk"),
    gettext_noop("Chelyabinsk"),
    gettext_noop("Rostov-on-Don"),
    gettext_noop("Ufa"),
    gettext_noop("Volgograd"),
    gettext_noop("Perm"),
    gettext_noop("Krasnoyarsk"),
    gettext_noop("Voronezh"),
]

# Open-Meteo's WMO codes and MET Norway's symbols as the providers' parsers name them (backends/).
CONDITIONS = [
    gettext_noop("clear sky"),
    gettext_noop("mainly clear"),
    gettext_noop("partly cloudy"),
    gettext_noop("overcast"),
    gettext_noop("fog"),
    gettext_noop("rime fog"),
    gettext_noop("light drizzle"),
    gettext_noop("drizzle"),
    gettext_noop("dense drizzle"),
    gettext_noop("freezing drizzle"),
    gettext_noop("light rain"),
    gettext_noop("rain"),
    gettext_noop("heavy rain"),
    gettext_noop("freezing rain"),
    gettext_noop("light snow"),
    gettext_noop("snow"),
    gettext_noop("heavy snow"),
    gettext_noop("snow grains"),
    gettext_noop("rain showers"),
    gettext_noop("violent rain showers"),
    gettext_noop("snow showers"),
    gettext_noop("heavy snow showers"),
    gettext_noop("thunderstorm"),
    gettext_noop("thunderstorm with hail"),
    gettext_noop("fair"),
    gettext_noop("cloudy"),
    gettext_noop("rain and thunder"),
    gettext_noop("rain showers and thunder"),
    gettext_noop("sleet"),
    gettext_noop("sleet and thunder"),
    gettext_noop("sleet showers"),
    gettext_noop("sleet showers and thunder"),
    gettext_noop("snow and thunder"),
    gettext_noop("snow showers and thunder"),
    gettext_noop("light rain and thunder"),
    gettext_noop("light rain showers"),
    gettext_noop("light rain showers and thunder"),
    gettext_noop("light sleet"),
    gettext_noop("light sleet and thunder"),
    gettext_noop("light sleet showers"),
    gettext_noop("light sleet showers and thunder"),
    gettext_noop("light snow and thunder"),
    gettext_noop("light snow showers"),
    gettext_noop("light snow showers and thunder"),
    gettext_noop("heavy rain and thunder"),
    gettext_noop("heavy rain showers"),
    gettext_noop("heavy rain showers and thunder"),
    gettext_noop("heavy sleet"),
    gettext_noop("heavy sleet and thunder"),
    gettext_noop("heavy sleet showers"),
    gettext_noop("heavy sleet showers and thunder"),
    gettext_noop("heavy snow and thunder"),
    gettext_noop("heavy snow showers and thunder"),
]

CREDITS = [
    gettext_noop("Weather data by Open-Meteo.com"),
    gettext_noop("Weather data by MET Norway"),
]


def shown(text: str) -> str:
    """A stored English name, condition or credit in the active language ("" stays "": gettext("") is the
    catalogue's header)."""
    return gettext(text) if text else ""
