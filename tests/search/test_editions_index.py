"""SQLite's other editions' index (backends/sqlite.py, EDITIONS_FTS; migration 0011): every document of an
edition but the default one, a second time, in an FTS5 table of its own, kept in step by triggers as documents
are written, change language or go; an edition's search narrowed by its token reads it, with the results the
whole archive's index gives; the migration makes it from the documents already stored."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.search.backends import get_backend
from newsdesk.search.backends.sqlite import EDITIONS_FTS
from newsdesk.search.documents import language_token
from newsdesk.search.models import SearchDocument
from newsdesk.search.selectors import search_articles
from newsdesk.search.services import search_sync_pending

from .test_russian import russian


@pytest.fixture
def sqlite(backend):
    if backend.vendor != "sqlite":
        pytest.skip("SQLite's other editions' index (PostgreSQL narrows by the documents' language)")
    return backend


def held() -> set[int]:
    """The documents in the other editions' index."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {EDITIONS_FTS}_docsize")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def matches(words: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {EDITIONS_FTS} WHERE {EDITIONS_FTS} MATCH %s", [words])  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def ids(result) -> list[int]:
    return [hit.article.pk for hit in result.hits]


def intact() -> None:
    with connection.cursor() as cursor:  # raises on a posting without its row or a row without its postings
        cursor.execute(f"INSERT INTO {EDITIONS_FTS}({EDITIONS_FTS}) VALUES ('integrity-check')")  # noqa: S608


@pytest.fixture
def stories(sqlite):
    found = {
        "russian": russian("Интервью: Twitter и Putin", "<p>Путин ответил на вопросы о Twitter.</p>"),
        "older": russian("Putin в Минске", "<p>Президент прибыл в Минск.</p>", hours_ago=5),
        "english": russian("Putin on Twitter", "<p>Vladimir Putin wrote on Twitter.</p>", language="en"),
    }
    search_sync_pending()
    return found


def test_only_other_editions_documents_are_held_and_kept_in_step(stories):
    russian_ids = {stories["russian"].pk, stories["older"].pk}
    assert held() == russian_ids
    assert matches("twitter") == {stories["russian"].pk}
    # Text changed: the new words found, the old ones gone.
    SearchDocument.objects.filter(pk=stories["russian"].pk).update(
        headline="Интервью: Telegram", lead="Песков ответил.", body="Песков ответил о Telegram."
    )
    assert matches("telegram") == {stories["russian"].pk} and matches("twitter") == set()
    # Language changed: the document leaves the index, or enters it.
    SearchDocument.objects.filter(pk=stories["older"].pk).update(language="en")
    SearchDocument.objects.filter(pk=stories["english"].pk).update(language="ru")
    assert held() == {stories["russian"].pk, stories["english"].pk}
    assert matches("putin") == {stories["english"].pk}  # the Russian one no longer names him
    SearchDocument.objects.filter(pk=stories["russian"].pk).delete()
    assert held() == {stories["english"].pk} and matches("telegram") == set()
    intact()


def test_an_editions_search_reads_it_and_finds_what_the_gate_alone_finds(stories):
    with CaptureQueriesContext(connection) as queries:
        latin = ids(search_articles(q="Putin Twitter", language="ru"))
    # All the words, then the fallback's matches of some of them (from the same index).
    assert latin == [stories["russian"].pk, stories["older"].pk]
    assert any(f"FROM {EDITIONS_FTS} CROSS JOIN" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:  # the default edition reads the whole archive's
        assert ids(search_articles(q="Putin Twitter", language="en")) == [stories["english"].pk]
    assert not any(EDITIONS_FTS in q["sql"] for q in queries.captured_queries)


def test_the_migration_makes_it_from_the_documents_stored_and_takes_it_away(stories):
    migration = importlib.import_module("newsdesk.search.migrations.0011_editions_index")
    # The migration's own functions, with the schema editor's two members they use (a real schema editor
    # cannot open inside the test's transaction on SQLite).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE %s", [f"{EDITIONS_FTS}%"])
        assert cursor.fetchone()[0] == 0  # the table, its shadow tables and the triggers
    russian("Putin и Twitter снова", "<p>Ещё одно интервью.</p>", hours_ago=3)  # written while it is gone
    search_sync_pending()
    migration.forwards(None, editor)
    migration.forwards(None, editor)  # again: made anew, nothing twice
    assert held() == set(SearchDocument.objects.exclude(language="en").values_list("pk", flat=True))
    assert len(held()) == 3 and len(matches("twitter")) == 2
    intact()


def test_clearing_the_index_empties_it(stories):
    get_backend().clear()
    assert held() == set()
    intact()


def test_with_more_editions_the_token_tells_them_apart(stories, settings):
    """With one edition besides the default, every document of the other editions' index is that edition's
    and the token is left out; with two, the token narrows among them."""
    pk = stories["russian"].pk
    german = SearchDocument.objects.get(pk=pk).tags.replace(language_token("ru"), language_token("de"))
    SearchDocument.objects.filter(pk=pk).update(language="de", tags=german)  # the engine's view: German
    assert ids(search_articles(q="Putin Twitter", language="ru"))[0] == pk  # the gate reads the article
    settings.LANGUAGES = [("en", "English"), ("ru", "Russian"), ("de", "German")]
    with CaptureQueriesContext(connection) as queries:
        assert pk not in ids(search_articles(q="Putin Twitter", language="ru"))
    assert any("tags : " in q["sql"] for q in queries.captured_queries)  # the token, in the MATCH
