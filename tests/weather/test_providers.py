"""The weather providers: their parsers on every real recorded response, and one contract suite run against
each back end through a real local HTTP server (healthy, down, hanging, trickling, garbage)."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.fetching import ProviderError
from newsdesk.weather.backends import get_provider
from newsdesk.weather.backends.metno import MetNoProvider, condition
from newsdesk.weather.backends.openmeteo import OpenMeteoProvider

from .support import ProviderServer, Reply, closed_port_url, recorded, recorded_files

UTC = dt.UTC
PLUS2 = dt.timezone(dt.timedelta(hours=2))

# What each real recorded body says (read by eye from the files).
EXPECTED = {
    "open-meteo_forecast_current_weather_legacy_2026-10-03.json": (
        Decimal("16.2"),
        "partly cloudy",
        dt.datetime(2026, 10, 3, 11, 15, tzinfo=PLUS2),
    ),
    "open-meteo_forecast_current_all-vars_2026-10-03.json": (
        Decimal("17.7"),
        "partly cloudy",
        dt.datetime(2026, 10, 3, 12, 30, tzinfo=PLUS2),
    ),
    "metno_locationforecast2_compact_NYC_2020-07-20.body.DERIVED.json": (
        Decimal("26.5"),
        "partly cloudy",
        dt.datetime(2020, 7, 20, 11, 0, tzinfo=UTC),
    ),
}


def test_open_meteo_parses_every_recorded_response():
    files = recorded_files("openmeteo", "*.json")
    assert files, "no recorded Open-Meteo responses"
    for path in files:
        observation = OpenMeteoProvider().parse(path.read_bytes())
        assert (observation.temperature, observation.condition, observation.observed_at) == EXPECTED[
            path.name
        ]


def test_met_no_parses_every_recorded_response():
    files = recorded_files("metno", "*.json")
    assert files, "no recorded met.no responses"
    for path in files:
        data = json.loads(path.read_bytes())
        if "status_code" in data:
            # The recording wraps the body with the HTTP status and headers: that wrapper is not a forecast...
            with pytest.raises(ProviderError, match="properties"):
                MetNoProvider().parse(path.read_bytes())
            # ...but the body it holds is, and reads exactly like the body saved on its own.
            body = json.dumps(data["data"]).encode()
            expected = EXPECTED["metno_locationforecast2_compact_NYC_2020-07-20.body.DERIVED.json"]
        else:
            body, expected = path.read_bytes(), EXPECTED[path.name]
        observation = MetNoProvider().parse(body)
        assert (observation.temperature, observation.condition, observation.observed_at) == expected


@pytest.mark.parametrize(
    ("symbol", "text"),
    [
        ("clearsky_night", "clear sky"),
        ("lightrainshowersandthunder_day", "light rain showers and thunder"),
        ("heavysnow", "heavy snow"),
        ("lightssleetshowersandthunder_polartwilight", "light sleet showers and thunder"),
        ("unknownsymbol", ""),
        (42, ""),
    ],
)
def test_met_no_symbols_read_as_plain_english(symbol, text):
    assert condition(symbol) == text


# ---- one contract, every back end -------------------------------------------------------------------------

BACKENDS = {
    "openmeteo": ("openmeteo", "open-meteo_forecast_current_all-vars_2026-10-03.json", Decimal("17.7")),
    "metno": ("metno", "metno_locationforecast2_compact_NYC_2020-07-20.body.DERIVED.json", Decimal("26.5")),
}

NOT_A_NUMBER = (
    b'{"utc_offset_seconds": 0, "current": {"time": "2024-01-01T00:00", "temperature_2m": "warm"}, "properties": '
    b'{"timeseries": [{"time": "2024-01-01T00:00:00Z", "data": {"instant": {"details": {"air_temperature": "warm"}}}}]}}'
)

GARBAGE = {
    "an HTML error page": (200, b"<html><body>Service Unavailable</body></html>"),
    "an empty body": (200, b""),
    "truncated JSON": (200, b'{"latitude": 55.75, "current": {"temperature_2m": 1'),
    "a JSON list": (200, b"[1, 2, 3]"),
    "a text temperature": (200, NOT_A_NUMBER),
    "an impossible temperature": (200, NOT_A_NUMBER.replace(b'"warm"', b"500")),
    "bytes that are not UTF-8": (200, b"\xff\xfe\x00garbage\x80"),
    "HTTP 500": (500, b"Internal Server Error"),
    "HTTP 429": (429, b"Too Many Requests"),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request):
    alias, filename, temperature = BACKENDS[request.param]
    return alias, (recorded(alias) / filename).read_bytes(), temperature


def make(alias: str, url: str, timeout: float = 0.5):
    return get_provider(alias).__class__(
        timeout=timeout, base_url=url, user_agent="NewsdeskTests/1.0 test@example.org"
    )


class TestWeatherProviderContract:
    def test_a_healthy_answer_is_read(self, backend):
        alias, body, temperature = backend
        with ProviderServer({"/": Reply(body, content_type="application/json")}) as server:
            observation = make(alias, server.url).current(
                latitude=Decimal("55.7558"), longitude=Decimal("37.6173")
            )
        assert observation.temperature == temperature
        assert observation.observed_at.tzinfo is not None
        path, headers = server.requests[0]
        assert "55.7558" in path and "37.6173" in path
        assert headers["User-Agent"] == "NewsdeskTests/1.0 test@example.org"

    def test_a_provider_that_is_down_fails_fast(self, backend):
        alias, _, _ = backend
        started = time.monotonic()
        with pytest.raises(ProviderError, match="could not fetch"):
            make(alias, closed_port_url()).current(latitude=Decimal(55), longitude=Decimal(37))
        assert time.monotonic() - started < 2

    @pytest.mark.parametrize("mode", ["hang", "trickle", "drop"])
    def test_a_slow_or_broken_connection_is_cut_off_at_the_timeout(self, backend, mode):
        alias, _, _ = backend
        with ProviderServer({"/": Reply(mode=mode, delay=5)}) as server:
            started = time.monotonic()
            with pytest.raises(ProviderError):
                make(alias, server.url, timeout=0.5).current(latitude=Decimal(55), longitude=Decimal(37))
            assert time.monotonic() - started < 1.5

    @pytest.mark.parametrize("case", sorted(GARBAGE))
    def test_garbage_is_refused_with_a_message(self, backend, case):
        alias, _, _ = backend
        status, body = GARBAGE[case]
        with ProviderServer({"/": Reply(body, status=status, content_type="application/json")}) as server:
            with pytest.raises(ProviderError) as error:
                make(alias, server.url).current(latitude=Decimal(55), longitude=Decimal(37))
        assert str(error.value)


def test_an_unknown_backend_is_named_in_the_error(settings):
    settings.NEWSDESK_WEATHER = {"BACKEND": "accuweather"}
    with pytest.raises(ImproperlyConfigured, match="choose one of: openmeteo, metno"):
        get_provider()


def test_no_backend_means_weather_is_off(settings):
    settings.NEWSDESK_WEATHER = {"BACKEND": ""}
    assert get_provider() is None


def test_only_http_urls_are_fetched():
    with pytest.raises(ProviderError, match="not an http"):
        OpenMeteoProvider(base_url="file:///etc").current(latitude=Decimal(55), longitude=Decimal(37))
