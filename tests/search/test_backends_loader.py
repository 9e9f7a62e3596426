"""The back-end loader: Django's shape, with errors that say how to fix the setting."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from newsdesk.search.backends import get_backend
from newsdesk.search.backends.postgres import PostgresSearchBackend
from newsdesk.search.backends.sqlite import SQLiteSearchBackend
from newsdesk.search.models import SearchDocument

from .conftest import story
from .test_contract import KAMAZ


def test_default_back_end_follows_the_database(settings):
    expected = PostgresSearchBackend if connection.vendor == "postgresql" else SQLiteSearchBackend
    assert type(get_backend()) is expected
    assert get_backend() is get_backend()  # loaded once per process


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "SEARCH_BACKENDS has no alias 'default'"),
        (
            {"default": {"BACKEND": "newsdesk.search.backends.elastic.Nope"}},
            "cannot be loaded .*choose one of: sqlite, postgres",
        ),
        ({"default": {"BACKEND": "collections.OrderedDict"}}, "is not a BaseSearchBackend subclass"),
    ],
)
def test_bad_settings_raise_improperly_configured(settings, config, message):
    settings.SEARCH_BACKENDS = config
    with pytest.raises(ImproperlyConfigured, match=message):
        get_backend()


@pytest.mark.django_db
def test_back_end_for_the_other_database_says_so(settings):
    other = SQLiteSearchBackend if connection.vendor == "postgresql" else PostgresSearchBackend
    with pytest.raises(ImproperlyConfigured, match="search back end needs a .* database"):
        other(alias="default", options={}).check()


@pytest.mark.django_db
def test_reindex_command_rebuilds_everything(capsys):
    for n in range(3):
        story(f"Kamaz delivers trucks to customer {n}", KAMAZ, hours_ago=n + 1)
    call_command("reindex", batch_size=2)
    out = capsys.readouterr().out
    assert "Indexed 3 articles" in out and "3 documents, 3 in the engine's index" in out
    assert SearchDocument.objects.count() == 3


@pytest.mark.django_db
def test_reindex_rejects_a_bad_batch_size(capsys):
    with pytest.raises(SystemExit):
        call_command("reindex", batch_size=0)
    assert "--batch-size must be at least 1" in capsys.readouterr().err
