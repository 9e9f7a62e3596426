"""A real PostgreSQL primary with a streaming replica on loopback, from the machine's binaries.

Built beside tests/servers.py's postgres_server() and sharing its helpers: initdb, a primary with WAL for
replication, pg_basebackup -R for the standby, both started as throwaway servers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

from tests.servers import _as_postgres_user, _free_port, _pg_bin, _wait_for_port


@dataclass
class Replication:
    primary_url: str
    replica_url: str
    replica: subprocess.Popen

    def stop_replica(self) -> None:
        self.replica.terminate()
        self.replica.wait(timeout=30)


def _start(data: str, port: int, root: str, creds: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [_pg_bin("postgres"), "-D", data, "-p", str(port), "-k", root, "-c", "listen_addresses=127.0.0.1",
         "-c", "fsync=off", "-c", "full_page_writes=off", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **creds,
    )  # fmt: skip


@contextlib.contextmanager
def streaming_replica() -> Iterator[Replication]:
    creds = _as_postgres_user()
    root = tempfile.mkdtemp(prefix="newsdesk-pg-replica-")
    if creds:
        os.chown(root, creds["user"], creds["group"])
    primary_data, replica_data = os.path.join(root, "primary"), os.path.join(root, "replica")
    primary_port, replica_port = _free_port(), _free_port()
    subprocess.run([_pg_bin("initdb"), "-D", primary_data, "-U", "newsdesk", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL, **creds)  # fmt: skip
    procs = [
        _start(primary_data, primary_port, root, creds, "-c", "wal_level=replica", "-c", "max_wal_senders=4")
    ]
    try:
        _wait_for_port(primary_port, procs[0])
        time.sleep(0.5)  # the port opens a moment before the server accepts replication connections
        subprocess.run([_pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port), "-U", "newsdesk",
                        "-D", replica_data, "-R", "-X", "stream"], check=True, stdout=subprocess.DEVNULL,
                       **creds)  # fmt: skip
        procs.append(_start(replica_data, replica_port, root, creds, "-c", "hot_standby=on"))
        _wait_for_port(replica_port, procs[1])
        yield Replication(
            primary_url=f"postgres://newsdesk@127.0.0.1:{primary_port}/postgres",
            replica_url=f"postgres://newsdesk@127.0.0.1:{replica_port}/postgres",
            replica=procs[1],
        )
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
