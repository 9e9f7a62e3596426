"""Without current weather the city page says why and how to get it, instead of leaving the column blank."""

from decimal import Decimal

import pytest
from django.utils import timezone

from newsdesk.weather import services
from newsdesk.weather.backends import Observation
from newsdesk.weather.models import City
from tests.weather.test_clock import ensure_cities

pytestmark = pytest.mark.django_db


def test_weather_off_says_how_to_turn_it_on(client, settings):
    settings.NEWSDESK_WEATHER = {**settings.NEWSDESK_WEATHER, "BACKEND": ""}
    ensure_cities()
    html = client.get("/weather/").content.decode()
    assert "weather is off" in html and "NEWSDESK_WEATHER_BACKEND=openmeteo" in html


def test_weather_on_without_a_fresh_reading_says_so(client, settings):
    settings.NEWSDESK_WEATHER = {**settings.NEWSDESK_WEATHER, "BACKEND": "openmeteo"}
    ensure_cities()
    html = client.get("/weather/").content.decode()
    assert "No current weather is shown: no reading newer than" in html


def test_with_a_reading_there_is_no_notice(client, settings):
    settings.NEWSDESK_WEATHER = {**settings.NEWSDESK_WEATHER, "BACKEND": "openmeteo"}
    ensure_cities()
    observation = Observation(Decimal("12.4"), "overcast", timezone.now())
    services.reading_save(city=City.objects.get(slug="moscow"), provider="openmeteo", observation=observation)
    services.weather_snapshot_store()
    html = client.get("/weather/").content.decode()
    assert "No current weather is shown" not in html and "overcast" in html
