"""`newsdesk serve`: the site (granian, WSGI) and the background worker as one service — what `make run` runs.

granian replaces a server process that dies (--respawn-failed-workers); this command restarts granian itself
and `newsdesk worker` when either exits, and stops everything on Ctrl-C or SIGTERM (serving/supervisor.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.ops.metrics import MULTIPROC_VARIABLE, prepare_multiproc_dir
from newsdesk.serving.granian import FD_VARIABLE
from newsdesk.serving.supervisor import Program, Supervisor

# Listening on every address: links in pages can name none of them, so they use the loopback one.
WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104 - names them, binds nothing
CONNECTIONS = 2048  # per server process: granian holds a slot for each open connection, idle ones included


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _more_open_files(wanted: int) -> None:
    """Each connection is a file: raise the soft limit (often 1,024) towards the hard one (children too)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def listen(host: str, port: int) -> socket.socket:
    """The site's socket, opened once and handed to every granian (newsdesk/serving/granian.py)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"Cannot listen on {host}:{port} ({exc.strerror}): is another server running "
                           "there? Choose another port, e.g. make run PORT=8001.") from exc  # fmt: skip
    sock.listen(CONNECTIONS)
    sock.set_inheritable(True)
    return sock


def granian(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    header_ms = int(min(60_000, max(1, settings.NEWSDESK_SERVE["HEADER_SECONDS"] * 1000)))
    return [
        sys.executable, "-m", "newsdesk.serving.granian", "newsdesk.wsgi:application",
        "--interface", "wsgi", "--no-ws", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads),
        "--respawn-failed-workers", "--respawn-interval", "0.5", "--workers-kill-timeout", "5",
        "--http1-header-read-timeout", str(header_ms),
        "--backlog", str(CONNECTIONS), "--backpressure", str(CONNECTIONS),
    ]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Serve the site with granian and run the background worker; either is restarted if it dies, "
        "Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.NEWSDESK_SERVE["THREADS"],
            help="threads per server process (default NEWSDESK_SERVE_THREADS or 4); at most half of them "
            "read request bodies at a time",
        )
        parser.add_argument("--no-worker", action="store_true", help="do not run `newsdesk worker`")

    def handle(self, *, host, port, workers, threads, no_worker, **options):
        if not 1 <= port <= 65535 or workers < 1 or threads < 1:
            raise CommandError("--port must be 1-65535, --workers and --threads at least 1.")
        _more_open_files(4 * CONNECTIONS * workers)
        sock = listen(host, port)
        # Metrics of every process it starts, added up by /metrics (newsdesk/ops/metrics.py): emptied now, before
        # any of them writes, and named in their environment.
        metrics_dir = os.environ.get(MULTIPROC_VARIABLE) or str(settings.DATA_DIR / "metrics")
        prepare_multiproc_dir(Path(metrics_dir))
        os.environ[MULTIPROC_VARIABLE] = metrics_dir
        reachable = WILDCARDS.get(host, host)
        served = {"NEWSDESK_HOST": reachable, "NEWSDESK_PORT": str(port)}
        site_url = os.environ.get("NEWSDESK_SITE_URL", "").rstrip("/") or _url(reachable, port)
        programs = [
            Program(
                "web",
                granian(host=host, port=port, workers=workers, threads=threads),
                f"granian WSGI on {_url(host, port)}: {workers} processes x {threads} threads "
                "(granian replaces a process that dies; this command restarts granian)",
                env={
                    **served,
                    "NEWSDESK_SERVE_GUARD": "1",
                    "NEWSDESK_SERVE_THREADS": str(threads),
                    FD_VARIABLE: str(sock.fileno()),
                },
                pass_fds=(sock.fileno(),),
                ready=re.compile(rb"Started worker-(\d+)"),  # granian, once per process that serves
                ready_count=workers,
            )
        ]
        if not no_worker:
            log = settings.DATA_DIR / "worker.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            programs.append(
                Program(
                    "worker",
                    [sys.executable, "-m", "newsdesk", "worker"],
                    f"newsdesk worker: ingest polls, periodic and after-commit jobs; log {log}",
                    env=served,
                    log=log,
                )
            )
        say = self._say
        say(f"Newsdesk: site {site_url}/   newsroom {site_url}/newsroom/")
        say(
            "Links in pages and feeds use this address (set NEWSDESK_SITE_URL for another). Ctrl-C stops all."
        )
        code = Supervisor(programs, say=say).run()
        if code:
            sys.exit(code)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
