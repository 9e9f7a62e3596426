"""robots.txt and the API's JSON errors; feeds, sitemaps and API views live in feeds.py, sitemaps.py and api.py."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from newsdesk import editions


@require_safe
def robots_txt(request):
    site = settings.NEWSDESK_SITE_URL
    lines = [
        "User-agent: *",
        "Disallow: /newsroom/",
        "",
    ]
    for code in editions.codes():  # each edition's sitemaps (/sitemap.xml, /ru/sitemap.xml …)
        with editions.edition(code):
            lines += [
                f"Sitemap: {site}{reverse('syndication:sitemap-index')}",
                f"Sitemap: {site}{reverse('syndication:sitemap-news')}",
            ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


API_PREFIX = "/api/"
# What the error handlers say on /api/ (site.views' handler400/403/404/500), in the API's error shape.
API_ERRORS = {
    400: ("bad_request", "The request could not be read; see /api/v1/openapi.json."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not_found", "No such API address; see /api/v1/openapi.json."),
    500: ("server_error", "The server failed to answer; try again shortly. The failure was logged."),
}


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str = "") -> JsonResponse:
    """An /api/ error outside the API's views: clients get JSON, never the site's HTML error page."""
    code, default = API_ERRORS[status]
    response = JsonResponse(
        {"error": {"status": status, "code": code, "message": message or default}}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # no session is read here: a POST to an unknown API address gets this 404, not a CSRF page
def api_not_found(request, rest: str = ""):
    return json_error(404)
