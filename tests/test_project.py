"""The project's own contract: settings from the environment, generated secrets, SQLite pragmas, headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

REPO = Path(__file__).resolve().parents[1]


def run_newsdesk(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stdout.strip().splitlines()[-1]  # `shell` may print its auto-import notice first


def test_secret_key_is_generated_once_kept_private_and_reused(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_newsdesk("shell", "-c", code, env={"NEWSDESK_DATA_DIR": str(tmp_path)})
    second = run_newsdesk("shell", "-c", code, env={"NEWSDESK_DATA_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert last_line(first) == last_line(second) == key_file.read_text().strip()
    assert len(last_line(first)) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    other = run_newsdesk("shell", "-c", code, env={"NEWSDESK_DATA_DIR": str(tmp_path / "other")})
    assert last_line(other) != last_line(first)


def test_invalid_boolean_environment_value_is_a_clear_configuration_error(tmp_path):
    result = run_newsdesk("check", env={"NEWSDESK_DATA_DIR": str(tmp_path), "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_debug_is_off_by_default():
    from django.conf import settings

    assert settings.DEBUG is False


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas only apply to the embedded database")
    with connection.cursor() as cursor:
        # The in-memory test database can't use WAL; the pragma line itself is what a file database runs.
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000


def test_file_database_is_in_wal_mode(tmp_path):
    result = run_newsdesk(
        "shell",
        "-c",
        "from django.db import connection; c=connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env={"NEWSDESK_DATA_DIR": str(tmp_path)},
    )
    assert last_line(result) == "wal", result.stderr


@pytest.mark.django_db
def test_create_admin_generates_and_prints_a_fresh_password(capsys):
    call_command("create_admin", "--username", "chief")
    out = capsys.readouterr().out
    password = out.split("password '")[1].split("'")[0]
    assert len(password) >= 20
    user = get_user_model().objects.get(username="chief")
    assert user.check_password(password) and user.is_superuser
    call_command("create_admin", "--if-missing")
    assert "exists already" in capsys.readouterr().out
    assert get_user_model().objects.get(username="chief").check_password(password)
    call_command("create_admin", "--username", "chief")
    second = capsys.readouterr().out.split("password '")[1].split("'")[0]
    assert second != password


@pytest.mark.django_db
def test_reader_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
