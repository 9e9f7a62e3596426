"""The city clock: cities as data, the fetch job, the header widget (no queries, never the reader's cookie),
the city page and its JSON."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import time
import zoneinfo
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from newsdesk.weather import services, widgets
from newsdesk.weather.backends import Observation
from newsdesk.weather.models import City, Reading
from newsdesk.weather.presenters import temperature_text

from .support import ProviderServer, Reply, recorded

CITIES = importlib.import_module("newsdesk.weather.migrations.0002_cities").CITIES
OPEN_METEO = "open-meteo_forecast_current_all-vars_2026-10-03.json"


def widget() -> str:
    """The header widget as rendered now (not the one kept for the minute)."""
    widgets.forget()
    return str(widgets.city_clock())


def ensure_cities() -> None:
    """The migration's cities (a transactional test elsewhere may have flushed them)."""
    for order, (name, slug, zone, latitude, longitude) in enumerate(CITIES):
        City.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "zone": zone,
                "latitude": latitude,
                "longitude": longitude,
                "order": order,
            },
        )


def use_provider(settings, url: str, *, timeout: float = 0.5) -> None:
    settings.NEWSDESK_WEATHER = {"BACKEND": "openmeteo", "OPTIONS": {"timeout": timeout, "base_url": url}}


class Parts(HTMLParser):
    """Text of the elements with the classes we look for (parse what we render)."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, str] = {}
        self.attrs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        name = classes.split()[0] if classes else ""
        if tag not in {"input", "link", "meta", "br", "img"}:
            self.stack.append(name)
        if name:
            self.attrs.setdefault(name, dict(attrs))

    def handle_endtag(self, tag):
        if self.stack and tag not in {"input", "link", "meta", "br", "img"}:
            self.stack.pop()

    def handle_data(self, data):
        for name in self.stack:
            if name:
                self.text[name] = self.text.get(name, "") + data


def parts(html: str) -> Parts:
    parser = Parts()
    parser.feed(html)
    return parser


@pytest.mark.django_db
def test_the_migration_ships_the_fifteen_cities_with_real_zones():
    cities = list(City.objects.order_by("order"))
    assert [city.name for city in cities] == [row[0] for row in CITIES]
    assert len(cities) == 15
    for city in cities:
        zoneinfo.ZoneInfo(city.zone)  # every zone exists
    assert {city.slug: city.zone for city in cities}["novosibirsk"] == "Asia/Novosibirsk"


@pytest.mark.django_db
def test_a_city_with_an_unknown_zone_or_coordinates_is_refused():
    city = City(
        name="Atlantis", slug="atlantis", zone="Ocean/Atlantis", latitude=Decimal(95), longitude=Decimal(0)
    )
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert set(error.value.message_dict) == {"zone", "latitude"}


@pytest.mark.parametrize(
    ("value", "text"), [("17.7", "+18 °C"), ("-3.5", "−4 °C"), ("0.4", "0 °C"), ("-0.4", "0 °C")]
)
def test_temperatures_show_their_sign(value, text):
    assert temperature_text(value) == text


@pytest.mark.django_db
def test_the_fetch_job_stores_a_reading_per_city_and_fills_the_header(settings, django_assert_num_queries):
    ensure_cities()
    body = (recorded("openmeteo") / OPEN_METEO).read_bytes()
    with ProviderServer({"/v1/forecast": Reply(body, content_type="application/json")}) as server:
        use_provider(settings, server.url)
        report = services.weather_refresh()
    assert report.provider == "openmeteo" and not report.failed
    assert Reading.objects.count() == City.objects.filter(is_active=True).count() == 15
    with django_assert_num_queries(0):
        html = widget()
    found = parts(html)
    assert found.text["city-clock__city"].startswith("Moscow")
    assert found.text["city-clock__weather"].startswith("+18 °C, partly cloudy")
    assert "Open-Meteo" in found.text["city-clock__credit"]


@pytest.mark.django_db
def test_the_clock_is_right_at_render_and_shows_its_zone(django_assert_num_queries, settings):
    settings.TIME_ZONE = "Europe/Moscow"  # the site's zone names the clock's city
    with django_assert_num_queries(0):  # no snapshot yet: still no query, the clock in the site's zone
        html = widget()
    found = parts(html)
    rendered = dt.datetime.fromisoformat(found.attrs["city-clock__time"]["datetime"])
    assert abs(rendered - timezone.now()) < dt.timedelta(seconds=5)
    moscow = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Moscow"))
    assert found.text["city-clock__time"] == f"{moscow:%B} {moscow.day}, {moscow:%H:%M} UTC+3"
    assert found.text["city-clock__city"].startswith("Moscow")
    assert found.text.get("city-clock__weather", "") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["hang", "garbage", "down"])
def test_a_provider_down_slow_or_talking_garbage_leaves_the_widget_empty(settings, mode):
    ensure_cities()
    reply = (
        Reply(b"<html>busy</html>")
        if mode == "garbage"
        else Reply(mode="hang" if mode == "hang" else "drop", delay=3)
    )
    with ProviderServer({"/": reply}) as server:
        use_provider(settings, server.url, timeout=0.3)
        started = time.monotonic()
        report = services.weather_refresh()
    # Four at a time, each cut off at the timeout: the job's time stays bounded.
    assert time.monotonic() - started < 4
    assert len(report.failed) == 15 and not report.updated
    assert Reading.objects.count() == 0
    assert parts(widget()).text.get("city-clock__weather", "") == ""


@pytest.mark.django_db
def test_an_old_reading_is_not_shown_once_the_provider_stops_answering(settings):
    ensure_cities()
    moscow = City.objects.get(slug="moscow")
    observation = Observation(Decimal("21.0"), "clear sky", timezone.now())
    services.reading_save(city=moscow, provider="openmeteo", observation=observation)
    services.weather_snapshot_store()
    assert "+21 °C" in widget()
    Reading.objects.update(fetched_at=timezone.now() - dt.timedelta(hours=4))
    with ProviderServer({"/": Reply(b"garbage")}) as server:
        use_provider(settings, server.url)
        services.weather_refresh()
    assert Reading.objects.get().temperature == Decimal("21.0")  # kept, but too old to show
    assert "°C" not in widget()


@pytest.mark.django_db
def test_a_broken_cache_never_breaks_the_header(settings):
    # A Redis cache nobody listens on (port 1): reading the snapshot fails, the page does not.
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    working, settings.CACHES = settings.CACHES, {"default": redis}
    try:
        html = widget()
    finally:
        settings.CACHES = working
    assert "city-clock__time" in html
    assert "°C" not in html


@pytest.mark.django_db
def test_pages_are_the_same_whatever_city_the_reader_chose(client):
    ensure_cities()
    plain = client.get("/weather/")
    client.cookies["newsdesk_city"] = "novosibirsk"
    client.cookies["newsdesk_times"] = "city"
    chosen = client.get("/weather/")
    strip = re.compile(r"<time[^>]*>[^<]*</time>")  # the clock itself moves on between two requests
    assert strip.sub("", plain.content.decode()) == strip.sub("", chosen.content.decode())
    assert "Cookie" not in chosen.get("Vary", "")


@pytest.mark.django_db
def test_the_city_page_remembers_a_choice_made_through_the_url(client):
    ensure_cities()
    response = client.get("/weather/", {"city": "omsk", "times": "city"})
    assert response.status_code == 200
    assert "Your city is now Omsk" in response.content.decode()
    assert "UTC+6" in response.content.decode()
    assert response.cookies["newsdesk_city"].value == "omsk"
    assert response.cookies["newsdesk_times"].value == "city"
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["atlantis", "<script>alert(1)</script>", "x" * 5000, "omsk\x00"])
def test_an_unknown_city_is_a_clear_400_and_sets_nothing(client, value):
    ensure_cities()
    response = client.get("/weather/", {"city": value})
    assert response.status_code == 400
    assert "is no city" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert "newsdesk_city" not in response.cookies


@pytest.mark.django_db
def test_the_cities_json_lists_every_city_with_zone_and_weather(client, django_assert_num_queries):
    ensure_cities()
    services.reading_save(
        city=City.objects.get(slug="kazan"),
        provider="metno",
        observation=Observation(Decimal("-7.5"), "light snow", timezone.now()),
    )
    with django_assert_num_queries(1):  # the snapshot is built once, with its readings, then cached
        data = client.get("/weather/cities.json").json()
    with django_assert_num_queries(0):
        response = client.get("/weather/cities.json")
    assert "max-age=300" in response["Cache-Control"]
    assert data["default"] == "moscow"
    assert len(data["cities"]) == 15
    kazan = next(city for city in data["cities"] if city["slug"] == "kazan")
    assert kazan["zone"] == "Europe/Moscow"
    assert kazan["weather"]["text"] == "−8 °C, light snow"
    assert kazan["weather"]["credit"] == "Weather data by MET Norway"


@pytest.mark.django_db
def test_fetch_weather_command_says_when_weather_is_off(settings, capsys):
    settings.NEWSDESK_WEATHER = {"BACKEND": ""}
    call_command("fetch_weather")
    assert "Weather is off" in capsys.readouterr().out


@pytest.mark.django_db
def test_fetch_weather_command_reports_each_failure_and_fails_when_nothing_came(settings, capsys):
    ensure_cities()
    from django.core.management.base import CommandError

    with ProviderServer({"/": Reply(b"[]")}) as server:
        use_provider(settings, server.url)
        with pytest.raises(CommandError, match="answered for no city"):
            call_command("fetch_weather")
    assert (
        "Moscow: the provider's answer is JSON but not an object (its old reading is kept)"
        in capsys.readouterr().err
    )


@pytest.mark.django_db
def test_the_worker_job_refreshes_the_weather_every_half_hour(settings):
    from newsdesk.weather.tasks import weather_refresh_job

    assert weather_refresh_job.task_class().validate_datetime(dt.datetime(2024, 1, 1, 10, 30))
    assert not weather_refresh_job.task_class().validate_datetime(dt.datetime(2024, 1, 1, 10, 31))
    ensure_cities()
    body = (recorded("openmeteo") / OPEN_METEO).read_bytes()
    with ProviderServer({"/": Reply(body, content_type="application/json")}) as server:
        use_provider(settings, server.url)
        weather_refresh_job.call_local()
    assert Reading.objects.count() == 15


@pytest.mark.django_db
def test_operators_edit_cities_in_the_newsroom_and_the_header_follows(admin_client):
    ensure_cities()
    moscow = City.objects.get(slug="moscow")
    services.weather_snapshot_store()
    url = f"/newsroom/weather/city/{moscow.pk}/change/"
    form = {
        "name": "Moscow (Kremlin)",
        "slug": "moscow",
        "zone": "Europe/Moscow",
        "latitude": "55.7520",
        "longitude": "37.6175",
        "order": "0",
        "is_active": "on",
    }
    assert (
        admin_client.post(url, {**form, "zone": "Europe/Atlantis"}).status_code == 200
    )  # the form again, with the error
    assert City.objects.get(pk=moscow.pk).zone == "Europe/Moscow"
    assert admin_client.post(url, form).status_code == 302
    assert parts(widget()).text["city-clock__city"].startswith("Moscow (Kremlin)")
