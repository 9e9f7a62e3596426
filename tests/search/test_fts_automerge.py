"""FTS5 merges its segments lazily on SQLite (automerge 16): what keeps ingest as cheap at 1,000,000 articles as on
an empty site (docs/wire.md). Set by migration 0008 on existing databases and by the engine's schema on new ones."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'sqlite'")]


def automerge() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM search_fts_config WHERE k = 'automerge'")
        return cursor.fetchone()[0]


def test_the_index_merges_at_sixteen_segments():
    assert automerge() == 16


def test_the_migration_sets_it_on_an_existing_index_and_takes_it_back():
    migration = importlib.import_module("newsdesk.search.migrations.0008_fts_automerge")
    # The migration's own functions, with the schema editor's two members they use (a real schema editor
    # cannot open inside the test's transaction on SQLite).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.backwards(None, editor)
    assert automerge() == 4
    migration.forwards(None, editor)
    assert automerge() == 16
