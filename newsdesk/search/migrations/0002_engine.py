"""The engine's structures for the database in use (SQLite FTS5 table and triggers, or PostgreSQL's generated
tsvector column and GIN index), and an index on news_article.modified_at that lets each search find articles
changed since they were indexed without scanning the table."""

from django.db import migrations
from django.utils.module_loading import import_string

BACKENDS = {
    "sqlite": "newsdesk.search.backends.sqlite.SQLiteSearchBackend",
    "postgresql": "newsdesk.search.backends.postgres.PostgresSearchBackend",
}


def _backend(schema_editor):
    path = BACKENDS.get(schema_editor.connection.vendor)
    return import_string(path)(alias="migration", options={}) if path else None


def install(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is not None:
        backend.install(schema_editor)


def uninstall(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is not None:
        backend.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("news", "0001_initial")]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS search_news_article_modified_at ON news_article (modified_at)",
            "DROP INDEX IF EXISTS search_news_article_modified_at",
        ),
    ]
