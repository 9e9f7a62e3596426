"""The agency's sections as initial data (see newsdesk.news.defaults): editable in the newsroom afterwards."""

from django.db import migrations

from newsdesk.news.defaults import DEFAULT_SECTIONS as SECTIONS


def create_sections(apps, schema_editor):
    Section = apps.get_model("news", "Section")
    if Section.objects.exists():
        return
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.create(name=name, slug=slug, order=order)


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]
    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
