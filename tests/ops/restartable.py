"""PostgreSQL and Redis servers a test can stop and start again on the same port with the same data, and the
site's WSGI application served in a process of its own, for /readyz's tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from tests.servers import _as_postgres_user, _free_port, _pg_bin, _wait_for_port
from tests.stack.stack import ROOT


def wait_accepting(url: str, timeout: float = 60) -> None:
    """PostgreSQL listens before it accepts sessions ("the database system is starting up"): wait for one."""
    import time

    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # polled: PostgreSQL gives no other signal that it is ready


class Postgres:
    def __init__(self) -> None:
        self.initdb, self.binary = _pg_bin("initdb"), _pg_bin("postgres")
        self.creds = _as_postgres_user()
        self.root = tempfile.mkdtemp(prefix="newsdesk-pg-")
        if self.creds:
            os.chown(self.root, self.creds["user"], self.creds["group"])
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        subprocess.run([self.initdb, "-D", self.data, "-U", "newsdesk", "--auth=trust", "-E", "UTF8",
                        "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL, **self.creds)  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://newsdesk@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-D", self.data, "-p", str(self.port), "-k", self.root, "-c", "listen_addresses=127.0.0.1",
             "-c", "fsync=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **self.creds,
        )  # fmt: skip
        _wait_for_port(self.port, self.process)
        wait_accepting(self.url)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # the fast shutdown: ends the clients' sessions too
            self.process.wait(timeout=60)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise FileNotFoundError("redis-server was not found")
        self.port = _free_port()
        self.root = tempfile.mkdtemp(prefix="newsdesk-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", self.root], stdout=subprocess.DEVNULL)  # fmt: skip
        _wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


SERVE = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from newsdesk.wsgi import application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=Quiet).serve_forever()
"""


def serve(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SERVE, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
