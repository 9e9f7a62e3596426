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
def politics(db):
    return Section.objects.get(slug="politics")


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
