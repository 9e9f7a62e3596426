"""On PostgreSQL the search document's words and short fields are kept in its row (migration search 0012): the
rank statement reads every candidate's vector, and each one in TOAST was two chunks found through the TOAST
index. Only the body goes to TOAST."""

from __future__ import annotations

import pytest
from django.db import connection

from newsdesk.search.services import search_sync_pending

from .conftest import story

KYIV = (
    "<p>Ukraine's parliament on Thursday passed a law on the status of the Russian language in the country's "
    "regions, after a debate that lasted until late in the evening.</p>"
)


def test_postgres_keeps_the_words_in_the_row_and_the_body_in_toast(backend):
    if backend.vendor != "postgresql":
        pytest.skip("PostgreSQL's storage")
    story("Rada passes language law", KYIV * 40)
    search_sync_pending()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_searchdocument'::regclass"
            " AND attname IN ('vector', 'headline', 'lead', 'keywords', 'tags', 'body')"
        )
        storage = dict(cursor.fetchall())
        cursor.execute(
            "SELECT pg_column_size(vector), length(vector) FROM search_searchdocument"
            " WHERE headline = 'Rada passes language law'"
        )
        stored, words = cursor.fetchone()
    assert storage == {"vector": "m", "headline": "m", "lead": "m", "keywords": "m", "tags": "m", "body": "x"}
    assert stored > 0 and words > 10
