"""Real `newsdesk` processes for worker and crash tests: each on its own data dir and SQLite database file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_TEMPLATE: dict[str, Path] = {}


def newsdesk_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE")}
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=str(data_dir), SECRET_KEY="tests-" + "x" * 40,
        PYTHONPATH=str(REPO), LOG_LEVEL="WARNING", **extra,
    )  # fmt: skip
    return env


def newsdesk(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args], env=env, cwd=REPO, capture_output=True, text=True, **kwargs
    )


def popen(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk", *args], env=env, cwd=REPO, stdout=handle, stderr=handle
    )


def migrated_data_dir(tmp_path: Path, tmp_path_factory) -> Path:
    """A data dir with a migrated database, copied from one migrated once per test session."""
    if "db" not in _TEMPLATE:
        template = tmp_path_factory.mktemp("newsdesk-template")
        result = newsdesk(["migrate", "--no-input", "-v0"], newsdesk_env(template), timeout=300)
        assert result.returncode == 0, result.stderr
        _TEMPLATE["db"] = template / "newsdesk.sqlite3"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(_TEMPLATE["db"], data_dir / "newsdesk.sqlite3")
    return data_dir


def query(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(data_dir / "newsdesk.sqlite3", timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(condition, *, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode} while waiting for {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
