"""Reads of the publishing pipeline: its backlog and its failures."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Change, EffectFailure


def backlog_count() -> int:
    """Changes whose effects have not all run (due, claimed, or waiting for a retry)."""
    return Change.objects.count()


def failures() -> QuerySet[EffectFailure]:
    """The effects that failed and have not succeeded since, newest first, with their change."""
    return EffectFailure.objects.select_related("change")
