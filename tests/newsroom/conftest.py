import pytest

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


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
