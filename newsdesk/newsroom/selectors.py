"""Reads for the newsroom's own screens: who has an article open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import EditLock


@dataclass(frozen=True)
class LockState:
    """Who holds an article's edit lock, as the form and the list show it."""

    holder: str  # the name shown: full name, else username
    holder_id: int
    since: dt.datetime
    mine: bool

    @property
    def label(self) -> str:
        return f"Being edited by {self.holder} since {timezone.localtime(self.since):%H:%M}"


def lock_is_fresh(lock: EditLock, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return lock.seen > now - dt.timedelta(seconds=settings.NEWSDESK_EDIT_LOCK_SECONDS)


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "the wire"


def lock_state(lock: EditLock | None, *, user, now: dt.datetime | None = None) -> LockState | None:
    """The lock as ``user`` sees it; None when nobody holds a fresh one."""
    if lock is None or not lock_is_fresh(lock, now=now):
        return None
    return LockState(
        holder=person_name(lock.user), holder_id=lock.user_id, since=lock.since, mine=lock.user_id == user.pk
    )


def lock_for(*, article_id: int, user) -> LockState | None:
    lock = EditLock.objects.select_related("user").filter(article_id=article_id).first()
    return lock_state(lock, user=user)
