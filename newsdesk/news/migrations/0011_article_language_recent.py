# The newsroom's article list filtered by edition, newest first (newsroom.admin.EditionFilter): read from this
# index instead of sorting the edition's whole archive. CREATE INDEX reads news_article once; no table copy.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_article_language_feed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["language", "-id"], name="article_language_recent"),
        ),
    ]
