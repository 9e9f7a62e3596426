# The edition's newest-first index also holds the section: on PostgreSQL, search's id windows read each match's
# publish time and section from the index in the visibility gate's own look-up (search/backends/postgres.py,
# _rank_statement), so the rank statement no longer looks its 1,750 candidates up in the article table. Rebuilt
# where the database keeps included columns (PostgreSQL: about 3 s at 1,000,000 articles); SQLite's index stays.

import importlib

from django.db import migrations, models

rebuild = importlib.import_module("newsdesk.news.migrations.0012_article_language_recent_gate").rebuild

OLD = models.Index(fields=["language", "-id"], include=["status", "publish_at"], name="article_language_recent")
NEW = models.Index(
    fields=["language", "-id"], include=["status", "publish_at", "section"], name="article_language_recent"
)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0012_article_language_recent_gate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="article", name="article_language_recent"),
                migrations.AddIndex(model_name="article", index=NEW),
            ],
            database_operations=[migrations.RunPython(rebuild(OLD, NEW), rebuild(NEW, OLD))],
        ),
    ]
