"""On PostgreSQL, each document's words (the tsvector) kept compressed in the table's row instead of in TOAST:
the rank statement reads every candidate's vector, and each one in TOAST was two chunks found through the TOAST
index (1,750 candidates ranked in 18 ms, 11 with the vectors in the row; the Russian names' p95 at 1,000,000
articles 87.5 → 77.1 ms, docs/search.md). The headline, lead, keywords and tags too: a row holding its vector
stays over PostgreSQL's 2 kB threshold, and the toaster would move every one of them out instead. Only the body
goes to TOAST. Only what is written from now on is stored so: documents already stored move into the row when
they are next written (`newsdesk reindex` rewrites them all). Nothing to do on SQLite."""

from django.db import migrations

COLUMNS = ("vector", "headline", "lead", "keywords", "tags")  # all but the body: that one goes to TOAST
FORWARDS = "ALTER TABLE search_searchdocument " + ", ".join(
    f"ALTER COLUMN {c} SET STORAGE MAIN" for c in COLUMNS
)
BACKWARDS = "ALTER TABLE search_searchdocument " + ", ".join(
    f"ALTER COLUMN {c} SET STORAGE EXTENDED" for c in COLUMNS
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("search", "0011_editions_index")]

    operations = [migrations.RunPython(forwards, backwards)]
