"""The outbox of article changes and the failures of their effects. Data only; see services.py."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Change(models.Model):
    """An article change whose effects have not all run yet: written in the transaction of the change itself,
    deleted once every effect has run for it. The rows waiting are the pipeline's backlog."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"  # visible now, not before this change
        UPDATED = "updated", "Updated"  # visible before and after: edited or corrected
        WITHDRAWN = "withdrawn", "Withdrawn"  # visible before, not now (withdrawn, unpublished, moved later)

    # No foreign key: an article deleted before its effects ran still has pages to purge.
    article_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A story readers have not seen yet, first published less than NEWSDESK_BACKFILL_AGE ago: announced live.
    is_news = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Due from this moment: a claim pushes it a lease ahead, a failure a backoff ahead.
    run_after = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    done = models.TextField(blank=True, help_text="The effects that have run, space separated.")

    class Meta:
        ordering = ["run_after", "id"]
        indexes = [models.Index(fields=["run_after", "id"], name="pipeline_change_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} article {self.article_id}"

    def has_run(self, effect: str) -> bool:
        return effect in self.done.split()


class EffectFailure(models.Model):
    """One effect that failed for one change: shown in the newsroom until a retry succeeds."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="failures")
    effect = models.CharField(max_length=200)
    article_id = models.BigIntegerField()
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_failed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "effect"], name="pipeline_failure_once_per_effect")
        ]
        verbose_name = "failed effect"
        verbose_name_plural = "failed effects"

    def __str__(self) -> str:
        return f"{self.effect} for article {self.article_id}"
