"""Writes of the publishing pipeline: record changes (in the caller's transaction), drain them, retry failures."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from .effects import Effect, all_effects
from .models import Change, EffectFailure

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # changes per drain: one index write, one purge, one live write each
ISOLATE_AFTER = 3  # a batch that failed is retried change by change; after this many failures in a row the
# rest are taken to fail the same way (a hub or a log that is down would otherwise be waited on per item)
BACKOFF_FIRST = dt.timedelta(seconds=5)
BACKOFF_MOST = dt.timedelta(minutes=15)
ERROR_CHARS = 2000


@dataclass(frozen=True)
class ChangeNote:
    """What a news service tells the pipeline about one article in its transaction."""

    article_id: int
    kind: str
    is_news: bool = False


def changes_record(*, changes: Iterable[ChangeNote]) -> int:
    """Add changes to the outbox in the caller's transaction, so they commit (or roll back) with the write
    they follow; after commit the worker runs their effects (at once, in this process, when immediate)."""
    rows = [Change(article_id=c.article_id, kind=c.kind, is_news=c.is_news) for c in changes]
    if not rows:
        return 0
    Change.objects.bulk_create(rows)
    transaction.on_commit(changes_committed)
    return len(rows)


def changes_committed() -> None:
    """After a commit that recorded changes. The worker polls the outbox, so normally nothing is to be done
    here: the request that committed returns at once. Immediate mode (tests, ``HUEY_IMMEDIATE``) drains now."""
    if _immediate():
        pipeline_drain_all()


def _immediate() -> bool:
    from huey.contrib.djhuey import HUEY

    return bool(settings.NEWSDESK_PIPELINE_IMMEDIATE or HUEY.immediate)


def pipeline_drain_all(*, limit_batches: int = 1000) -> int:
    """Drain until nothing is due (or ``limit_batches`` batches ran); returns how many changes were taken."""
    taken = 0
    for _ in range(limit_batches):
        count = pipeline_drain()
        taken += count
        if count == 0:
            break
    return taken


@dataclass
class _Outcome:
    failed: dict[int, str] = field(default_factory=dict)  # change id -> error
    deferred: dict[int, dt.datetime] = field(default_factory=dict)


def pipeline_drain(*, limit: int = BATCH_SIZE) -> int:
    """Claim up to ``limit`` due changes and run every effect over them; returns how many were claimed.

    Each effect that completes is noted on the changes at once, so a drain cut short (a crash) runs again only
    what was left; changes whose effects have all run are deleted."""
    claimed = _claim(limit)
    if not claimed:
        return 0
    outcome = _Outcome()
    for effect in all_effects():
        todo = [c for c in claimed if not c.has_run(effect.name) and effect.applies(c)]
        if todo:
            _renew(claimed)
            _run(effect, todo, outcome)
    _settle(claimed, outcome)
    return len(claimed)


def _claim(limit: int) -> list[Change]:
    """Take due changes for a lease: a drainer that dies lets them come due again when the lease runs out.

    The conditional update is the claim: of two drainers that read the same rows, the second one's update
    finds them no longer due (SQLite runs one writer at a time; PostgreSQL re-checks a row it waited for)."""
    now = timezone.now()
    ids = list(Change.objects.filter(run_after__lte=now).values_list("pk", flat=True)[:limit])
    if not ids:
        return []  # the usual answer of a poll: one indexed read, no write
    token = secrets.token_hex(8)
    Change.objects.filter(pk__in=ids, run_after__lte=now).update(run_after=now + _lease(), claim=token)
    return list(Change.objects.filter(pk__in=ids, claim=token).order_by("pk"))


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NEWSDESK_PIPELINE_LEASE_SECONDS)


def _renew(claimed: list[Change]) -> None:
    """Before each effect: the lease covers one effect's run, not the whole batch's."""
    Change.objects.filter(pk__in=[c.pk for c in claimed], claim=claimed[0].claim).update(
        run_after=timezone.now() + _lease()
    )


def _run(effect: Effect, todo: list[Change], outcome: _Outcome) -> None:
    try:
        deferred = _deferrals(effect.run(todo))
    except Exception as exc:  # an effect's own failure must never stop the others
        logger.warning("pipeline: %s failed for %d changes; trying them one by one", effect.name, len(todo),
                       exc_info=True)  # fmt: skip
        failed, deferred = _one_by_one(effect, todo, exc)
    else:
        failed = {}
    outcome.failed.update(failed)
    outcome.deferred.update(deferred)
    done = [c.pk for c in todo if c.pk not in failed and c.pk not in deferred]
    Change.objects.filter(pk__in=done).update(done=Concat(F("done"), Value(f" {effect.name}")))
    _failures_note(effect, [c for c in todo if c.pk in failed], failed, done)


def _one_by_one(effect: Effect, todo: list[Change], first: Exception) -> tuple[dict[int, str], dict]:
    failed: dict[int, str] = {}
    deferred: dict[int, dt.datetime] = {}
    in_a_row = 0
    for change in todo if len(todo) > 1 else []:
        if in_a_row >= ISOLATE_AFTER:
            failed[change.pk] = (
                f"{_describe(first)} (not tried alone: {ISOLATE_AFTER} failed in a row before it)"
            )
            continue
        try:
            deferred |= _deferrals(effect.run([change]))
            in_a_row = 0
        except Exception as exc:
            logger.warning("pipeline: %s failed for article %s: %r", effect.name, change.article_id, exc)
            failed[change.pk] = _describe(exc)
            in_a_row += 1
    if len(todo) == 1:
        failed[todo[0].pk] = _describe(first)
    return failed, deferred


def _deferrals(result: object) -> dict[int, dt.datetime]:
    """What an effect returned: ``{change id: when}`` for changes to come back to; anything else is nothing."""
    return result if isinstance(result, dict) else {}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]


def _failures_note(effect: Effect, failed: list[Change], errors: dict[int, str], done: list[int]) -> None:
    """Failures are kept (and counted) until the effect succeeds for their change; then they go."""
    now = timezone.now()
    if done:
        EffectFailure.objects.filter(change_id__in=done, effect=effect.name).delete()
    for change in failed:
        EffectFailure.objects.update_or_create(
            change_id=change.pk,
            effect=effect.name,
            create_defaults={"article_id": change.article_id, "error": errors[change.pk]},
            defaults={"error": errors[change.pk], "last_failed_at": now, "attempts": F("attempts") + 1},
        )


def _settle(claimed: list[Change], outcome: _Outcome) -> None:
    """Done changes go; the others come due again: after a backoff that doubles with each failed attempt,
    or when an effect said it could go on (a debounce)."""
    now = timezone.now()
    waiting = outcome.failed.keys() | outcome.deferred.keys()
    Change.objects.filter(pk__in=[c.pk for c in claimed if c.pk not in waiting]).delete()
    for change in claimed:
        if change.pk in outcome.failed:
            delay = min(BACKOFF_FIRST * 2**change.attempts, BACKOFF_MOST)
            Change.objects.filter(pk=change.pk).update(
                run_after=now + delay, attempts=F("attempts") + 1, claim=""
            )
        elif change.pk in outcome.deferred:
            Change.objects.filter(pk=change.pk).update(run_after=outcome.deferred[change.pk], claim="")


def failures_retry(*, failure_ids: Iterable[int]) -> int:
    """Make the changes of these failures due now (the newsroom's retry button); returns how many changes."""
    change_ids = set(
        EffectFailure.objects.filter(pk__in=list(failure_ids)).values_list("change_id", flat=True)
    )
    count = Change.objects.filter(pk__in=change_ids).update(run_after=timezone.now(), claim="")
    if count:
        transaction.on_commit(changes_committed)
    return count
