"""robots.txt and the API's JSON 404; feeds, sitemaps and API views live in feeds.py, sitemaps.py and api.py."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    site = settings.NEWSDESK_SITE_URL
    lines = [
        "User-agent: *",
        "Disallow: /newsroom/",
        "",
        f"Sitemap: {site}{reverse('syndication:sitemap-index')}",
        f"Sitemap: {site}{reverse('syndication:sitemap-news')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def api_not_found(request, rest: str = ""):
    error = {"status": 404, "code": "not_found", "message": "No such API address; see /api/v1/openapi.json."}
    return JsonResponse({"error": error}, status=404)
