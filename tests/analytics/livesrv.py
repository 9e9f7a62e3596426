"""The real server (granian, as `make run` starts it) on a throwaway SQLite database, for tests and benchmarks."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.servers import _free_port, _wait_for_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

MAKE_ARTICLES = """
import json
from django.utils import timezone
from newsdesk.news.models import Article, Section
from tests.factories import HEADLINES
section = Section.objects.get(slug="politics")
ids = []
for n in range({count}):
    a = Article.objects.create(headline=HEADLINES[n % len(HEADLINES)] + f" ({{n}})", slug=f"bench-{{n}}",
        body="<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations.</p>",
        section=section, status="published", publish_at=timezone.now(), first_published_at=timezone.now())
    ids.append(a.public_id)
print(json.dumps(ids))
"""


def server_env(data_dir: str, **extra: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "ANALYTICS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=data_dir, SECRET_KEY="bench-" + "x" * 40,
        ANALYTICS_RATE_LIMIT_PER_MINUTE="0", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT), **extra,
    )  # fmt: skip
    return env


def prepare_site(env: dict, *, articles: int, static: bool = False) -> list[int]:
    """Migrate a fresh database and publish ``articles`` articles; returns their public ids."""
    out = build_site(env, MAKE_ARTICLES.format(count=articles), static=static)
    return json.loads(out.strip().splitlines()[-1])


def build_site(env: dict, code: str, *, static: bool = True) -> str:
    """Migrate a fresh database (and collect static files), then run ``code`` in the project's shell; returns
    what it printed."""
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(BIN / "newsdesk"), "migrate", "--no-input", "-v0"], **run)
    if static:
        subprocess.run([str(BIN / "newsdesk"), "collectstatic", "--no-input", "-v0"], **run)
    return subprocess.run([str(BIN / "newsdesk"), "shell", "-c", code], **run).stdout


@contextlib.contextmanager
def granian(env: dict, *, workers: int = 2, port: int | None = None):
    """Start granian like `make run`; yields (port, process). Killed hard if still running at the end."""
    port = port or _free_port()
    cmd = [
        str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--blocking-threads", "1", "--no-ws", "newsdesk.wsgi:application",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc)
        yield port, proc
    finally:
        kill_hard(proc)


def kill_hard(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_hard(proc)


def temp_data_dir() -> str:
    path = tempfile.mkdtemp(prefix="newsdesk-live-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)  # after the servers the test stops
    os.makedirs(os.path.join(path, "static"))  # whitenoise warns about a missing STATIC_ROOT
    return path
