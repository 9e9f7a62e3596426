"""Validators for every syndication output, built from the official schemas in <repo>/../shared, read in place.

No network: ninjs' reference to the GeoJSON schema is served from the local copy through a `referencing`
registry. Without ../shared the tests skip with a message — except in CI (env CI set), where they fail.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SCHEMAS = SHARED / "schemas"
HERE = Path(__file__).resolve().parent


def require_shared() -> Path:
    if not SCHEMAS.is_dir():
        message = f"the official schemas are not at {SCHEMAS} (<repo>/../shared); output validation skipped"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SCHEMAS


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _registry():
    from referencing import Registry, Resource

    geojson = Resource.from_contents(_json(SCHEMAS / "ninjs" / "GeoJSON-schema.json"))
    return Registry().with_resources([("https://geojson.org/schema/GeoJSON.json", geojson)])


@functools.cache
def ninjs_validator(version: str):
    from jsonschema import Draft202012Validator, FormatChecker

    schema = _json(SCHEMAS / "ninjs" / f"ninjs-schema_{version}.json")
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def validate_ninjs(item: dict, version: str = "3.1") -> None:
    require_shared()
    errors = sorted(ninjs_validator(version).iter_errors(item), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@functools.cache
def _jsonfeed_validator():
    from jsonschema import Draft7Validator, FormatChecker

    return Draft7Validator(
        _json(SCHEMAS / "jsonfeed" / "jsonfeed-schema-v1.1.json"), format_checker=FormatChecker()
    )


def validate_jsonfeed(document: dict) -> None:
    require_shared()
    errors = list(_jsonfeed_validator().iter_errors(document))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@functools.cache
def _newsml_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / "newsml-g2" / "NewsML-G2_2.35-spec-All-Power.xsd"))


def validate_newsml(xml: bytes) -> None:
    require_shared()
    _newsml_schema().validate(xml.decode("utf-8"))


@functools.cache
def _sitemap_schema(name: str):
    import xmlschema

    # Google's news: namespace has no schema in ../shared; tests/syndication/sitemap-news.xsd describes it, so
    # the sitemaps.org schema's strict wildcard checks news: elements too instead of rejecting them.
    # Likewise the xhtml:link of hreflang alternates (tests/syndication/sitemap-xhtml.xsd).
    news = {
        "http://www.google.com/schemas/sitemap-news/0.9": str(HERE / "sitemap-news.xsd"),
        "http://www.w3.org/1999/xhtml": str(HERE / "sitemap-xhtml.xsd"),
    }
    return xmlschema.XMLSchema(str(SCHEMAS / "sitemaps" / name), locations=news)


def validate_sitemap(xml: bytes, *, index: bool = False) -> None:
    require_shared()
    _sitemap_schema("siteindex.xsd" if index else "sitemap.xsd").validate(xml.decode("utf-8"))


@functools.cache
def _openapi_validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    base = _json(SCHEMAS / "openapi" / "oas-3.1-schema-base.json")
    schema = _json(SCHEMAS / "openapi" / "oas-3.1-schema.json")
    registry = Registry().with_resources(
        [(base["$id"], Resource.from_contents(base)), (schema["$id"], Resource.from_contents(schema))]
    )
    return Draft202012Validator(schema, registry=registry)


def validate_openapi(document: dict) -> None:
    require_shared()
    errors = list(_openapi_validator().iter_errors(document))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
