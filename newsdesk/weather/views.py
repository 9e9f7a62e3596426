"""The city page (the picker without JavaScript) and the JSON the header script reads."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from . import presenters, services

CITY_COOKIE = "newsdesk_city"
TIMES_COOKIE = "newsdesk_times"
COOKIE_AGE = 365 * 24 * 3600


def _edition_language(request) -> str:
    """``?lang=ru``: another edition's language, or "" (the default edition's). /weather/ has one address for
    every edition; the clock on an edition's pages links here with its language, and the page's form keeps it."""
    language = request.GET.get("lang", "")
    editions = {code for code, _name in settings.LANGUAGES}
    return language if language in editions and language != settings.LANGUAGE_CODE else ""


@require_safe
def cities(request):
    """All cities with local time and weather; `?city=` chooses one and remembers it in a cookie.

    The page never reads the cookie (the script does), so its HTML varies by URL only."""
    language = _edition_language(request)
    if language:
        with translation.override(language):
            return _cities(request, language)
    return _cities(request, "")


def _cities(request, language: str):
    snapshot = services.weather_snapshot()
    now = timezone.now()
    rows = [presenters.city_row(city, now=now) for city in snapshot["cities"]]
    slug = request.GET.get("city", "")
    chosen = next((row for row in rows if row["slug"] == slug), None)
    error = (
        gettext("There is no city “%(city)s” in the list; choose one below.") % {"city": slug[:50]}
        if slug and chosen is None
        else ""
    )
    context = {
        "rows": rows,
        "chosen": chosen,
        "error": error,
        "times": request.GET.get("times") == "city",
        "weather_on": bool(settings.NEWSDESK_WEATHER.get("BACKEND")),  # an empty state says how to turn it on
        "max_age": settings.NEWSDESK_WEATHER_MAX_AGE_MINUTES,
        "lang": language,
    }
    response = render(request, "weather/cities.html", context, status=400 if error else 200)
    if chosen is not None:
        _remember(response, chosen["slug"], times=context["times"])
    return response


def _remember(response, slug: str, *, times: bool) -> None:
    response.set_cookie(CITY_COOKIE, slug, max_age=COOKIE_AGE, samesite="Lax")
    if times:
        response.set_cookie(TIMES_COOKIE, "city", max_age=COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie(TIMES_COOKIE, samesite="Lax")
    patch_cache_control(response, private=True, no_cache=True)


@require_safe
def cities_json(request):
    """``?lang=ru``: names and weather in an edition's language (the clock of that edition's pages asks so; the
    language is in the URL, so each answer is kept by its address like the pages)."""
    with translation.override(_edition_language(request) or settings.LANGUAGE_CODE):
        return _cities_json()


def _cities_json():
    now = timezone.now()
    rows = [presenters.city_row(city, now=now) for city in services.weather_snapshot()["cities"]]
    payload = {
        "default": presenters.pick_city({"cities": rows})["slug"] if rows else "",
        "cities": [_city_json(row) for row in rows],
    }
    response = JsonResponse(payload)
    patch_cache_control(response, public=True, max_age=300)
    return response


def _city_json(row: dict) -> dict:
    weather = row["weather"]
    return {
        "slug": row["slug"],
        "name": row["name"],
        "zone": row["zone"],
        "weather": None
        if weather is None
        else {
            "text": row["weather_text"],
            "temperature": weather["temperature"],
            "condition": weather["condition"],
            "observed_at": weather["observed_at"],
            "credit": row["credit"],
            "credit_url": row["credit_url"],
        },
    }
