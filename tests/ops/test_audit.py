"""The newsroom's audit log: publish, withdraw, correct, restore, people and roles, each with who did it; browsed
read-only and exported as CSV by those allowed to (the Admin role), nobody else."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.models import Article, Revision
from newsdesk.newsroom.roles import ADMIN, EDITOR
from newsdesk.ops.models import AuditEntry
from tests.factories import ArticleFactory, user_with_role
from tests.newsroom.helpers import user_form

pytestmark = pytest.mark.django_db
User = get_user_model()


def _actions(**filters) -> list[tuple[str, str, str]]:
    return [
        (e.action, e.actor_name, e.object_id) for e in AuditEntry.objects.filter(**filters).order_by("id")
    ]


def test_publishing_withdrawing_correcting_and_restoring_are_logged_with_the_editor():
    editor = user_with_role(EDITOR, "irina")
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    services.article_publish(article=article, by=editor)
    services.article_correct(article=article, by=editor, note="The minister's name is Ryabkov.")
    revision = Revision.objects.create(article=article, created_by=editor, changed_fields=["headline"],
                                       snapshot={**services.snapshot(article), "headline": "Talks go on"})  # fmt: skip
    services.article_restore_revision(revision=revision, by=editor, reason="the first headline was right")
    services.article_withdraw(article=article, by=editor, note="Legal asked us to.")
    mine = _actions(object_type="news.article")
    assert mine == [
        (action, "irina", str(article.pk)) for action in ("publish", "correct", "restore", "withdraw")
    ]
    correct = AuditEntry.objects.get(action="correct")
    assert correct.detail == "The minister's name is Ryabkov." and correct.actor == editor
    assert AuditEntry.objects.get(action="withdraw").detail == "published -> withdrawn"


def test_what_no_person_did_is_not_a_newsroom_action():
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    services.article_save(
        article=article, by=None, status=Article.Status.PUBLISHED
    )  # ingest, scheduled release
    assert not AuditEntry.objects.filter(object_type="news.article").exists()


def test_people_and_roles_changed_in_the_newsroom_are_logged_with_who_changed_them():
    chief = user_with_role(ADMIN, "chief")
    client = Client()
    client.force_login(chief)
    anna = User.objects.create_user("anna", password="correct-horse-battery")
    editors = Group.objects.get(name=EDITOR)
    response = client.post(reverse("admin:auth_user_change", args=[anna.pk]),
                           user_form(anna, groups=[str(editors.pk)]))  # fmt: skip
    assert response.status_code == 302
    roles = AuditEntry.objects.get(action="roles", object_id=str(anna.pk))
    assert (roles.actor_name, roles.detail) == ("chief", "added to Editor")
    assert AuditEntry.objects.filter(
        action="user_create", object_repr="anna", actor=None
    ).exists()  # a command
    anna.groups.remove(editors)
    assert AuditEntry.objects.filter(action="roles", detail="removed from Editor", actor=None).exists()


@pytest.fixture
def entries():
    editor = user_with_role(EDITOR, "irina")
    for headline in ("Talks in Pskov", '=HYPERLINK("http://evil.example")'):
        article = ArticleFactory(headline=headline, status=Article.Status.DRAFT, publish_at=None,
                                 first_published_at=None)  # fmt: skip
        services.article_publish(article=article, by=editor)
    services.article_withdraw(article=article, by=editor, note="Withdrawn for tests.")
    return editor


def test_the_admin_role_browses_and_exports_the_log_filtered_and_formula_safe(entries):
    chief = user_with_role(ADMIN, "chief")
    client = Client()
    client.force_login(chief)
    url = reverse("admin:ops_auditentry_changelist")
    page = client.get(url, {"action__exact": "publish"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Talks in Pskov" in text and "Export as CSV" in text
    export = client.get(reverse("admin:ops_auditentry_export"), {"action__exact": "publish"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert sorted(row[5] for row in rows[1:]) == ['\'=HYPERLINK("http://evil.example")', "Talks in Pskov"]
    assert {row[2] for row in rows[1:]} == {"publish"}
    # Read-only: nothing can be added, changed or deleted, even by its readers.
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:ops_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:ops_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_editors_and_reporters_neither_see_nor_export_the_log(entries):
    client = Client()
    client.force_login(entries)
    assert client.get(reverse("admin:ops_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:ops_auditentry_export")).status_code == 403
    assert "Audit log" not in client.get(reverse("admin:index")).content.decode()
