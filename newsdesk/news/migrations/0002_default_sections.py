"""The agency's sections as initial data: editable in the newsroom afterwards, never referenced by code."""

from django.db import migrations

SECTIONS = [
    ("Russian Politics & Diplomacy", "politics"),
    ("World", "world"),
    ("Business & Economy", "economy"),
    ("Military & Defense", "defense"),
    ("Science & Space", "science"),
    ("Society & Culture", "society"),
    ("Sport", "sport"),
    ("Press Review", "pressreview"),
]


def create_sections(apps, schema_editor):
    Section = apps.get_model("news", "Section")
    if Section.objects.exists():
        return
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.create(name=name, slug=slug, order=order)


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]
    operations = [migrations.RunPython(create_sections, migrations.RunPython.noop)]
