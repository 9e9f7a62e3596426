"""The OpenAPI 3.1 document: valid against the official meta-schema, and the API keeps every promise in it
(schemathesis generates requests — valid, malformed and hostile — against a live server)."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.syndication.openapi import document
from tests.factories import ArticleFactory

from .schemas import validate_openapi


@pytest.mark.django_db
def test_document_is_served_and_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served["openapi"] == "3.1.0"
    validate_openapi(served)


def test_every_operation_declares_its_refusals():
    for path, operations in document()["paths"].items():
        responses = operations["get"]["responses"]
        for status in ("200", "401", "404", "422", "429"):
            assert status in responses, f"{path} does not declare {status}"


def test_schemathesis_finds_nothing(live_server, settings, transactional_db, story, tmp_path):
    """Every phase (examples, coverage — which sends malformed and hostile values —, fuzzing, stateful) and every
    check: no 5xx, only declared statuses, headers and content types, responses matching their schemas, malformed
    input rejected with a 4xx, valid input accepted, unsupported methods answered 405."""
    settings.NEWSDESK_SITE_URL = live_server.url
    ArticleFactory(
        publish_at=timezone.now() - dt.timedelta(hours=2),
        first_published_at=timezone.now() - dt.timedelta(hours=2),
    )
    # A real id, so that item operations are exercised beyond 404.
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\n"path.id" = {story.public_id}\n')
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(tmp_path / "schemathesis.toml"), "run", f"{live_server.url}/api/v1/openapi.json",
        "--checks", "all", "--max-examples", "30", "--seed", "20170530", "--no-color",
        "--generation-database", "none", "--request-timeout", "20",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=540, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
