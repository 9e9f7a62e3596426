"""Which public article ids a beacon may count, held in process memory so a forged id costs no query.

Loaded through the visibility gate with a look-ahead (``published(at=now + horizon)``) and checked against
each entry's publish time at lookup, so a scheduled article starts counting the moment it goes live.
Changes are picked up by a small query on ``modified_at`` every few seconds, and everything is reloaded
every few minutes (deletions); publish/withdraw hooks in this process force a refresh at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import NamedTuple

from django.db import DatabaseError, connection
from django.utils import timezone

from newsdesk.news.models import Article

logger = logging.getLogger(__name__)


class ArticleRef(NamedTuple):
    article_id: int
    section_id: int
    publish_at: float


class PublishedIndex:
    def __init__(self, *, changes_every: float = 5.0, reload_every: float = 300.0) -> None:
        self.changes_every = changes_every
        self.reload_every = reload_every
        self._refs: dict[int, ArticleRef] = {}
        self._lock = threading.Lock()
        self._loaded_at = float("-inf")
        self._checked_at = float("-inf")
        self._watermark: dt.datetime | None = None

    def lookup(self, public_id: int, *, at: float | None = None) -> ArticleRef | None:
        at = time.time() if at is None else at
        self._refresh()
        ref = self._refs.get(public_id)
        return ref if ref is not None and ref.publish_at <= at else None

    def invalidate(self) -> None:
        self._checked_at = float("-inf")

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.changes_every:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread is refreshing; answer from what we have
        try:
            if now - self._loaded_at >= self.reload_every:
                self._reload(now)
            else:
                self._apply_changes()
            self._checked_at = now
        except DatabaseError:
            logger.exception("analytics: cannot refresh the published index; using the previous one")
            connection.close()
        finally:
            self._lock.release()

    def _visible(self):
        horizon = timezone.now() + dt.timedelta(seconds=2 * self.reload_every)
        return Article.objects.published(at=horizon).values_list(
            "public_id", "pk", "section_id", "publish_at"
        )

    def _reload(self, now: float) -> None:
        started = timezone.now()
        self._refs = {row[0]: ArticleRef(row[1], row[2], row[3].timestamp()) for row in self._visible()}
        self._watermark, self._loaded_at = started, now

    def _apply_changes(self) -> None:
        started = timezone.now()
        # A second of overlap: a save committed while the previous check ran is not missed.
        assert self._watermark is not None  # changes are applied only after a first load set it
        since = self._watermark - dt.timedelta(seconds=1)
        changed = set(Article.objects.filter(modified_at__gte=since).values_list("public_id", flat=True))
        if changed:
            visible = {row[0]: row for row in self._visible().filter(public_id__in=changed)}
            refs = dict(self._refs)
            for public_id in changed:
                row = visible.get(public_id)
                if row is None:
                    refs.pop(public_id, None)
                else:
                    refs[public_id] = ArticleRef(row[1], row[2], row[3].timestamp())
            self._refs = refs
        self._watermark = started
