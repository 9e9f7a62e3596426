"""Thin adapters: the beacon for Django's resolver, the privacy page, and the newsroom's audience view."""

from __future__ import annotations

import csv
import functools

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.defaults import permission_denied

from newsdesk.news.models import Article

from . import beacon, selectors
from .backends import Window
from .charts import bar_chart
from .forms import RANGE_CHOICES, RANGES, ArticleRangeForm, AudienceFilterForm

REFERRER_HOURS = {Window.NOW: 1, Window.TODAY: 24, Window.WEEK: 7 * 24}
NEWSROOM_TOP = 50
AUDIENCE_PERMISSION = "analytics.view_hourreads"


@csrf_exempt  # no cookies are read or set; beacon.py checks Origin and Sec-Fetch-Site instead
def read(request, public_id: int | None = None):
    """Normally answered by beacon.BeaconMiddleware before Django; this serves other WSGI set-ups and tests."""
    status, headers, body = beacon.handle(request.META, read_body=request.read)
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


@require_safe
def privacy(request):
    return render(request, "analytics/privacy.html")


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


def _cell(value):
    # A headline starting with "=" must not become a formula in the editor's spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def audience(request):
    form = AudienceFilterForm(request.GET)
    if not form.is_valid():
        context = {**admin.site.each_context(request), "form": form, "title": "Audience"}
        return render(request, "analytics/audience.html", context, status=400)
    window, section = form.cleaned_data["window"], form.cleaned_data["section"]
    at = timezone.now()
    ranked = selectors.most_read_boards(
        windows=[window], section=section, limit=NEWSROOM_TOP, at=at, visible_only=False
    )[window]
    if form.cleaned_data["format"] == "csv":
        return _csv_response(
            f"most-read-{window.value}{'-' + section.slug if section else ''}-{at:%Y%m%d-%H%M}.csv",
            ["rank", "public_id", "headline", "section", "status", "reads"],
            [(i, r.article.public_id, r.article.headline, r.article.section.name, r.article.status, r.reads)
             for i, r in enumerate(ranked, start=1)],
        )  # fmt: skip
    referrers_since, referrers = selectors.referring_sites(hours=REFERRER_HOURS[window], at=at)
    context = {
        **admin.site.each_context(request),
        "title": "Audience",
        "form": form,
        "window": window,
        "section": section,
        "ranked": ranked,
        "referrers": referrers,
        "referrers_since": referrers_since,
        "csv_query": _with_format(request, "csv"),
    }
    return render(request, "analytics/audience.html", context)


def _with_format(request, value: str) -> str:
    query = request.GET.copy()
    query["format"] = value
    return query.urlencode()


def audience_article(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk)
    form = ArticleRangeForm(request.GET)
    if not form.is_valid():
        context = {
            **admin.site.each_context(request),
            "form": form,
            "article": article,
            "title": article.headline,
        }
        return render(request, "analytics/audience_article.html", context, status=400)
    hours, daily = RANGES[form.cleaned_data["range"]]
    points = selectors.article_series(article=article, hours=hours, daily=daily)
    if form.cleaned_data["format"] == "csv":
        return _csv_response(
            f"reads-{article.public_id}-{form.cleaned_data['range']}.csv",
            ["start", "reads"],
            [(timezone.localtime(p.start).isoformat(), p.reads) for p in points],
        )
    referrers_since, referrers = selectors.referring_sites(hours=hours, article=article)
    context = {
        **admin.site.each_context(request),
        "title": f"Audience: {article.headline}",
        "article": article,
        "form": form,
        "daily": daily,
        "points": points,
        "chart": bar_chart(points, daily=daily),
        "referrers": referrers,
        "referrers_since": referrers_since,
        "csv_query": _with_format(request, "csv"),
        "generated_at": timezone.now(),
        "range_label": dict(RANGE_CHOICES)[form.cleaned_data["range"]],
    }
    return render(request, "analytics/audience_article.html", context)


def _audience_only(view):
    """Audience figures are the desk's (Editor, Admin roles: analytics.view_hourreads), not every reporter's."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm(AUDIENCE_PERMISSION):
            # Answered, not raised: a refusal is expected here and is logged as one line, without a traceback.
            return permission_denied(
                request, PermissionDenied("Audience figures are for editors and admins.")
            )
        return view(request, *args, **kwargs)

    return wrapper


audience_view = admin.site.admin_view(_audience_only(audience))
audience_article_view = admin.site.admin_view(_audience_only(audience_article))
