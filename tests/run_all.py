"""`make test`: the whole suite on SQLite, then again on a real, throwaway PostgreSQL server; and the
time-sensitive tests again in America/New_York (daylight saving time) and in UTC, on SQLite (the suite's own
zone, the site's default Europe/Moscow, has no DST, so a DST bug could not show there).

The PostgreSQL run leaves out the browser tests: what they add over the other tests is the page in Chromium
(scripts, layout, axe), which does not depend on the database; every database path they touch is run on
PostgreSQL by the other tests. It keeps `make test` well under CI's 20 minutes.

PostgreSQL comes from the machine's binaries (Debian's postgresql-15; `.ci/run` installs it). Where they are
missing the second run is skipped with a message, unless NEWSDESK_REQUIRE_POSTGRES=1 (set in CI) makes that a
failure.
"""

import os
import subprocess
import sys

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


def pytest(extra_env: dict[str, str], label: str, args: list[str]) -> int:
    print(f"\n=== Newsdesk test suite on {label} ===", flush=True)
    env = {**os.environ, **extra_env}
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    args = sys.argv[1:] or ["-q"]
    status = pytest({}, "SQLite", args)
    if all(arg.startswith("-") for arg in args):  # the whole suite (not a chosen test): its zones too
        for zone in ZONES:
            label = f"SQLite, the time-sensitive tests in {zone}"
            zoned = [*TIME_SENSITIVE, *args, "-m", "not browser"]
            status = pytest({"NEWSDESK_TEST_TIME_ZONE": zone}, label, zoned) or status
    try:
        with postgres_server() as url:
            on_postgres = [*args, "-m", "not browser"] if all(arg.startswith("-") for arg in args) else args
            status = (
                pytest({"DATABASE_URL": url}, "PostgreSQL (browser tests on SQLite only)", on_postgres)
                or status
            )
    except FileNotFoundError as exc:
        if os.environ.get("NEWSDESK_REQUIRE_POSTGRES") == "1":
            print(f"PostgreSQL is required but not available: {exc}", flush=True)
            return 1
        print(f"\nPostgreSQL run skipped: {exc} (install Debian's postgresql-15 to run it).", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
