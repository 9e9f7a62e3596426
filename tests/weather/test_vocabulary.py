"""The weather's words on Russian pages: the seeded cities, every condition the providers' parsers write and
their credits are in the catalogue, so the header clock of a Russian page reads "Москва +12 °C, пасмурно"."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from newsdesk.weather import services, vocabulary, widgets
from newsdesk.weather.backends import Observation
from newsdesk.weather.backends.metno import PLAIN_SYMBOLS, MetNoProvider, condition
from newsdesk.weather.backends.openmeteo import WMO_CODES, OpenMeteoProvider
from newsdesk.weather.models import City

from .test_clock import ensure_cities

SEEDED = importlib.import_module("newsdesk.weather.migrations.0002_cities").CITIES


def test_every_seeded_city_condition_and_credit_has_its_words_in_the_catalogue():
    assert {name for name, *_rest in SEEDED} <= set(vocabulary.CITIES)
    symbols = [
        f"{strength}{kind}{showers}{thunder}"
        for strength in ("", "light", "lights", "heavy")
        for kind in ("rain", "sleet", "snow")
        for showers in ("", "showers")
        for thunder in ("", "andthunder")
    ]
    written = {*WMO_CODES.values(), *PLAIN_SYMBOLS.values(), *(condition(symbol) for symbol in symbols)}
    assert written <= set(vocabulary.CONDITIONS), written - set(vocabulary.CONDITIONS)
    assert {OpenMeteoProvider.credit, MetNoProvider.credit} <= set(vocabulary.CREDITS)
    with translation.override("ru"):
        untranslated = [
            w for w in [*vocabulary.CITIES, *written, *vocabulary.CREDITS] if vocabulary.shown(w) == w
        ]
    assert untranslated == []
    assert vocabulary.shown("") == ""  # not the catalogue's header


@pytest.fixture
def moscow_overcast(db):
    ensure_cities()
    observation = Observation(Decimal("12.4"), "overcast", timezone.now())
    services.reading_save(city=City.objects.get(slug="moscow"), provider="openmeteo", observation=observation)
    services.weather_snapshot_store()
    widgets.forget()
    yield
    widgets.forget()


def test_the_header_clock_and_the_city_list_in_russian(client, moscow_overcast):
    with translation.override("ru"):
        clock = str(widgets.city_clock())
    assert "Москва" in clock and "+12 °C, пасмурно" in clock and "Данные о погоде: Open-Meteo.com" in clock
    assert 'data-cities-url="/weather/cities.json?lang=ru"' in clock
    english = str(widgets.city_clock())
    assert "Moscow" in english and "+12 °C, overcast" in english and 'cities.json"' in english
    russian = json.loads(client.get("/weather/cities.json?lang=ru").content)
    moscow = next(city for city in russian["cities"] if city["slug"] == "moscow")
    assert moscow["name"] == "Москва" and moscow["weather"]["text"] == "+12 °C, пасмурно"
    plain = json.loads(client.get("/weather/cities.json?lang=xx").content)  # an unknown language: the default
    assert next(city for city in plain["cities"] if city["slug"] == "moscow")["name"] == "Moscow"
