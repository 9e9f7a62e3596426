"""Writes of the newsroom's own data: soft edit locks (models.EditLock).

A lock is taken when someone opens an article's change form and kept alive by the form's heartbeat; it expires
on its own when the heartbeat stops. Someone else's fresh lock is never taken silently: only ``lock_take_over``,
an editor's explicit choice, moves it.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import EditLock
from .selectors import LockState, lock_is_fresh, lock_state, person_name


def new_token() -> str:
    return secrets.token_hex(16)


@transaction.atomic
def lock_open(*, article_id: int, user: User, token: str, reopened: bool = False) -> LockState | None:
    """Take or refresh the lock for a form ``user`` has just opened (or whose heartbeat came), unless someone else
    holds a fresh one: then leave it and return theirs. A heartbeat of a page that has been closed takes nothing
    (None), unless the page says it is shown again (``reopened``: back from the browser's page cache)."""
    now = timezone.now()
    lock = EditLock.objects.select_for_update().select_related("user").filter(article_id=article_id).first()
    if lock is not None and lock.token == token and lock.seen <= EditLock.RELEASED and not reopened:
        return None
    if lock is None:
        try:
            with transaction.atomic():  # two people opening the same story at once: one of them gets it
                lock = EditLock.objects.create(
                    article_id=article_id, user=user, token=token, since=now, seen=now
                )
        except IntegrityError:
            lock = EditLock.objects.select_for_update().select_related("user").get(article_id=article_id)
            return lock_state(lock, user=user, now=now)
    elif lock.user_id == user.pk:
        if not lock_is_fresh(lock, now=now):
            lock.since = now
        lock.token, lock.seen = token, now
        lock.save(update_fields=["token", "seen", "since"])
    elif lock_is_fresh(lock, now=now):
        return lock_state(lock, user=user, now=now)
    else:  # someone else's, expired
        lock.user, lock.token, lock.since, lock.seen = user, token, now, now
        lock.save(update_fields=["user", "token", "since", "seen"])
    return lock_state(lock, user=user, now=now)


@transaction.atomic
def lock_take_over(*, article_id: int, user: User, token: str) -> LockState:
    """An editor takes the story over from whoever has it open; their form says so at its next heartbeat."""
    if not user.has_perm("news.publish_article"):
        raise PermissionDenied("Only an editor can take over a story someone else is editing; ask one.")
    now = timezone.now()
    EditLock.objects.update_or_create(
        article_id=article_id, defaults={"user": user, "token": token, "since": now, "seen": now}
    )
    return LockState(holder=person_name(user), holder_id=user.pk, since=now, mine=True)


def lock_release(*, article_id: int, user: User, token: str | None = None) -> None:
    """Drop ``user``'s lock; with ``token``, only the lock that page holds (a closed tab's, not a newer page's),
    kept as ``EditLock.RELEASED``: expired for everyone, and that page's late heartbeat takes nothing."""
    locks = EditLock.objects.filter(article_id=article_id, user=user)
    if token is None:
        locks.delete()
    else:
        locks.filter(token=token).update(seen=EditLock.RELEASED)
