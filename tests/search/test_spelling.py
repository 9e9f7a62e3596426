"""Did-you-mean's choice of spelling, on both back ends (conftest.backend): of a misspelt word's one-edit
neighbours in the index, the one in the most documents, then the first term; every misspelt word of a query
respelt, all from one read of the index's words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.search import selectors
from newsdesk.search.models import SearchTerm
from newsdesk.search.selectors import search_articles
from newsdesk.search.services import search_index_articles, search_sync_pending

from .conftest import story


def _stories(*headlines: str) -> None:
    for n, headline in enumerate(headlines):
        story(headline, f"<p>{headline}.</p>", hours_ago=1 + n)
    search_sync_pending()


def test_the_spelling_in_most_documents_wins(backend):
    _stories("Kamaz trucks for Manila", "Kamaz trucks for Davao", "Kamaz tracks the orders")
    assert search_articles(q="kamz trxcks").did_you_mean == "kamaz trucks"


def test_a_word_that_only_an_edit_brings_is_a_spelling_too(backend):
    """The spelling list counted the words of new documents only: a name spelt right by an edit ("Ryabkov" for
    "Ryabkof") was never suggested, and a word typed whole was never broken into it."""
    from newsdesk.news.models import Article

    article = story("Ryabkof says Moscow is concerned", "<p>Deputy Foreign Minister Ryabkof said.</p>")
    search_sync_pending()
    Article.objects.filter(pk=article.pk).update(
        headline="Ryabkov says Moscow is concerned", body="<p>Deputy Foreign Minister Ryabkov said.</p>"
    )
    search_index_articles(article_ids=[article.pk])
    assert search_articles(q="ryabkv").did_you_mean == "ryabkov"
    assert search_articles(q="ryabkovsays").total == 1  # "Ryabkov says" side by side
    search_index_articles(article_ids=[article.pk])  # indexed again: counted once
    assert SearchTerm.objects.get(term="ryabkov").doc_count == 1


def test_a_tie_goes_to_the_first_term(backend):
    _stories("Kamaz trucks for Manila", "Kamaz tracks the orders")
    assert search_articles(q="kamz trxcks").did_you_mean == "kamaz tracks"


def test_every_misspelt_word_is_respelt_from_one_read(backend):
    _stories("Kamaz trucks for Manila", "Kamaz trucks for Davao", "Kamaz tracks the orders")
    search_articles(q="kamz trxcks")  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.did_you_mean(query=selectors.parse("kamz trxcks manla"), within=_visible()) == (
            "kamaz trucks manila"
        )
    # The query's known words, then the unknown words' spellings (then the respelt query is run).
    reads = [q["sql"] for q in ctx.captured_queries if "search_searchterm" in q["sql"]]
    assert len(reads) == 2, reads


@pytest.mark.parametrize("per_read", [1, 7, 100])
def test_spellings_read_in_parts_choose_alike(backend, monkeypatch, per_read):
    """A query with more spellings than one read takes (a long misspelt query) is answered the same."""
    _stories("Kamaz trucks for Manila", "Kamaz trucks for Davao", "Kamaz tracks the orders", "Kamaz truck")
    monkeypatch.setattr(selectors, "_SPELLINGS_PER_READ", per_read)
    assert search_articles(q="kamz trxcks manla").did_you_mean == "kamaz trucks manila"
    assert search_articles(q="kamz trxck").did_you_mean == "kamaz truck"


def _visible():
    from django.utils import timezone

    return selectors.gated_articles(filters=selectors.SearchFilters(), at=timezone.now())


def test_the_whole_term_of_an_ampersand_name_is_indexed_but_never_a_spelling(backend):
    from newsdesk.search.documents import build_document, spelling_words

    document = build_document(
        story("AT&T agrees to buy Time Warner", "<p>AT&amp;T will pay $85 billion.</p>")
    )
    assert "atandt" in document.keywords.split()
    assert "atandt" not in spelling_words(document) and "warner" in spelling_words(document)
