"""Cache headers for the shared cache: surrogate keys, s-maxage + stale-while-revalidate, ETag and 304.

Sits right after WhiteNoise in MIDDLEWARE so that it sees the final response, cookies set by inner middleware
included: a response that sets a cookie, or one for a signed-in newsroom user, is never made shareable.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from newsdesk.news.models import Article
from newsdesk.news.prepared import PreparedQuery

from .keys import page_keys

HEADER = "X-Surrogate-Keys"
SHAREABLE_STATUSES = {200, 203, 300, 301, 404, 410}
PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")


class EdgeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.streaming:
            return response
        if _is_personal(request, response):
            _make_private(response)
        elif _is_shareable(response):
            _make_public(response, page_keys(request))
        return _conditional(request, response)


def _is_personal(request, response) -> bool:
    if response.cookies or request.path.startswith("/newsroom/"):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session: anonymous, and the session is never loaded for it
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def _is_shareable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return response.status_code in SHAREABLE_STATUSES and not any(
        d in cache_control for d in PRIVATE_DIRECTIVES
    )


def _make_private(response) -> None:
    if HEADER in response:
        del response[HEADER]
    if not any(directive in response.get("Cache-Control", "") for directive in ("private", "no-store")):
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def _make_public(response, keys: set[str]) -> None:
    edge = settings.NEWSDESK_EDGE
    # Keyed pages are purged exactly when their articles change, so the shared cache may keep them long.
    shared_age = edge["MAX_AGE"] if keys and response.status_code == 200 else edge["UNKEYED_MAX_AGE"]
    # A view may keep its page shorter (``response.shared_max_age``): parts of it that no purge reaches.
    shared_age = min(shared_age, getattr(response, "shared_max_age", shared_age))
    if not settings.NEWSDESK_PAGE_CACHE:  # the page cache bounds what it keeps itself, when it keeps it
        due = seconds_to_next_schedule()
        shared_age = shared_age if due is None else max(1, min(shared_age, int(due)))
    options = {
        "public": True,
        "s_maxage": shared_age,
        "stale_while_revalidate": edge["STALE_WHILE_REVALIDATE"],
    }
    if "max-age" not in response.get("Cache-Control", ""):
        options["max_age"] = edge["BROWSER_MAX_AGE"]  # browsers are not purged: revalidate with the ETag
    patch_cache_control(response, **options)
    if keys:
        response[HEADER] = ",".join(sorted(keys))


def _conditional(request, response):
    if (
        request.method != "GET"
        or response.status_code != 200
        or "no-store" in response.get("Cache-Control", "")
    ):
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


_NEXT_SCHEDULED = PreparedQuery(
    lambda at: (
        Article.objects.filter(
            status__in=(Article.Status.PUBLISHED, Article.Status.SCHEDULED), publish_at__gt=at
        )
        .order_by("publish_at")
        .values_list("publish_at")[:1]
    ),
    at=dt.datetime,
)


def seconds_to_next_schedule() -> float | None:
    """Seconds until the next scheduled article becomes visible (None: none is waiting).

    It appears then through the visibility gate, with no purge at that moment: no shared cache may keep a page
    past it (lists would miss the item, its own page would stay a 404, Read also links would lack it)."""
    now = timezone.now()
    rows = _NEXT_SCHEDULED.rows(at=now)
    return (rows[0][0] - now).total_seconds() if rows else None
