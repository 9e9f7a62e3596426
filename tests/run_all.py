"""`make test`: the whole suite on SQLite and, beside it, again on a real, throwaway PostgreSQL server; and the
time-sensitive tests again in America/New_York (daylight saving time) and in UTC, on SQLite (the suite's own
zone, the site's default Europe/Moscow, has no DST, so a DST bug could not show there).

The PostgreSQL run leaves out the browser tests: what they add over the other tests is the page in Chromium
(scripts, layout, axe), which does not depend on the database; every database path they touch is run on
PostgreSQL by the other tests. It keeps `make test` well under 20 minutes.

The SQLite run goes in one lane; the PostgreSQL run and then the zones' reruns go beside it, in a second. On
two cores the suite is often waiting (on Chromium, on the servers it starts, on PostgreSQL), so the lanes
overlap: on the project's two-core machine 20.3 min one after another, 11.8-14.5 min in two lanes. The second
lane's output is kept in a file and printed whole when the first has ended, so the two never interleave. On
a one-core machine the second lane runs after the first.

PostgreSQL comes from the machine's binaries (Debian's postgresql-15; `.ci/run` installs it). Where they are
missing the second run is skipped with a message, unless NEWSDESK_REQUIRE_POSTGRES=1 (set in CI) makes that a
failure.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import threading

from tests.servers import postgres_server

ZONES = ("America/New_York", "UTC")
# Dates, days, times and windows: archive days, feed day headings, search date filters, sitemaps and feeds'
# dates, scheduled releases, backfill, Most read windows, the header clock, rate history, the newsroom desk.
TIME_SENSITIVE = [
    "tests/news", "tests/site/test_pages.py", "tests/site/test_feed.py", "tests/site/test_page_frame.py",
    "tests/site/test_queries.py", "tests/search/test_contract.py", "tests/search/test_views.py",
    "tests/search/test_query.py", "tests/syndication/test_feeds.py", "tests/syndication/test_api.py",
    "tests/syndication/test_sitemaps.py", "tests/syndication/test_newsml.py", "tests/syndication/test_websub.py",
    "tests/pipeline/test_backfill.py", "tests/analytics/test_most_read.py", "tests/weather/test_clock.py",
    "tests/markets", "tests/ingest/test_formats.py", "tests/newsroom/test_desk.py",
    "tests/newsroom/test_conflicts.py",
]  # fmt: skip


def pytest_process(extra_env: dict[str, str], label: str, args: list[str], log) -> subprocess.Popen:
    """Start one pytest run; its output goes to `log` (or straight through when it is None)."""
    env = {**os.environ, **extra_env}
    if log is None:
        print(f"\n=== Newsdesk test suite on {label} ===", flush=True)
    else:
        log.write(f"\n=== Newsdesk test suite on {label} ===\n".encode())
        log.flush()
    return subprocess.Popen([sys.executable, "-m", "pytest", *args], env=env, stdout=log, stderr=log)


def pytest(extra_env: dict[str, str], label: str, args: list[str]) -> int:
    return pytest_process(extra_env, label, args, None).wait()


def replay(log) -> None:
    log.seek(0)
    sys.stdout.buffer.write(log.read())
    sys.stdout.flush()


def main() -> int:
    args = sys.argv[1:] or ["-q"]
    whole = all(arg.startswith("-") for arg in args)  # the whole suite, not a chosen test
    # The second lane: PostgreSQL, then the zones' reruns, one after another, into a file.
    lane: list[tuple[dict[str, str], str, list[str]]] = []
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_server())
        except FileNotFoundError as exc:
            if os.environ.get("NEWSDESK_REQUIRE_POSTGRES") == "1":
                print(f"PostgreSQL is required but not available: {exc}", flush=True)
                return 1
            print(f"\nPostgreSQL run skipped: {exc} (install Debian's postgresql-15 to run it).", flush=True)
        else:
            postgres_args = [*args, "-m", "not browser"] if whole else args
            label = "PostgreSQL (browser tests on SQLite only)" if whole else "PostgreSQL"
            lane.append(({"DATABASE_URL": url}, label, postgres_args))
        if whole:
            for zone in ZONES:
                zoned = [*TIME_SENSITIVE, *args, "-m", "not browser"]
                lane.append(
                    ({"NEWSDESK_TEST_TIME_ZONE": zone}, f"SQLite, the time-sensitive tests in {zone}", zoned)
                )
        log = stack.enter_context(tempfile.TemporaryFile())
        statuses: list[int] = []
        second = threading.Thread(
            target=lambda: statuses.extend(pytest_process(*run, log).wait() for run in lane), daemon=True
        )
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        beside = cores >= 2  # on one core, one lane after the other
        if beside:
            second.start()
        status = pytest({}, "SQLite", args)
        if not beside:
            second.start()
        second.join()
        replay(log)
    return status or next((code for code in statuses if code), 0)


if __name__ == "__main__":
    sys.exit(main())
