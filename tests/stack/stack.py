"""The `make run` stack as a test sees it: started with the Makefile's own serve line, in a data folder.

The stack always runs embedded (SQLite, no Redis), like a first `make run`: the variables that point elsewhere
are removed from its environment, so a test run against PostgreSQL never lets it touch that database.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
# Short deadlines, so that the tests wait seconds, not tens of seconds; the behaviour is the same.
DEADLINES = {
    "NEWSDESK_SERVE_BODY_SECONDS": "3",
    "NEWSDESK_SERVE_SILENT_SECONDS": "3",
    "NEWSDESK_SERVE_HEADER_SECONDS": "3",
}
ELSEWHERE = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "NEWSDESK_PURGE_URLS", "NEWSDESK_SITE_URL",
             "DJANGO_SETTINGS_MODULE", "NEWSDESK_HOST", "NEWSDESK_PORT")  # fmt: skip
PATIENCE = 120.0  # seconds: the machine may be busy; every wait is for a condition, never a fixed time


def wait_for(condition: Callable[[], object], *, timeout: float = PATIENCE, what: str) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Processes, from /proc (no psutil) --------------------------------------------------------------------------
def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int) -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and parent_of(int(name)) == pid]


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            found.add(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as raw:
            return raw.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# HTTP -------------------------------------------------------------------------------------------------------
def request(port: int, path: str, *, method: str = "GET", headers: dict | None = None, timeout: float = 60.0):
    """(status, headers, body) over a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def answers(port: int, path: str = "/robots.txt") -> bool:
    with contextlib.suppress(OSError, http.client.HTTPException):
        return request(port, path, timeout=5)[0] == 200
    return False


# The stack --------------------------------------------------------------------------------------------------
class Stack:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.env = {key: value for key, value in os.environ.items() if key not in ELSEWHERE}
        self.env.update(NEWSDESK_DATA_DIR=str(data), PYTHONUNBUFFERED="1", **DEADLINES)
        self.log = data / "serve.log"
        self.process: subprocess.Popen | None = None

    def newsdesk(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, f"newsdesk {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def prepare(self) -> None:
        self.newsdesk("migrate", "--no-input", "-v0")
        self.newsdesk("collectstatic", "--no-input", "-v0")
        self.ingest([f"Stack story {n}: talks in Moscow on day {n}" for n in range(3)])

    def ingest(self, headlines: list[str]) -> None:
        """Publish stories the way a wire does (`newsdesk ingest --publish` of a ninjs file)."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        items = [
            {"uri": f"urn:stack:{uuid.uuid4().hex}", "type": "text", "headline": headline,
             "body_text": f"{headline}. Officials said on the record that the talks would go on. " * 3,
             "versioncreated": now, "firstcreated": now}
            for headline in headlines
        ]  # fmt: skip
        path = self.data / f"wire-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(items))
        self.newsdesk("ingest", "--publish", "--section", "politics", str(path))

    def serve_command(self) -> list[str]:
        """The serve line of `make run` (make -n), for this port and this interpreter's environment."""
        venv = Path(sys.executable).parent.parent
        make = ["make", "-n", "run", "HOST=127.0.0.1", f"PORT={self.port}", f"WORKERS={WORKERS}"]
        make.append(f"VENV={venv}")
        shown = subprocess.run(make, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        line = next(line for line in shown.splitlines() if " serve " in line)
        argv = shlex.split(line)
        return argv[1:] if argv[0] == "exec" else argv

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.serve_command(), cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)  # fmt: skip
        self.wait_ready()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    # What runs ----------------------------------------------------------------------------------------------
    def child(self, word: str) -> int | None:
        assert self.process is not None
        found = [pid for pid in children(self.process.pid) if word in cmdline(pid) and alive(pid)]
        return found[0] if len(found) == 1 else None

    def granian(self) -> int | None:
        return self.child("granian")

    def worker(self) -> int | None:
        return self.child("newsdesk worker")

    def granian_workers(self) -> list[int]:
        main = self.granian()
        return [pid for pid in children(main) if alive(pid)] if main else []

    def all_started(self) -> bool:
        """granian has said, for each of its worker processes, that the latest one spawned has started."""
        state: dict[str, str] = {}
        for line in self.output().splitlines():
            if "Starting granian" in line:
                state.clear()
            for word in ("Spawning", "Started"):
                if f"{word} worker-" in line:
                    state[line.split(f"{word} worker-")[1].split()[0]] = word
        return len(state) == WORKERS and set(state.values()) == {"Started"}

    def wait_ready(self) -> None:
        """Serving with every granian worker process, and the background worker running."""
        assert self.process is not None

        def ready() -> bool:
            assert self.process.poll() is None, f"newsdesk serve exited:\n{self.output()}"
            return len(self.granian_workers()) == WORKERS and bool(self.worker()) and self.all_started()

        wait_for(ready, what=f"the stack to serve on port {self.port}:\n{self.output()}")
        wait_for(lambda: answers(self.port), what="the site to answer")

    def stop(self, signum: int = signal.SIGTERM) -> set[int]:
        """Ask the stack to stop; returns every process it had, for the caller to check they are gone."""
        assert self.process is not None
        everything = descendants(self.process.pid) | {self.process.pid}
        self.process.send_signal(signum)
        self.process.wait(timeout=PATIENCE)
        return everything

    def kill_leftovers(self, pids: set[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
