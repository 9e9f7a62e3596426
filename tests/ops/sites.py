"""A site in a data folder of its own, driven by the `newsdesk` command in separate processes (as an operator
would), always on SQLite unless a test names a database: the variables that point elsewhere are removed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.stack.stack import ELSEWHERE, ROOT


class Site:
    def __init__(self, data: Path, **env: str) -> None:
        import os

        self.data = data
        data.mkdir(parents=True, exist_ok=True)
        # Its own generated secret key (kept in the data folder, and so in its backups), not the tests' one.
        self.env = {key: value for key, value in os.environ.items() if key not in (*ELSEWHERE, "SECRET_KEY")}
        self.env.update(NEWSDESK_DATA_DIR=str(data), PYTHONUNBUFFERED="1", **env)

    @property
    def db(self) -> Path:
        return self.data / "newsdesk.sqlite3"

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)  # fmt: skip
        if check:
            assert done.returncode == 0, f"newsdesk {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def python(self, script: Path, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(script), *args], cwd=ROOT, env={**self.env, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()
