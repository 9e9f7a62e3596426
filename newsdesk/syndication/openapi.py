"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json. Every status the API returns is here."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .api import CURSOR, DEFAULT_LIMIT, MAX_LIMIT, NINJS_MEDIA_TYPE, SLUG, ApiError


def _error(description: str, **headers) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


SLUG_SCHEMA = {"type": "string", "pattern": SLUG.pattern}
ID_PARAMETER = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "The item's public id, as in its web address and in altIds.",
    "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999_999},
}
FILTERS = [
    _query("section", "Only items of this section (its slug).", SLUG_SCHEMA),
    _query("person", "Only items about this person (their slug).", SLUG_SCHEMA),
    _query("topic", "Only items on this topic (its slug).", SLUG_SCHEMA),
]
LIMIT = _query(
    "limit",
    "How many items at most.",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
)
VERSION = _query(
    "version",
    f"ninjs version; also negotiable with 'Accept: {NINJS_MEDIA_TYPE}; version=2.2'.",
    {"type": "string", "enum": ["3.1", "2.2"], "default": "3.1"},
)
SINCE = _query(
    "since",
    "Polling cursor: pass the last response's next_since to get only what happened after it, oldest first — each "
    "item once, and each later version (an update, a correction, a withdrawal) once more.",
    {"type": "string", "pattern": CURSOR.pattern},
)

COMMON_ERRORS = {
    "401": _error("The subscriber token is unknown or revoked, or anonymous reading is off."),
    "429": _error(
        "Over the rate limit.",
        **{"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    ),
}
RATE_HEADERS = {
    "X-RateLimit-Limit": {"description": "Requests allowed a minute.", "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left this minute.", "schema": {"type": "integer"}},
}


def _ok(description: str, content: dict) -> dict:
    return {"description": description, "headers": RATE_HEADERS, "content": content}


NINJS_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/NinjsItem"}}}
XML_CONTENT = {
    "application/vnd.iptc.g2.newsitem+xml": {"schema": {"type": "string"}},
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.NEWSDESK_SITE_NAME} wire API",
            "version": "1.0.0",
            "description": "News items for subscribers in IPTC ninjs 3.1 (2.2 on request) and NewsML-G2 2.35.",
        },
        "servers": [{"url": "/"}],
        "security": [{}, {"subscriberToken": []}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"subscriberToken": {"type": "http", "scheme": "bearer"}},
        },
    }


def _paths() -> dict:
    return {
        "/api/v1/items": {
            "get": {
                "operationId": "listItems",
                "summary": "Latest items, or what happened since a cursor",
                "parameters": [SINCE, LIMIT, VERSION, *FILTERS],
                "responses": {
                    "200": _ok(
                        "A page of items.",
                        {"application/json": {"schema": {"$ref": "#/components/schemas/ItemList"}}},
                    ),
                    "404": _error("No such section, person or topic."),
                    "406": _error("The Accept header asks for a ninjs version that is not offered."),
                    "422": _error("A malformed parameter (since, limit, version or a filter)."),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/items/{id}": {
            "get": {
                "operationId": "getItem",
                "summary": "One item in ninjs; a withdrawn item comes with pubStatus 'canceled'",
                "parameters": [ID_PARAMETER, VERSION],
                "responses": {
                    "200": _ok("The item.", NINJS_CONTENT),
                    "404": _error("No such item, or it is not published yet."),
                    "406": _error("The Accept header asks for a ninjs version that is not offered."),
                    "422": _error("A malformed id or version."),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/newsml/items": {
            "get": {
                "operationId": "listNewsmlItems",
                "summary": "Recent items as a NewsML-G2 2.35 newsMessage",
                "parameters": [LIMIT, *FILTERS],
                "responses": {
                    "200": _ok(
                        "A newsMessage.",
                        {"application/vnd.iptc.g2.newsmessage+xml": {"schema": {"type": "string"}}},
                    ),
                    "404": _error("No such section, person or topic."),
                    "422": _error("A malformed limit or filter."),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/newsml/items/{id}": {
            "get": {
                "operationId": "getNewsmlItem",
                "summary": "One item as a NewsML-G2 2.35 newsItem",
                "parameters": [ID_PARAMETER],
                "responses": {
                    "200": _ok("The newsItem.", XML_CONTENT),
                    "404": _error("No such item, or it is not published yet."),
                    "422": _error("A malformed id."),
                    **COMMON_ERRORS,
                },
            }
        },
    }


def _schemas() -> dict:
    return {
        "NinjsItem": {
            "type": "object",
            "description": "An IPTC ninjs item (3.1 by default, 2.2 on request); the full schemas are IPTC's.",
            "required": ["uri"],
            "properties": {"uri": {"type": "string"}, "version": {"type": "string"}},
        },
        "ItemList": {
            "type": "object",
            "required": ["items", "next_since", "has_more"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/NinjsItem"}},
                "next_since": {
                    "type": "string",
                    "pattern": CURSOR.pattern,
                    "description": "Poll on with this.",
                },
                "has_more": {
                    "type": "boolean",
                    "description": "More happened after next_since: ask again now.",
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "code", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string"},
                    },
                }
            },
        },
    }


@csrf_exempt  # no session read: another method gets the API's JSON 405, not the CSRF failure page
def openapi_json(request):
    # The API's description is public, token or not (it holds no items), like any API's documentation.
    if request.method not in ("GET", "HEAD"):
        return ApiError(
            405, "method_not_allowed", "Only GET is supported.", headers={"Allow": "GET, HEAD"}
        ).response()
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
