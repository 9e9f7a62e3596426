from django.conf import settings

from . import fragments


def site(request):
    # A lazy callable: pages that don't render the header (feeds, API) never query the sections.
    return {
        "site_name": settings.NEWSDESK_SITE_NAME,
        "nav_sections": lambda: fragments.request_sections(request),
    }
