"""Section, person and topic tokens on every search document (``SearchDocument.tags``), and on SQLite an FTS5
table that indexes them, so a filter is intersected with the words inside the index."""

from django.db import migrations, models
from django.utils.module_loading import import_string

SQLITE = "newsdesk.search.backends.sqlite.SQLiteSearchBackend"

# Each document's tokens from the article's own rows (the same as documents.filter_tags writes); {agg} is the
# database's string aggregate.
_FILL = """
    UPDATE search_searchdocument SET tags = trim(
        coalesce((SELECT 'xs' || section_id FROM news_article WHERE id = article_id), '')
        || coalesce((SELECT ' ' || {agg}('xp' || person_id, ' ') FROM news_article_persons
                     WHERE article_id = search_searchdocument.article_id), '')
        || coalesce((SELECT ' ' || {agg}('xt' || topic_id, ' ') FROM news_article_topics
                     WHERE article_id = search_searchdocument.article_id), ''))"""
FILL = {"sqlite": _FILL.format(agg="group_concat"), "postgresql": _FILL.format(agg="string_agg")}

# The FTS5 table as 0002 made it, for going back.
OLD_SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(headline, lead, body, keywords, content='search_searchdocument',
        content_rowid='article_id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, headline, lead, body, keywords)
        VALUES (new.article_id, new.headline, new.lead, new.body, new.keywords);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, lead, body, keywords)
        VALUES ('delete', old.article_id, old.headline, old.lead, old.body, old.keywords);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, headline, lead, body, keywords)
        VALUES ('delete', old.article_id, old.headline, old.lead, old.body, old.keywords);
        INSERT INTO search_fts(rowid, headline, lead, body, keywords)
        VALUES (new.article_id, new.headline, new.lead, new.body, new.keywords);
    END""",
]
REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).rewrite_documents(schema_editor, FILL[vendor])
    elif vendor in FILL:
        schema_editor.execute(FILL[vendor])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).uninstall(schema_editor)
        for statement in OLD_SQLITE_SCHEMA:
            schema_editor.execute(statement)
        schema_editor.execute(REBUILD)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sync_mark"), ("news", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="tags",
            field=models.TextField(blank=True, help_text="Section, person and topic tokens for filtering."),
        ),
        migrations.RunPython(forwards, backwards),
    ]
