"""Roles are enforced on the server: a reporter cannot publish by any route; an editor can."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Correction
from newsdesk.newsroom.roles import ADMIN, EDITOR, REPORTER, ROLE_PERMISSIONS
from tests.factories import ArticleFactory

from .helpers import add_url, article_form_data, change_url, counts

Status = Article.Status
pytestmark = pytest.mark.django_db


def perms_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_migrate_creates_the_roles_with_exactly_their_permissions():
    for role in (REPORTER, EDITOR, ADMIN):
        assert perms_of(role) == set(ROLE_PERMISSIONS[role])
    reporter = perms_of(REPORTER)
    assert {"news.publish_article", "news.withdraw_article", "news.order_top_stories"}.isdisjoint(reporter)
    assert "news.change_section" not in perms_of(EDITOR) and "auth.add_user" not in perms_of(EDITOR)
    assert {"news.change_section", "auth.change_user"} <= perms_of(ADMIN)


def test_sync_roles_restores_a_tampered_group():
    from newsdesk.newsroom.roles import sync_roles

    group = Group.objects.get(name=REPORTER)
    group.permissions.add(*Group.objects.get(name=EDITOR).permissions.all())
    sync_roles()
    assert perms_of(REPORTER) == set(ROLE_PERMISSIONS[REPORTER])


# --- reporter: every route to publishing is closed --------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.SCHEDULED, Status.WITHDRAWN])
def test_reporter_cannot_add_an_article_as_published(reporter_client, politics, status):
    before = counts()
    data = article_form_data(section=str(politics.pk), status=status)
    data.update({"publish_at_0": "2017-05-30", "publish_at_1": "11:41:00"})
    response = reporter_client.post(add_url(), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"]
    assert counts() == before


def test_reporter_cannot_publish_own_draft_through_the_change_form(reporter_client, reporter):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None, created_by=reporter)
    response = reporter_client.post(change_url(draft), article_form_data(draft, status=Status.PUBLISHED))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Article.objects.published().exists()


def test_reporter_can_write_a_draft_and_submit_it_for_review(reporter_client, politics, reporter):
    response = reporter_client.post(add_url(), article_form_data(section=str(politics.pk)))
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.status, article.created_by) == (Status.DRAFT, reporter)
    response = reporter_client.post(change_url(article), article_form_data(article, status=Status.REVIEW))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_cannot_edit_a_published_article_in_the_newsroom(reporter_client):
    article = ArticleFactory()
    data = article_form_data(article, headline="Reporter rewrote the published headline")
    response = reporter_client.post(change_url(article), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "Reporter rewrote the published headline"
    # They may still read it: the change form is shown read-only, without a save button.
    page = reporter_client.get(change_url(article))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_reporter_cannot_edit_a_scheduled_article_in_the_newsroom(reporter_client):
    article = ArticleFactory(status=Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(days=1))
    response = reporter_client.post(change_url(article), article_form_data(article, headline="Changed"))
    assert response.status_code == 403


def test_reporter_has_no_withdraw_action_and_posting_it_does_nothing(reporter_client):
    article = ArticleFactory()
    changelist = reverse("admin:news_article_changelist")
    page = reporter_client.get(changelist)
    assert b"withdraw_selected" not in page.content
    reporter_client.post(changelist, {"action": "withdraw_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_reporter_cannot_post_a_correction(reporter_client):
    article = ArticleFactory()
    url = reverse("admin:news_article_correct", args=[article.pk])
    assert reporter_client.post(url, {"note": "Wrong figure", "kind": "correction"}).status_code == 403
    assert not Correction.objects.exists()


def test_reporter_cannot_restore_a_revision_on_a_published_article(reporter_client, editor):
    article = ArticleFactory(headline="Original headline on the wire")
    article.headline = "Edited by the editor"
    services.article_save(article=article, by=editor)
    old = article.revisions.order_by("created_at", "id").first()
    url = reverse("admin:news_article_restore", args=[article.pk, old.pk])
    assert reporter_client.post(url).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Edited by the editor"


# --- reporter: the services refuse as well ----------------------------------------------------------------


def test_reporter_cannot_publish_through_any_service(reporter):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    published = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.article_publish(article=draft, by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=draft, by=reporter, at=timezone.now() + dt.timedelta(days=1))
    for status in (Status.PUBLISHED, Status.SCHEDULED, Status.WITHDRAWN):
        with pytest.raises(PermissionDenied):
            services.article_save(article=draft, by=reporter, status=status)
    with pytest.raises(PermissionDenied):
        services.top_stories_set(by=reporter, article_ids=[published.pk])
    with pytest.raises(PermissionDenied):
        services.article_correct(article=published, by=reporter, note="Corrected the figure")
    with pytest.raises(PermissionDenied):
        services.article_withdraw(article=published, by=reporter, note="Withdrawn")
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.publish_at is None
    assert published.status == Status.PUBLISHED and published.top_story_rank is None
    assert not Correction.objects.exists()


def test_reporter_cannot_publish_by_saving_an_object_already_marked_published(reporter):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    draft.status = Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        services.article_save(article=draft, by=reporter)
    # Nor by telling the service the article was published before.
    with pytest.raises(PermissionDenied):
        services.article_save(article=draft, by=reporter, previous={"status": Status.PUBLISHED})
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_reporter_cannot_edit_a_published_article_through_the_service(reporter):
    article = ArticleFactory()
    article.headline = "Reporter rewrote the published headline"
    with pytest.raises(PermissionDenied):
        services.article_save(article=article, by=reporter)
    assert Article.objects.get(pk=article.pk).headline != article.headline


def test_reporter_cannot_bring_a_scheduled_article_forward(reporter):
    article = ArticleFactory(status=Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(days=1))
    article.publish_at = timezone.now() - dt.timedelta(minutes=1)
    with pytest.raises(PermissionDenied):
        services.article_save(article=article, by=reporter)
    assert not Article.objects.published().exists()


def test_reporter_cannot_make_a_draft_a_top_story(reporter):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    draft.top_story_rank = 1
    with pytest.raises(PermissionDenied):
        services.article_save(article=draft, by=reporter)
    assert Article.objects.get(pk=draft.pk).top_story_rank is None


# --- editor ------------------------------------------------------------------------------------------------


def test_editor_publishes_through_the_change_form(editor_client, client):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    response = editor_client.post(change_url(draft), article_form_data(draft, status=Status.PUBLISHED))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.first_published_at is not None
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_schedules_with_a_future_time(editor_client):
    draft = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    when = timezone.localtime() + dt.timedelta(days=2)
    data = article_form_data(
        draft, status=Status.PUBLISHED, publish_at_0=f"{when:%Y-%m-%d}", publish_at_1=f"{when:%H:%M:%S}"
    )
    assert editor_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED
    assert not Article.objects.published().exists()


def test_editor_withdraws_with_the_changelist_action(editor_client, client):
    article = ArticleFactory()
    changelist = reverse("admin:news_article_changelist")
    chosen = {"action": "withdraw_selected", "_selected_action": [article.pk]}
    asked = editor_client.post(changelist, chosen)  # first a page that asks why
    assert asked.status_code == 200 and "Reason readers are told" in asked.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    reason = "The report was based on a forged letter."
    response = editor_client.post(changelist, {**chosen, "confirm": "yes", "reason": reason})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN
    gone = client.get(article.get_absolute_url())
    assert gone.status_code == 410 and reason in gone.content.decode()


def test_editor_corrects_orders_top_stories_and_edits_published(editor):
    first, second = ArticleFactory(), ArticleFactory()
    services.top_stories_set(by=editor, article_ids=[second.pk, first.pk])
    assert list(Article.objects.filter(top_story_rank__isnull=False).order_by("top_story_rank")) == [
        second,
        first,
    ]
    services.article_correct(article=first, by=editor, note="An earlier version misstated the date.")
    first.refresh_from_db()
    assert first.version == 2 and first.corrections.count() == 1
    first.headline = "Corrected headline"
    services.article_save(article=first, by=editor)
    assert Article.objects.get(pk=first.pk).headline == "Corrected headline"


def test_editor_corrects_through_the_newsroom(editor_client, client):
    article = ArticleFactory()
    url = reverse("admin:news_article_correct", args=[article.pk])
    response = editor_client.post(
        url, {"note": "An earlier version misstated the date.", "kind": "correction"}
    )
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "An earlier version misstated the date." in html
