"""Stories that became visible while the live log was down are announced once it is back, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.live.backends import get_backend
from newsdesk.live.services import announce_missed
from newsdesk.news.models import Section
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_missed_stories_are_announced_once_in_publish_order():
    politics = Section.objects.get(slug="politics")
    now = timezone.now()
    older = ArticleFactory(section=politics, publish_at=now - dt.timedelta(minutes=20))
    newer = ArticleFactory(section=politics, publish_at=now - dt.timedelta(minutes=5))
    ArticleFactory(section=politics, publish_at=now - dt.timedelta(hours=3))  # before the outage
    ArticleFactory(section=politics, publish_at=now + dt.timedelta(minutes=30))  # scheduled: not visible yet

    since = now - dt.timedelta(minutes=30)
    assert announce_missed(since=since) == 2
    assert announce_missed(since=since) == 0  # nothing twice
    events = get_backend().read(after="")
    assert [event.data["public_id"] for event in events] == [older.public_id, newer.public_id]
