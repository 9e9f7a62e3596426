"""The converter page (a GET form that works without JavaScript), its JSON twin, and the history pages."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from . import converter, history, selectors
from .backends import known_provider
from .currencies import currency_name
from .rates import MAX_DECIMALS

CACHE_SECONDS = 300


@require_safe
def converter_page(request):
    if request.GET.get("swap"):
        return HttpResponseRedirect(
            f"{reverse('markets:converter')}?{urlencode(converter.swapped(request.GET))}"
        )
    outcome = converter.run(request.GET)
    status = 400 if request.GET and outcome.errors else 200
    context = {"c": outcome, "max_decimals": MAX_DECIMALS}
    response = render(request, "markets/converter.html", context, status=status)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def convert_json(request):
    outcome = converter.run(request.GET)
    if outcome.errors:
        return JsonResponse({"errors": outcome.errors}, status=400)
    response = JsonResponse({**outcome.answer, "notes": outcome.notes})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def history_page(request, provider: str, currency: str):
    cls = known_provider(provider)
    if cls is None or currency not in cls.history_currencies:
        raise Http404("No history is kept for this currency.")
    items = history.points(selectors.currency_history(provider=provider, currency=currency), cls)
    context = {
        "provider": cls,
        "alias": provider,
        "currency": currency,
        "currency_name": currency_name(currency),
        "caption": history.caption(currency, cls),
        "items": items,
        "chart": history.chart(items),
        "others": [code for code in cls.history_currencies if code != currency],
    }
    response = render(request, "markets/history.html", context)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
