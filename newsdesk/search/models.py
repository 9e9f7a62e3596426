"""The search index's own rows: one document per article (plain text, as indexed) and a word list for
"did you mean". The engine-specific parts (SQLite FTS5 table and triggers, PostgreSQL tsvector column and GIN
index) are created by this app's migrations for the database in use; see backends/.
"""

from django.db import models

from newsdesk.news.models import Article


class SearchDocument(models.Model):
    """What the engine indexes for one article, in any status (the newsroom searches drafts too).

    Readers never see a document directly: every reader query joins back to ``Article.objects.published``.
    """

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="+")
    headline = models.TextField()
    lead = models.TextField(blank=True)  # the article's lead, or when it has none the body's opening words
    body = models.TextField(blank=True)
    keywords = models.TextField(blank=True, help_text="Persons, topics and dateline place.")
    # The filters an article answers to, as index tokens ("xs3 xp120 xt45": section, persons, topics): an
    # engine that indexes them intersects a filter with the words inside its index (see backends/sqlite.py).
    tags = models.TextField(blank=True, help_text="Section, person and topic tokens for filtering.")
    # The article's language: how the engine analyses the text (search/analysis.py: Russian is stemmed with
    # the Russian Snowball stemmer on both engines) and which edition's search finds it.
    language = models.CharField(max_length=10, default="en")
    # The article's modified_at when this document was built: a mismatch means the document is stale.
    source_modified_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["source_modified_at"], name="search_doc_source_modified")]

    def __str__(self) -> str:
        return self.headline


class SearchTerm(models.Model):
    """Surface words of indexed text with the number of documents that first brought them (for spelling)."""

    term = models.CharField(max_length=40, primary_key=True)
    doc_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term


class SearchSyncMark(models.Model):
    """One row: the time of the last check that found every article's document current. The next check
    only reads articles modified after it (less ``services.SYNC_LOOKBACK`` for late commits), through the
    index on ``news_article.modified_at``: its cost follows what changed, not the size of the archive."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"search index current at {self.synced_at:%Y-%m-%d %H:%M:%S}"
