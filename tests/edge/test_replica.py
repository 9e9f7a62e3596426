"""The read-replica router against a real streaming replica (pg_basebackup -R) on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def replication():
    from tests.replica import streaming_replica
    from tests.servers import server_missing

    try:
        with streaming_replica() as replication:
            yield replication
    except FileNotFoundError as exc:
        server_missing("PostgreSQL", exc, "the replica test needs PostgreSQL's binaries")


def check(replication, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": replication.primary_url, "DATABASE_REPLICA_URL": replication.replica_url,
           "DJANGO_SETTINGS_MODULE": "tests.settings"}  # fmt: skip
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "tests.edge.replica_check", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reader_pages_read_from_the_replica_and_everything_else_from_the_primary(replication):
    setup = check(replication, "setup")
    assert setup["in_recovery"] is True  # a real standby
    found = check(replication, "reads", setup["url"])
    assert found["anonymous_status"] == 200
    assert found["anonymous_sees_replica"]  # replay is paused: only the replica still has the old headline
    assert found["signed_in_sees_primary"]
    assert found["other_reads_alias"] == "default"

    replication.stop_replica()
    degraded = check(replication, "down", setup["url"])
    assert degraded == {"status": 200, "sees_primary": True}  # the replica gone: served from the primary
