"""Hostile users of the newsroom's doors: password guessing, HSTS, audience data, self-promotion, image bombs,
off-site ?next= and damaged feed cursors (issue "Hostile users and bad luck", findings 5, 7, 12 and 14)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.news.models import Photo
from newsdesk.newsroom.roles import ADMIN, EDITOR, REPORTER
from tests.factories import ArticleFactory, user_with_role
from tests.news.images import png_header_only, upload
from tests.newsroom.helpers import user_form

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
LOGIN = "/newsroom/login/"
ATTACKER, COLLEAGUE = "203.0.113.7", "198.51.100.20"


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/newsroom/", **extra})


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- 5. Login brute force ------------------------------------------------------------------------------------


def test_password_guessing_is_locked_out_with_a_clear_message_and_a_record(settings):
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 5)  # NEWSDESK_LOGIN_FAILURE_LIMIT, 5 by default
    answers = [log_in(attacker, "editor", f"guess-{n}").status_code for n in range(limit)]
    # Each wrong guess is the login page again, until the limit: from then on the pair is locked out.
    assert answers[:-1] == [200] * (limit - 1) and answers[-1] == 429
    locked = log_in(attacker, "editor", PASSWORD)  # the right password, too late
    assert locked.status_code == 429 and not logged_in(attacker)
    page = locked.content.decode()
    assert "Try again in 15 minutes" in page and 'id="login-form"' in page
    # The record every server process reads, and that an admin sees (and deletes to unlock).
    from axes.models import AccessAttempt  # imported here: before the fix the app was not installed

    attempt = AccessAttempt.objects.get(username="editor", ip_address=ATTACKER)
    assert attempt.failures_since_start >= limit
    admin = Client()
    admin.force_login(user_with_role(ADMIN))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and ATTACKER in listing.content.decode()

    # The same person from another address is not locked out by the guesser.
    colleague = Client(REMOTE_ADDR=COLLEAGUE)
    assert log_in(colleague, "editor", PASSWORD).status_code == 302 and logged_in(colleague)

    # After the cool-off the pair may try again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert log_in(attacker, "editor", PASSWORD).status_code == 302 and logged_in(attacker)


def test_behind_the_proxy_each_reader_address_is_counted_apart(settings):
    settings.NEWSDESK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    proxy = "10.0.0.5"
    # Whatever the client writes before the proxy's own entry is ignored: it can't pick a fresh address per guess.
    attacker = [
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}")
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    answers = [log_in(client, "editor", "guess").status_code for client in attacker]
    assert answers[-1] == 429
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=COLLEAGUE)  # same proxy, another reader
    assert log_in(colleague, "editor", PASSWORD).status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_locked_out_person_sees_how_long_to_wait_on_the_login_page(live_server, browser_page, settings):
    from tests.browser import axe_violations

    user_with_role(EDITOR, username="editor", password=PASSWORD)
    page = browser_page
    for n in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + LOGIN)
        page.fill("#id_username", "editor")
        page.fill("#id_password", f"guess-{n}")
        page.click("input[type=submit]")
    alert = page.locator(".errornote[role=alert]")
    assert "Try again in 15 minutes" in alert.inner_text()
    assert page.input_value("#id_username") == "editor"  # the form is there again, for after the wait
    assert axe_violations(page) == []


# --- 7. HSTS -------------------------------------------------------------------------------------------------

HSTS_PROBE = (
    "from django.conf import settings; from django.test import RequestFactory; "
    "from django.http import HttpResponse; from django.middleware.security import SecurityMiddleware; "
    "mw = SecurityMiddleware(lambda request: HttpResponse()); "
    "print(repr(mw(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https')).get('Strict-Transport-Security'))); "
    "print(repr(mw(RequestFactory().get('/')).get('Strict-Transport-Security')))"
)


def hsts(tmp_path, **env) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "shell", "-c", HSTS_PROBE],
        env={**clean, "NEWSDESK_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-2:]


def test_https_behind_a_tls_proxy_sends_hsts_for_a_year(tmp_path):
    secure, plain = hsts(tmp_path, SECURE_COOKIES="1", BEHIND_TLS_PROXY="1")
    assert secure == "'max-age=31536000'"
    assert plain == "None"  # never on plain HTTP: a browser would ignore it, and it would mean nothing
    secure, _ = hsts(
        tmp_path,
        SECURE_COOKIES="1",
        BEHIND_TLS_PROXY="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert secure == "'max-age=31536000; includeSubDomains; preload'"


def test_hsts_preload_without_subdomains_is_a_clear_configuration_error(tmp_path):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "check"],
        env={**clean, "NEWSDESK_DATA_DIR": str(tmp_path), "SECURE_COOKIES": "1", "SECURE_HSTS_PRELOAD": "1"},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert (
        result.returncode != 0
        and "SECURE_HSTS_PRELOAD=1 needs SECURE_HSTS_INCLUDE_SUBDOMAINS=1" in result.stderr
    )


# --- 12. Audience data is the desk's ------------------------------------------------------------------------


def test_reporters_do_not_see_audience_figures():
    ArticleFactory()
    reporter, editor = Client(), Client()
    reporter.force_login(user_with_role(REPORTER))
    editor.force_login(user_with_role(EDITOR))
    for path in ("/newsroom/audience/", "/newsroom/audience/?format=csv"):
        assert reporter.get(path).status_code == 403
        assert editor.get(path).status_code == 200
    article = ArticleFactory()
    assert reporter.get(f"/newsroom/audience/article/{article.pk}/?format=csv").status_code == 403
    assert editor.get(f"/newsroom/audience/article/{article.pk}/?format=csv").status_code == 200
    assert "Audience" not in reporter.get("/newsroom/").content.decode()


# --- 14a. Nobody grants more than they hold -----------------------------------------------------------------


def test_an_admin_role_cannot_make_anyone_superuser_or_touch_a_superuser():
    chief = get_user_model().objects.create_superuser("chief", password=PASSWORD)
    admin_user = user_with_role(ADMIN, username="deputy")
    client = Client()
    client.force_login(admin_user)
    change = reverse("admin:auth_user_change", args=[admin_user.pk])

    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    response = client.post(change, user_form(admin_user, is_superuser="on", user_permissions=everything))
    assert (
        response.status_code == 302
    )  # the rest of the form saves; superuser status is not the actor's to set
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser and not admin_user.user_permissions.exists()

    # A group with rights the actor lacks can be neither handed out nor edited.
    powerful = Group.objects.create(name="Everything")
    powerful.permissions.set(Permission.objects.all())
    response = client.post(change, user_form(admin_user, groups=[str(powerful.pk)]))
    assert response.status_code == 200 and "groups" in response.context["adminform"].form.errors
    assert not admin_user.groups.filter(pk=powerful.pk).exists()
    assert (
        client.post(reverse("admin:auth_group_change", args=[powerful.pk]), {"name": "Mine"}).status_code
        == 403
    )
    admin_group = Group.objects.get(name=ADMIN)
    response = client.post(
        reverse("admin:auth_group_change", args=[admin_group.pk]), {"name": ADMIN, "permissions": everything}
    )
    assert response.status_code == 200 and "permissions" in response.context["adminform"].form.errors

    # A superuser's account (and password) is out of reach; roles within the actor's own are not.
    assert (
        client.post(reverse("admin:auth_user_change", args=[chief.pk]), user_form(chief)).status_code == 403
    )
    password = reverse("admin:auth_user_password_change", args=[chief.pk])
    assert client.post(password, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403
    chief.refresh_from_db()
    assert chief.check_password(PASSWORD)
    reporter = user_with_role(REPORTER)
    editor_group = Group.objects.get(name=EDITOR)
    response = client.post(
        reverse("admin:auth_user_change", args=[reporter.pk]),
        user_form(reporter, groups=[str(editor_group.pk)]),
    )
    assert response.status_code == 302 and reporter.groups.filter(pk=editor_group.pk).exists()


def test_a_superuser_still_grants_superuser_status():
    chief = get_user_model().objects.create_superuser("chief", password=PASSWORD)
    deputy = user_with_role(ADMIN, username="deputy")
    client = Client()
    client.force_login(chief)
    response = client.post(
        reverse("admin:auth_user_change", args=[deputy.pk]), user_form(deputy, is_superuser="on")
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.is_superuser


# --- 14b. A decompression bomb is named for what it is ------------------------------------------------------


def test_png_bomb_upload_says_it_has_too_many_pixels(settings):
    editor = Client()
    editor.force_login(user_with_role(EDITOR))
    response = editor.post(
        reverse("admin:news_photo_add"),
        {
            "caption": "US President Donald Trump",
            "credit": "© AP Photo/Carolyn Kaster",
            "alt_text": "Trump",
            "image": upload(png_header_only(50_000, 50_000), "bomb.png", "image/png"),
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert f"too many pixels; the limit is {settings.NEWSDESK_IMAGE_MAX_PIXELS:,}" in errors
    assert Photo.objects.count() == 0


# --- 14c. A refused ?next= lands on the newsroom ------------------------------------------------------------


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_an_off_site_next_after_login_lands_on_the_newsroom_index(next_url):
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    client = Client()
    response = log_in(client, "editor", PASSWORD, next=next_url)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


# --- 14d. A damaged feed cursor is the reader's mistake: one log line, no traceback -------------------------


@pytest.mark.parametrize(
    "path",
    ["/news/?before=garbage", "/news/?before=99999999999999999999-1", "/news/archive/?date=30.05.2017"],
)
def test_a_damaged_cursor_is_a_400_logged_as_one_line(client, caplog, path):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 400
    assert "start again" in response.content.decode() or "year-month-day" in response.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].levelno <= logging.WARNING
    assert not any(r.exc_info for r in caplog.records), "an expected 400 must not log a traceback"
