# Editions (docs/editions.md): a section belongs to an edition (existing sections: the default "en"), its name and
# slug unique per edition; an article may be the translation of an article of another edition.
# Cheap on a large archive: translation_of is a nullable column without a default (SQLite: ALTER TABLE ADD
# COLUMN, no copy of news_article) and its index is partial, over the few linked rows only. Only the small
# news_section table is rebuilt on SQLite.

import django.db.models.deletion
from django.db import migrations, models

import newsdesk.news.models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_article_section_status_recent"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="translation_of",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The original this article translates (an article of another edition).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="translations",
                to="news.article",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="language",
            field=models.CharField(
                default="en", max_length=10, validators=[newsdesk.news.models.validate_edition]
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="language",
            field=models.CharField(
                default="en", max_length=10, validators=[newsdesk.news.models.validate_edition]
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.AlterField(
            model_name="section",
            name="slug",
            field=models.SlugField(max_length=100),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("translation_of__isnull", False)),
                fields=["translation_of"],
                name="article_translation_of",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                fields=("language", "slug"), name="section_unique_slug_per_language"
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                fields=("language", "name"), name="section_unique_name_per_language"
            ),
        ),
    ]
