"""The converter page (a GET form that works without JavaScript), its JSON twin, and the history pages."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from . import converter, history, selectors
from .backends import known_provider
from .currencies import currency_name
from .rates import MAX_DECIMALS

CACHE_SECONDS = 300


def edition_language(view):
    """``?lang=ru``: the page (or answer) in another edition's language. /markets/ has one address for every
    edition; the header's converter link on an edition's pages adds its language (widgets.converter_link), and
    the form and the script keep it, so each language's answer is kept apart by its URL in the caches."""

    @functools.wraps(view)
    def in_language(request, *args, **kwargs):
        language = request.GET.get("lang", "")
        if language in {code for code, _name in settings.LANGUAGES} and language != settings.LANGUAGE_CODE:
            with translation.override(language):
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return in_language


def _lang() -> str:
    """The language to keep in the page's links and form: "" for the default edition's."""
    language = translation.get_language()
    return language if language and language != settings.LANGUAGE_CODE else ""


@require_safe
@edition_language
def converter_page(request):
    if request.GET.get("swap"):
        query = {**converter.swapped(request.GET), **({"lang": _lang()} if _lang() else {})}
        return HttpResponseRedirect(f"{reverse('markets:converter')}?{urlencode(query)}")
    outcome = converter.run(request.GET)
    status = 400 if request.GET and outcome.errors else 200
    context = {"c": outcome, "max_decimals": MAX_DECIMALS, "lang": _lang()}
    response = render(request, "markets/converter.html", context, status=status)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
@edition_language
def convert_json(request):
    outcome = converter.run(request.GET)
    if outcome.errors:
        return JsonResponse({"errors": outcome.errors}, status=400)
    response = JsonResponse({**outcome.answer, "notes": outcome.notes})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
@edition_language
def history_page(request, provider: str, currency: str):
    cls = known_provider(provider)
    if cls is None or currency not in cls.history_currencies:
        raise Http404("No history is kept for this currency.")
    items = history.points(selectors.currency_history(provider=provider, currency=currency), cls)
    context = {
        "provider": cls,
        "provider_label": gettext(cls.label),  # in the page's language
        "alias": provider,
        "currency": currency,
        "currency_name": currency_name(currency),
        "caption": history.caption(currency, cls),
        "items": items,
        "chart": history.chart(items),
        "others": [code for code in cls.history_currencies if code != currency],
        "lang": _lang(),
    }
    response = render(request, "markets/history.html", context)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
