import importlib

import pytest
from django.test import Client

from newsdesk.news.models import Section
from newsdesk.newsroom.roles import ADMIN, EDITOR, REPORTER
from tests.factories import user_with_role


@pytest.fixture
def reporter(db):
    return user_with_role(REPORTER)


@pytest.fixture
def editor(db):
    return user_with_role(EDITOR)


@pytest.fixture
def newsroom_admin(db):
    return user_with_role(ADMIN)


@pytest.fixture
def default_sections(db):
    """The sections migrate creates: a transactional test's flush removes them for the tests after it."""
    sections = importlib.import_module("newsdesk.news.migrations.0002_default_sections").SECTIONS
    for order, (name, slug) in enumerate(sections, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


@pytest.fixture
def politics(db):
    return Section.objects.get(slug="politics")


@pytest.fixture
def desk_minute(monkeypatch):
    """The minute the desk's position reads (it moves each minute too), held for the test's requests: two that
    straddled a minute's turn differed, and a refresh that wants a 304 got a 200. Returns that minute."""
    from django.utils import timezone

    from newsdesk.newsroom import desk, selectors

    minute = timezone.now()
    monkeypatch.setattr(desk, "desk_position", lambda now=None: selectors.desk_position(now=minute))
    return minute


def _logged_in(user) -> Client:
    client = Client()  # one each: a test may act as a reporter and an editor at once
    client.force_login(user)
    return client


@pytest.fixture
def reporter_client(reporter):
    return _logged_in(reporter)


@pytest.fixture
def editor_client(editor):
    return _logged_in(editor)
