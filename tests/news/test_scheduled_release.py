import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.pipeline import effects
from tests.factories import ArticleFactory


@pytest.fixture
def hook_calls(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(effects, "after_publish_hooks", [calls.append])
    return calls


@pytest.mark.django_db(transaction=True)
def test_due_scheduled_items_are_released_once_with_their_hooks(hook_calls):
    now = timezone.now()
    due = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=now - dt.timedelta(minutes=1), first_published_at=None
    )
    later = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=now + dt.timedelta(hours=1), first_published_at=None
    )
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=now - dt.timedelta(hours=1))

    assert services.scheduled_release_due(now=now) == [due.pk]
    assert hook_calls == [due.pk]
    due.refresh_from_db()
    assert due.status == Article.Status.PUBLISHED and due.first_published_at == due.publish_at
    # Running again releases nothing twice; the future item and the draft are untouched.
    assert services.scheduled_release_due(now=now) == []
    assert hook_calls == [due.pk]
    later.refresh_from_db()
    draft.refresh_from_db()
    assert later.status == Article.Status.SCHEDULED and draft.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_visibility_never_waits_for_the_release_job():
    now = timezone.now()
    item = ArticleFactory(
        status=Article.Status.SCHEDULED, publish_at=now + dt.timedelta(minutes=5), first_published_at=None
    )
    assert not Article.objects.published(at=now).filter(pk=item.pk).exists()
    assert Article.objects.published(at=now + dt.timedelta(minutes=5)).filter(pk=item.pk).exists()
