"""Upgrading keeps the data: a database made at the previous release's schema (built from the migration graph),
filled with that schema's models, migrated to this code's, still holds every story, its people and revisions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.stack.stack import ROOT

from .sites import Site


def _upgrade(site: Site) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("upgrade.py"))], cwd=ROOT,
                          env={**site.env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(result: dict) -> None:
    assert "news.0001_initial" not in result["before"] and any(
        t.startswith("news.") for t in result["before"]
    )
    assert result["same"], "ids, public ids, headlines or statuses changed in the upgrade"
    assert result["persons"] == ["sergey-ryabkov"]
    assert result["revisions"] == 3
    assert result["published"] == 2
    assert result["pending"] == []


def test_an_upgrade_from_the_previous_schema_keeps_the_data(tmp_path):
    _check(_upgrade(Site(tmp_path / "site")))


def test_an_upgrade_on_postgresql_keeps_the_data(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        import pytest

        pytest.skip("the PostgreSQL run (DATABASE_URL) does this upgrade on PostgreSQL")
    import psycopg

    name = f"newsdesk_upgrade_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        _check(_upgrade(Site(tmp_path / "site", DATABASE_URL=f"{base}/{name}")))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
