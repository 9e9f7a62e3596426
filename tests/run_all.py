"""`make test`: the whole suite on SQLite, then again on a real, throwaway PostgreSQL server.

PostgreSQL comes from the machine's binaries (Debian's postgresql-15; `.ci/run` installs it). Where they are
missing the second run is skipped with a message, unless NEWSDESK_REQUIRE_POSTGRES=1 (set in CI) makes that a
failure.
"""

import os
import subprocess
import sys

from tests.servers import postgres_server


def pytest(extra_env: dict[str, str], label: str, args: list[str]) -> int:
    print(f"\n=== Newsdesk test suite on {label} ===", flush=True)
    env = {**os.environ, **extra_env}
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    args = sys.argv[1:] or ["-q"]
    status = pytest({}, "SQLite", args)
    try:
        with postgres_server() as url:
            status = pytest({"DATABASE_URL": url}, "PostgreSQL", args) or status
    except FileNotFoundError as exc:
        if os.environ.get("NEWSDESK_REQUIRE_POSTGRES") == "1":
            print(f"PostgreSQL is required but not available: {exc}", flush=True)
            return 1
        print(f"\nPostgreSQL run skipped: {exc} (install Debian's postgresql-15 to run it).", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
