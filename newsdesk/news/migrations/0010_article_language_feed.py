# An edition's feed read from its own index range (news.selectors._keys_filter with a language): without it, the
# Russian edition's front page beside a million English articles walked the whole feed index. CREATE INDEX reads
# news_article once; the table is not copied.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_editions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["language", "status", "-publish_at", "-id"], name="article_language_feed"
            ),
        ),
    ]
