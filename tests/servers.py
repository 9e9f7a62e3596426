"""Real throwaway servers for tests: PostgreSQL (and Redis) started from the machine's binaries."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import NoReturn

import pytest


def server_missing(what: str, exc: Exception, hint: str) -> NoReturn:
    """A real server a test needs is not installed: a failure in CI (where .ci/run installs it), else a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: {exc}")
    pytest.skip(f"{hint}: {exc}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"PostgreSQL's {name} was not found")
    return found


def _as_postgres_user() -> dict:
    """initdb refuses to run as root; drop to the 'postgres' (or 'nobody') account when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return {"user": entry.pw_uid, "group": entry.pw_gid}
    raise FileNotFoundError("running as root and no unprivileged account exists for PostgreSQL")


@contextlib.contextmanager
def postgres_server(keep: str | None = None, settings: dict[str, str] | None = None) -> Iterator[str]:
    """A throwaway PostgreSQL server (its files removed when it stops), or with ``keep`` one whose files stay
    in that folder and are used again by the next call with the same folder (a benchmark's kept archive).
    ``settings``: server settings beside the defaults ({"shared_buffers": "4GB"})."""
    initdb, postgres = _pg_bin("initdb"), _pg_bin("postgres")
    creds = _as_postgres_user()
    root = keep or tempfile.mkdtemp(prefix="newsdesk-pg-")
    os.makedirs(root, exist_ok=True)
    if creds:
        os.chown(root, creds["user"], creds["group"])
    data = os.path.join(root, "data")
    port = _free_port()
    if not os.path.isdir(data):
        subprocess.run(
            [initdb, "-D", data, "-U", "newsdesk", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            stdout=subprocess.DEVNULL,
            **creds,
        )
    proc = subprocess.Popen(
        [postgres, "-D", data, "-p", str(port), "-k", root, "-c", "listen_addresses=127.0.0.1",
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
         *[arg for name, value in (settings or {}).items() for arg in ("-c", f"{name}={value}")]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **creds,
    )  # fmt: skip
    try:
        _wait_for_port(port, proc)
        yield f"postgres://newsdesk@127.0.0.1:{port}/postgres"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not listen on port {port} within {timeout}s")


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if not binary:
        raise FileNotFoundError("redis-server was not found")
    port = _free_port()
    root = tempfile.mkdtemp(prefix="newsdesk-redis-")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            root,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
