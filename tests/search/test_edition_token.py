"""The edition's token in the index (documents.language_token), on both back ends (conftest.backend): a
non-English document carries its edition's token, an edition's search is narrowed by it inside the engine
(a Latin word on /ru/ does not walk the English matches; a Russian query of Cyrillic words alone is left
to the gate), the result is what the gate alone gives, and
migration 0009 adds it to the documents indexed before it (and takes it away going back)."""

import importlib

import pytest
from django.db import connection

from newsdesk.search.backends import get_backend
from newsdesk.search.documents import filter_groups, language_token
from newsdesk.search.models import SearchDocument
from newsdesk.search.selectors import search_articles
from newsdesk.search.services import search_sync_pending

from .test_russian import russian

RU = language_token("ru")


def ids(result) -> list[int]:
    return [hit.article.pk for hit in result.hits]


@pytest.fixture
def editions(backend):
    found = {
        "english": russian(
            "Putin meets Xi in Beijing", "<p>Vladimir Putin met Xi Jinping.</p>", language="en"
        ),
        "older_english": russian(
            "Putin visits Minsk", "<p>Putin arrived in Minsk.</p>", hours_ago=3, language="en"
        ),
        "russian": russian("Интервью: Putin о переговорах", "<p>Путин ответил на вопросы.</p>", hours_ago=2),
    }
    search_sync_pending()
    return found


def test_only_other_editions_documents_carry_a_token(editions):
    assert RU == "xl114117"
    tags = dict(SearchDocument.objects.values_list("article_id", "tags"))
    assert RU in tags[editions["russian"].pk].split()
    assert not any(t.startswith("xl") for t in tags[editions["english"].pk].split())
    assert filter_groups(language="ru") == ((RU,),) and filter_groups(language="en") == ()


def test_an_editions_search_is_narrowed_by_its_token_inside_the_engine(editions, monkeypatch):
    backend = get_backend()
    seen = []
    real = type(backend).search

    def spy(self, query, **kwargs):
        seen.append(kwargs["tags"])
        return real(self, query, **kwargs)

    monkeypatch.setattr(type(backend), "search", spy)
    assert ids(search_articles(q="Putin", language="ru")) == [editions["russian"].pk]
    english = {editions["english"].pk, editions["older_english"].pk}
    assert set(ids(search_articles(q="Putin", language="en"))) == english
    # A Russian query of Cyrillic words alone is left to the gate (English stories hold few such words);
    # one with any other word is narrowed.
    assert ids(search_articles(q="Путин", language="ru")) == [editions["russian"].pk]
    assert ids(search_articles(q="Путин Putin", language="ru")) == [editions["russian"].pk]
    assert seen == [((RU,),), (), (), ((RU,),)]
    # A document the index does not hold as its edition's is not found in it: the engine, not the gate, did
    # the narrowing (SQLite: the other editions' index; PostgreSQL: the document's language, through the
    # other editions' index).
    unmark(editions["russian"].pk)
    assert ids(search_articles(q="Putin", language="ru")) == []


def unmark(pk: int) -> None:
    """Make a Russian story's document look to the engine as an English one (its article stays Russian)."""
    SearchDocument.objects.filter(pk=pk).update(language="en")


def test_postgres_narrows_by_language_even_when_the_token_is_broad(editions, monkeypatch):
    """On PostgreSQL the edition's token is in half the documents of a two-edition archive, more than
    ``BROAD_TOKEN``: it still narrows, by the documents' language in the id windows."""
    from newsdesk.search.backends import postgres
    from newsdesk.search.query import parse

    backend = get_backend()
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's narrowing by language (SQLite's is the token in the index)")
    monkeypatch.setattr(type(backend), "_broad_tokens", lambda self: {RU})
    match, params = backend._match_sql(parse("Putin", language="ru"), "q", ((RU,),))
    assert "doc.language = %s" in match and params == ["ru"] and "to_tsquery('simple'" not in match
    assert ids(search_articles(q="Putin", language="ru")) == [editions["russian"].pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_vector_editions'")
        assert "gin (vector) WHERE ((language)::text <> 'en'::text)" in cursor.fetchone()[0]
    assert postgres.LANGUAGE_INDEX_SCHEMA


def test_a_reader_typing_the_token_finds_nothing(editions):
    assert search_articles(q=RU, language="ru").hits == []
    assert search_articles(q=f"Putin {RU}", language="ru").all_words == 0  # only the any-words fallback


def test_the_migration_adds_the_token_and_takes_it_away(editions):
    migration = importlib.import_module("newsdesk.search.migrations.0009_edition_token")
    pk = editions["russian"].pk
    SearchDocument.objects.filter(pk=pk).update(tags=SearchDocument.objects.get(pk=pk).tags.replace(RU, ""))
    assert migration.retag(connection, add=True, batch=1) == 1
    assert RU in SearchDocument.objects.get(pk=pk).tags.split()
    assert ids(search_articles(q="Putin", language="ru")) == [pk]
    assert migration.retag(connection, add=True) == 0  # nothing left to do
    english = dict(SearchDocument.objects.filter(language="en").values_list("article_id", "tags"))
    assert migration.retag(connection, add=False) == 1
    assert RU not in SearchDocument.objects.get(pk=pk).tags
    assert dict(SearchDocument.objects.filter(language="en").values_list("article_id", "tags")) == english
