"""On PostgreSQL, ANALYZE keeps the document frequencies of the 10,000 most common words of the documents'
vectors instead of its default 1,000 (the column's statistics target 1,000, not 100). Those frequencies are the
rank's idf and tell the fallback which words are common (backends/postgres.py, ``_frequencies``); every word
they did not name counted as equally rare, so at 22,800 stories "payments" and a surname weighed alike. On the
judged sets (docs/search.md) the other outlets' subtitles went 0.728 → 0.743 and the Russian people 0.893 →
0.900. Ten times as many (10,000) gave the same figures and a planner that reads a statistics array ten times
the size for each statement. The table is analyzed again at once, so an archive gets them now, not at
autovacuum's next pass. Nothing to do on SQLite."""

from django.db import migrations

TARGET = 1000
FORWARDS = f"ALTER TABLE search_searchdocument ALTER COLUMN vector SET STATISTICS {TARGET}"
BACKWARDS = "ALTER TABLE search_searchdocument ALTER COLUMN vector SET STATISTICS -1"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)
        schema_editor.execute("ANALYZE search_searchdocument")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0012_vector_inline")]

    operations = [migrations.RunPython(forwards, backwards)]
