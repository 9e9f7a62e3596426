"""The search page and the JSON API: thin adapters over selectors.search_articles."""

from __future__ import annotations

import calendar

from django.conf import settings
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from newsdesk.syndication.api import api_view

from . import selectors
from .forms import SearchForm

PER_PAGE = 10
FACET_PARAMS = {"section": "section", "person": "person", "topic": "topic"}


def _edition(language: str | None) -> str:
    """The edition searched: the one the URL names (``/ru/search/``), else the default edition."""
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else codes[0]


def _run(request, language: str | None = None) -> tuple[SearchForm, selectors.SearchResult | None]:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, None
    filters = form.filters()
    if form.errors:
        return form, None
    data = form.cleaned_data
    result = selectors.search_articles(
        q=data["q"],
        filters=filters,
        sort=data["sort"] or "relevance",
        page=data["page"] or 1,
        per_page=PER_PAGE,
        language=_edition(language or data.get("language")),
    )
    return form, result


def _url(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return "?" + query.urlencode()


def _month_range(key: str) -> tuple[str, str]:
    year, month = (int(part) for part in key.split("-"))
    return f"{key}-01", f"{key}-{calendar.monthrange(year, month)[1]:02d}"


def _facet_links(request, result: selectors.SearchResult) -> list[dict]:
    params = request.GET
    groups = []
    for name, values in result.facets.items():
        links = []
        for value in values:
            if name == "month":
                start, end = _month_range(value.key)
                active = params.get("from") == start and params.get("to") == end
                url = _url(params, **{"from": None if active else start, "to": None if active else end})
            else:
                active = params.get(FACET_PARAMS[name]) == value.key
                url = _url(params, **{FACET_PARAMS[name]: None if active else value.key})
            links.append({"label": value.label, "count": value.count, "url": url, "active": active})
        if links:
            groups.append({"name": name, "title": name.title(), "links": links})
    return groups


def _pages(request, result: selectors.SearchResult) -> dict:
    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    numbers = range(max(1, result.page - 3), min(result.page_count, result.page + 3) + 1)
    return {
        "previous": link(result.page - 1) if result.page > 1 else "",
        "next": link(result.page + 1) if result.page < result.page_count else "",
        "numbers": [{"number": n, "url": link(n), "current": n == result.page} for n in numbers],
    }


@require_safe
def search_page(request, language: str | None = None):
    """``language``: the edition, from the URL (``/ru/search/``: a keyword of the route, or the language its
    prefix activated); the default edition's search at /search/."""
    form, result = _run(request, language or translation.get_language())
    context = {"form": form, "result": result, "params": request.GET, "facet_groups": [], "pages": {}}
    if result is not None:
        context["facet_groups"] = _facet_links(request, result)
        context["pages"] = _pages(request, result)
        if result.did_you_mean:
            context["did_you_mean_url"] = _url(request.GET, q=result.did_you_mean)
    return render(request, "search/search.html", context, status=400 if result is None else 200)


def _hit_json(hit: selectors.Hit) -> dict:
    article = hit.article
    marks = hit.highlight
    assert article.publish_at is not None  # search finds only what readers may see: published stories
    return {
        "id": article.public_id,
        "url": article.get_absolute_url(),
        "headline": article.headline,
        "published_at": article.publish_at.isoformat(),
        "section": {"slug": article.section.slug, "name": article.section.name},
        "score": round(hit.score, 6),
        "highlight": {"headline": marks.headline, "lead": marks.lead, "excerpt": marks.excerpt}
        if marks
        else None,
    }


@api_view  # the wire API's token rule, rate limit and JSON errors: one rule for every /api/v1/ endpoint
def search_api(request):
    form, result = _run(request)
    if result is None:
        errors = {
            ("from" if k == "date_from" else "to" if k == "date_to" else k): v for k, v in form.errors.items()
        }
        fields = ", ".join(errors) or "the query"
        message = f"The search parameters are not valid ({fields}); 'errors' says what is wrong with each."
        error = {"status": 400, "code": "invalid_parameter", "message": message}
        return JsonResponse({"error": error, "errors": errors}, status=400)
    return JsonResponse(
        {
            "query": result.query.text,
            "query_truncated": result.query.truncated,
            "sort": result.sort,
            "total": result.total,
            "total_exact": result.total_exact,
            "page": result.page,
            "page_count": result.page_count,
            "per_page": result.per_page,
            "hits": [_hit_json(hit) for hit in result.hits],
            "facets": {
                name: [{"value": v.key, "label": v.label, "count": v.count} for v in values]
                for name, values in result.facets.items()
            },
            "did_you_mean": result.did_you_mean,
            # Few or no stories have all the words: those with some of them follow (after the ones with all).
            "any_words": result.any_words,
            "all_words": result.all_words,
            # Only common words were typed: the newest stories with them, as typed, in the headline or lead,
            # or when none has them there, in the text (common_words_in_text).
            "common_words": result.common_words,
            "common_words_in_text": result.common_words_in_text,
            # No story has the phrase typed in quotes: these have its words apart.
            "phrase_apart": result.phrase_apart,
            # Nothing matched the query as typed: what was looked for in its place ("Kiev" for "Kyiv").
            "searched_instead": result.searched_instead,
        },
        json_dumps_params={"ensure_ascii": False},
    )
