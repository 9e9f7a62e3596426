from django.conf import settings

from newsdesk import editions


def site(request):
    # other_editions: called by the page frame only (kept per edition), never on a kept page's request.
    return {"site_name": settings.NEWSDESK_SITE_NAME, "other_editions": editions.other_editions}
