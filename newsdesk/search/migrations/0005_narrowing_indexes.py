"""Month tokens in every search document's ``tags`` (a date filter is then matched inside the index, like
section, person and topic filters), and on PostgreSQL GIN indexes over those tokens and over the pairs of
adjacent words (phrases), see backends/postgres.py ``FILTER_SCHEMA``."""

from django.db import migrations
from django.utils.module_loading import import_string

SQLITE = "newsdesk.search.backends.sqlite.SQLiteSearchBackend"
POSTGRES = "newsdesk.search.backends.postgres.PostgresSearchBackend"

# Each document's tokens from the article's own rows, as documents.document_tags writes them; {agg} is the
# database's string aggregate, {month} the UTC "YYYYMM" of publish_at.
_FILL = """
    UPDATE search_searchdocument SET tags = trim(
        coalesce((SELECT 'xs' || section_id FROM news_article WHERE id = article_id), '')
        || coalesce((SELECT ' ' || {agg}('xp' || person_id, ' ') FROM news_article_persons
                     WHERE article_id = search_searchdocument.article_id), '')
        || coalesce((SELECT ' ' || {agg}('xt' || topic_id, ' ') FROM news_article_topics
                     WHERE article_id = search_searchdocument.article_id), '')
        || coalesce((SELECT ' xm' || {month} FROM news_article WHERE id = article_id), ''))"""
FILL = {
    # Django turns %% into % for SQLite when it binds parameters (none here).
    "sqlite": _FILL.format(agg="group_concat", month="strftime('%%Y%%m', publish_at)"),
    "postgresql": _FILL.format(agg="string_agg", month="to_char(publish_at AT TIME ZONE 'UTC', 'YYYYMM')"),
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        import_string(SQLITE)(alias="migration", options={}).rewrite_documents(schema_editor, FILL[vendor])
    elif vendor == "postgresql":
        schema_editor.execute(FILL[vendor])
        import_string(POSTGRES)(alias="migration", options={}).install_narrowing(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        import_string(POSTGRES)(alias="migration", options={}).uninstall_narrowing(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_searchdocument_tags"), ("news", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
