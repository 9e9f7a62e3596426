"""Settings `newsdesk serve` depends on: the site URL follows the served host and port; live transport
choices."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = (
    "NEWSDESK_SITE_URL",
    "NEWSDESK_HOST",
    "NEWSDESK_PORT",
    "NEWSDESK_LIVE_TRANSPORT",
    "DJANGO_SETTINGS_MODULE",
)


def setting(name: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in NAMES}
    code = f"import newsdesk.settings as s; print(s.{name})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean, "NEWSDESK_DATA_DIR": str(tmp_path), **env})  # fmt: skip


@pytest.mark.parametrize(
    "env, url",
    [({}, "http://127.0.0.1:8000"),
     ({"NEWSDESK_PORT": "8100"}, "http://127.0.0.1:8100"),
     ({"NEWSDESK_HOST": "::1", "NEWSDESK_PORT": "8100"}, "http://[::1]:8100"),
     ({"NEWSDESK_PORT": "81", "NEWSDESK_SITE_URL": "https://news.example.org/"}, "https://news.example.org")],
)  # fmt: skip
def test_the_site_url_follows_the_served_port_unless_set(tmp_path, env, url):
    assert setting("NEWSDESK_SITE_URL", tmp_path, **env).stdout.strip() == url


def test_an_unknown_live_transport_is_a_clear_configuration_error(tmp_path):
    result = setting("NEWSDESK_LIVE_TRANSPORT", tmp_path, NEWSDESK_LIVE_TRANSPORT="websocket")
    assert result.returncode != 0
    assert "NEWSDESK_LIVE_TRANSPORT='websocket': use poll (the default) or sse" in result.stderr
