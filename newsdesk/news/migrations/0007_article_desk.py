# The desk (newsroom.selectors.desk_queues): embargo, spike, a rewrite's provenance, and the index its queues of
# unpublished items read. Nullable columns: adding them is a cheap ALTER TABLE, not a copy of the archive.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_article_section_recent"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="embargoed_until",
            field=models.DateTimeField(
                blank=True,
                help_text="Embargo: the story may not be published before this time (earlier publishing is "
                "refused).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="spiked_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="provenance",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "-id"], name="article_status_recent"),
        ),
    ]
