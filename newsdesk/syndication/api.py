"""The subscriber API, /api/v1/: items in IPTC ninjs 3.1 (or 2.2) and NewsML-G2. Thin views over selectors.

Every refusal is JSON with a status from the OpenAPI document (openapi.py), never a 500: malformed parameters
422, unknown section/person/topic or item 404, bad token 401, too many requests 429. ``api_view`` wraps every
/api/v1/ endpoint (the search app's too), so the token rule and the rate limit are the same on each; errors
outside a view (an unknown address, a crash) are JSON too (site.views' error handlers, ``json_error``).
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from newsdesk.ratelimit import client_address

from . import selectors, services
from .newsmlg2 import NewsMLG2
from .ninjs import SERIALIZERS

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
CURSOR = re.compile(r"^([0-9]{1,16})-([0-9]{1,12})$")
NINJS_MEDIA_TYPE = "application/vnd.iptc.ninjs+json"
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        error = {"status": self.status, "code": self.code, "message": self.message}
        if self.parameter:
            error["parameter"] = self.parameter
        response = JsonResponse({"error": error}, status=self.status)
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def api_view(view):
    """GET/HEAD only, subscriber access and rate limit checked, errors answered as JSON."""

    @csrf_exempt  # GET only, and a token in a header, not a cookie: nothing for CSRF to protect
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            if request.method not in ("GET", "HEAD"):
                raise ApiError(
                    405, "method_not_allowed", "Only GET is supported.", headers={"Allow": "GET, HEAD"}
                )
            rate = _admit(request)
            response = view(request, *args, **kwargs)
            response.headers["X-RateLimit-Limit"] = str(rate.limit)
            response.headers["X-RateLimit-Remaining"] = str(rate.remaining)
        except ApiError as exc:
            response = exc.response()
        patch_vary_headers(response, ["Accept", "Authorization"])
        return response

    return wrapper


def _admit(request: HttpRequest) -> services.RateDecision:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        token = services.token_for_key(raw_key=key.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise ApiError(
                401, "invalid_token", "The subscriber token is unknown or revoked; send 'Authorization: Bearer <token>'.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )  # fmt: skip
        identity, limit = f"token:{token.pk}", token.rate_limit_per_minute
    elif settings.NEWSDESK_API_ANONYMOUS:
        identity, limit = f"ip:{client_address(request.META)}", settings.NEWSDESK_API_ANONYMOUS_RATE
    else:
        raise ApiError(
            401, "token_required", "This API needs a subscriber token: send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    decision = services.rate_limit_hit(identity=identity, limit=limit)
    if not decision.allowed:
        raise ApiError(
            429, "rate_limited", f"More than {limit} requests a minute; retry after {decision.retry_after} s.",
            headers={"Retry-After": str(decision.retry_after), "X-RateLimit-Limit": str(limit)},
        )  # fmt: skip
    return decision


# --- parameters -------------------------------------------------------------------------------------------------


def _ninjs_version(request: HttpRequest) -> str:
    raw = request.GET.get("version")
    if raw is not None:
        if raw not in SERIALIZERS:
            raise ApiError(422, "invalid_parameter", "version must be 3.1 or 2.2.", parameter="version")
        return raw
    return _version_from_accept(request.headers.get("Accept", ""))


def _version_from_accept(accept: str) -> str:
    """`Accept: application/vnd.iptc.ninjs+json; version=2.2` picks ninjs 2.2; anything else gets 3.1."""
    for media_range in accept.split(","):
        media_type, *params = (part.strip() for part in media_range.split(";"))
        if media_type.lower() != NINJS_MEDIA_TYPE:
            continue
        values = dict(p.partition("=")[::2] for p in params)
        version = values.get("version", "3.1").strip('"')
        if version in SERIALIZERS:
            return version
        raise ApiError(406, "not_acceptable", f"ninjs {version[:10]!r} is not offered; ask for 3.1 or 2.2.")
    return "3.1"


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(
            422,
            "invalid_parameter",
            f"limit must be a whole number from 1 to {MAX_LIMIT}.",
            parameter="limit",
        )
    return int(raw)


def _since(request: HttpRequest) -> selectors.Cursor | None:
    raw = request.GET.get("since")
    if raw is None:
        return None
    match = CURSOR.match(raw)
    if not match:
        raise ApiError(
            422, "invalid_parameter", "since must be a cursor as returned in 'next_since', e.g. 1496131200000000-123456789.",
            parameter="since",
        )  # fmt: skip
    return selectors.Cursor(micros=int(match[1]), public_id=int(match[2]))


def _scopes(request: HttpRequest) -> list[selectors.Scope]:
    """section, person and topic filters; given together, an item must match all of them."""
    scopes = []
    for kind in selectors.SCOPE_MODELS:
        slug = request.GET.get(kind)
        if slug is None:
            continue
        if not SLUG.match(slug):
            raise ApiError(
                422, "invalid_parameter", f"{kind} must be a slug (letters, digits, - and _).", parameter=kind
            )
        scope = selectors.scope_or_none(kind=kind, slug=slug)
        if scope is None:
            raise ApiError(404, "not_found", f"There is no {kind} {slug!r}.", parameter=kind)
        scopes.append(scope)
    return scopes


# --- views ------------------------------------------------------------------------------------------------------


def _json(data: dict, *, version: str | None = None) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    if version:
        response.headers["Ninjs-Version"] = version
    patch_cache_control(response, private=True, no_cache=True)
    return response


@api_view
def items(request: HttpRequest) -> HttpResponse:
    version, limit, since = _ninjs_version(request), _limit(request), _since(request)
    page = selectors.wire_page(scopes=_scopes(request), since=since, limit=limit)
    serializer = SERIALIZERS[version]
    return _json(
        {
            "items": [serializer.item(article) for article in page.items],
            "next_since": str(page.cursor),
            "has_more": page.has_more,
        },
        version=version,
    )


def _public_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise ApiError(422, "invalid_parameter", "The item id is a number, e.g. 123456789.", parameter="id")
    return int(raw)


def _wire_item(raw_id: str):
    article = selectors.wire_item(public_id=_public_id(raw_id))
    if article is None:
        raise ApiError(404, "not_found", "No such item, or it is not published yet.", parameter="id")
    return article


@api_view
def item(request: HttpRequest, public_id: str) -> HttpResponse:
    version = _ninjs_version(request)
    article = _wire_item(public_id)
    return _json(SERIALIZERS[version].item(article), version=version)


@api_view
def newsml_item(request: HttpRequest, public_id: str) -> HttpResponse:
    article = _wire_item(public_id)
    return HttpResponse(NewsMLG2().item_bytes(article), content_type=NewsMLG2.content_type)


@api_view
def newsml_items(request: HttpRequest) -> HttpResponse:
    page = selectors.wire_page(scopes=_scopes(request), since=None, limit=_limit(request))
    return HttpResponse(NewsMLG2().message_bytes(page.items), content_type=NewsMLG2.message_content_type)
