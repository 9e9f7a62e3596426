import pytest
from django.core.management import call_command

from newsdesk.news.defaults import DEFAULT_SECTIONS
from newsdesk.news.models import Section


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_default_sections_back():
    call_command("flush", "--no-input")
    assert list(Section.objects.values_list("name", "slug")) == DEFAULT_SECTIONS


@pytest.mark.django_db
def test_operator_sections_are_never_overwritten():
    Section.objects.all().delete()
    Section.objects.create(name="Regions", slug="regions")
    call_command("migrate", "--no-input", verbosity=0)
    assert list(Section.objects.values_list("slug", flat=True)) == ["regions"]
