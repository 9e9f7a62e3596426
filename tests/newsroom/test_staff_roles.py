"""Staff status follows the roles: putting someone in Reporter, Editor or Admin lets them sign in to the
newsroom; taking away every role takes that away (a superuser keeps it). Nobody ticks "Staff status" by hand."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from newsdesk.newsroom.roles import ADMIN, EDITOR, REPORTER
from tests.factories import user_with_role
from tests.newsroom.helpers import user_form

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
User = get_user_model()


def signs_in(username: str) -> bool:
    """Whether the newsroom's own login form lets this person in."""
    client = Client()
    response = client.post(reverse("admin:login"), {"username": username, "password": PASSWORD})
    return response.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


@pytest.fixture
def chief_client(newsroom_admin):
    client = Client()
    client.force_login(newsroom_admin)
    return client


@pytest.mark.parametrize("role", [REPORTER, EDITOR, ADMIN])
def test_giving_a_role_in_the_user_admin_lets_the_person_sign_in(role, chief_client, newsroom_admin):
    anna = User.objects.create_user("anna", password=PASSWORD)
    assert not anna.is_staff and not signs_in("anna")
    group = Group.objects.get(name=role)
    response = chief_client.post(
        reverse("admin:auth_user_change", args=[anna.pk]), user_form(anna, groups=[str(group.pk)])
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.is_staff and signs_in("anna")


def test_taking_away_every_role_takes_away_signing_in(chief_client):
    anna = user_with_role(REPORTER, username="anna", password=PASSWORD)
    assert signs_in("anna")
    response = chief_client.post(
        reverse("admin:auth_user_change", args=[anna.pk]), user_form(anna, groups=[])
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert not anna.is_staff and not signs_in("anna")


def test_staff_status_cannot_be_ticked_by_hand_and_the_form_says_why(chief_client):
    visitor = User.objects.create_user("visitor", password=PASSWORD)
    page = chief_client.get(reverse("admin:auth_user_change", args=[visitor.pk])).content.decode()
    assert 'name="is_staff"' not in page and "Staff status follows the roles" in page
    chief_client.post(reverse("admin:auth_user_change", args=[visitor.pk]), user_form(visitor, is_staff="on"))
    visitor.refresh_from_db()
    assert not visitor.is_staff  # no role, no newsroom


def test_a_superuser_keeps_signing_in_without_roles_until_no_longer_one():
    chief = User.objects.create_superuser("chief", password=PASSWORD)
    deputy = User.objects.create_superuser("deputy", password=PASSWORD)
    deputy.groups.add(Group.objects.get(name=EDITOR))
    deputy.groups.clear()
    deputy.refresh_from_db()
    assert deputy.is_staff and signs_in("deputy")  # no role, but a superuser

    client = Client()
    client.force_login(chief)
    response = client.post(reverse("admin:auth_user_change", args=[deputy.pk]), user_form(deputy))
    assert response.status_code == 302  # no longer a superuser (the box not sent), and no role
    deputy.refresh_from_db()
    assert not deputy.is_superuser and not deputy.is_staff and not signs_in("deputy")


def test_every_other_way_of_changing_groups_is_followed_too():
    reporters, editors = Group.objects.get(name=REPORTER), Group.objects.get(name=EDITOR)
    anna, boris = (User.objects.create_user(name, password=PASSWORD) for name in ("anna", "boris"))
    anna.groups.add(reporters)
    editors.user_set.add(boris)  # from the group's side
    assert all(User.objects.filter(pk__in=[anna.pk, boris.pk]).values_list("is_staff", flat=True))
    anna.groups.add(editors)
    anna.groups.remove(reporters)
    assert User.objects.get(pk=anna.pk).is_staff  # still an editor
    editors.user_set.clear()
    assert User.objects.get(pk=boris.pk).is_staff is False
    assert User.objects.get(pk=anna.pk).is_staff is False
    anna.groups.set([reporters])
    assert User.objects.get(pk=anna.pk).is_staff
    reporters.user_set.remove(anna)
    assert User.objects.get(pk=anna.pk).is_staff is False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_admin_gives_a_role_in_chromium_and_the_person_signs_in(live_server, chromium, default_sections):
    from .test_browser import log_in

    user_with_role(ADMIN, username="chief", password=PASSWORD)
    anna = User.objects.create_user("anna", password=PASSWORD)
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        chief, newcomer = (context.new_page() for context in contexts)
        base = live_server.url
        log_in(chief, base, "chief")
        chief.goto(base + reverse("admin:auth_user_change", args=[anna.pk]))
        assert "Staff status follows the roles" in chief.inner_text("body")
        chief.select_option("#id_groups_from", label=REPORTER)
        chief.click("#id_groups_add")
        with chief.expect_navigation():
            chief.click("input[name=_save]")
        anna.refresh_from_db()
        assert anna.is_staff

        log_in(newcomer, base, "anna")  # waits for the newsroom's index: signed in
        assert newcomer.locator("#id_password").count() == 0
    finally:
        for context in contexts:
            context.close()
