# The desk's queues filtered by section (newsroom.selectors.desk_queues): a section's items in review, drafts and
# spiked items newest first, from the index, never a walk of the section's whole archive.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_article_desk"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["section", "status", "-id"], name="article_section_status_recent"),
        ),
    ]
