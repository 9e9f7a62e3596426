"""search.W001: a PostgreSQL server whose shared_buffers is smaller than the search index is named by `newsdesk
check --database default` (and by `migrate`, which runs the same checks), on real servers: one at the
smallest shared_buffers PostgreSQL takes, one at its default."""

from __future__ import annotations

from tests.ops.restartable import wait_accepting
from tests.ops.sites import Site
from tests.servers import postgres_server, server_missing


def _site_on(tmp_path, settings: dict[str, str]):
    try:
        server = postgres_server(settings=settings)
        url = server.__enter__()
    except FileNotFoundError as exc:
        server_missing("PostgreSQL", exc, "the shared_buffers check needs Debian's postgresql-15")
    wait_accepting(url)
    return server, Site(tmp_path, DATABASE_URL=url)


def test_check_names_a_postgres_server_whose_memory_is_smaller_than_the_search_index(tmp_path):
    stories = "from tests.factories import ArticleFactory\nfor n in range(30): ArticleFactory()"
    small, site = _site_on(tmp_path / "small", {"shared_buffers": "128kB", "max_connections": "10"})
    try:
        site.run("migrate", "--no-input", "-v0")
        site.run("shell", "-c", stories)
        site.run("reindex")
        checked = site.run("check", "--database", "default")
        assert "search.W001" in checked.stderr and "shared_buffers (128kB)" in checked.stderr
        assert "quarter of the database machine's memory" in checked.stderr
    finally:
        small.__exit__(None, None, None)
    default, site = _site_on(tmp_path / "default", {})
    try:
        site.run("migrate", "--no-input", "-v0")
        site.run("shell", "-c", stories)
        site.run("reindex")
        checked = site.run("check", "--database", "default")
        assert "search.W001" not in checked.stdout + checked.stderr
        assert "no issues" in checked.stdout
    finally:
        default.__exit__(None, None, None)


def test_check_says_nothing_of_memory_on_sqlite(tmp_path):
    site = Site(tmp_path)
    site.run("migrate", "--no-input", "-v0")
    checked = site.run("check", "--database", "default")
    assert "search.W001" not in checked.stdout + checked.stderr and "no issues" in checked.stdout
