"""Editions in the newsroom (docs/editions.md): the editions each person works on (the desk's and the article
list's default view), and the flags a withdrawal raises on the withdrawn story's versions in other editions."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from newsdesk import editions
from newsdesk.news.models import Article

from .models import TranslationFlag, UserEditions

# --- Each person's editions -----------------------------------------------------------------------------------


def user_editions(user: User) -> list[str]:
    """The editions ``user`` works on, in the site's order; empty: every edition (nothing chosen, or all)."""
    if not getattr(user, "pk", None):
        return []
    row = UserEditions.objects.filter(user=user).values_list("languages", flat=True).first() or []
    chosen = [code for code in editions.codes() if code in row]
    return [] if len(chosen) == len(editions.codes()) else chosen


def set_user_editions(*, user: User, languages: Iterable[str]) -> list[str]:
    """Keep the editions ``user`` works on (none or every one: no default filter)."""
    languages = list(dict.fromkeys(languages))
    unknown = [code for code in languages if code not in editions.codes()]
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)} is not an edition of this site; choose among {', '.join(editions.codes())}."
        )
    UserEditions.objects.update_or_create(user=user, defaults={"languages": languages})
    return user_editions(user)


# --- Flags: a withdrawn story's versions in other editions -------------------------------------------------------


def flag_versions_of_withdrawn(article_ids: list[int]) -> int:
    """The publishing pipeline's effect on withdrawals: each withdrawn article's versions in other editions (its
    original, its translations) that are not withdrawn get an open flag on the desk; the withdrawn article's own
    open flags are settled. Idempotent (one open flag per pair); returns how many flags were raised."""
    withdrawn = list(
        Article.objects.filter(pk__in=article_ids, status=Article.Status.WITHDRAWN).values_list(
            "pk", "translation_of_id"
        )
    )
    if not withdrawn:
        return 0
    now = timezone.now()
    TranslationFlag.objects.filter(article_id__in=[pk for pk, _ in withdrawn], resolved_at=None).update(
        resolved_at=now
    )
    flags = []
    for pk, original_id in withdrawn:
        linked = Q(translation_of_id=pk) | Q(pk=original_id) if original_id else Q(translation_of_id=pk)
        for other in (
            Article.objects.filter(linked)
            .exclude(status=Article.Status.WITHDRAWN)
            .values_list("pk", flat=True)
        ):
            flags.append(TranslationFlag(article_id=other, withdrawn_id=pk))
    TranslationFlag.objects.bulk_create(flags, ignore_conflicts=True)
    return len(flags)


def open_flags(*, languages: Iterable[str] = (), article_id: int | None = None, limit: int = 25):
    """Open flags, newest first, with their articles (in ``languages`` only, when given)."""
    flags = TranslationFlag.objects.filter(resolved_at=None).select_related("article", "withdrawn")
    if article_id is not None:
        flags = flags.filter(article_id=article_id)
    languages = list(languages)
    if languages:
        flags = flags.filter(article__language__in=languages)
    return list(flags[:limit])


def dismiss_flag(*, flag_id: int, by: User) -> None:
    """The editor has decided: the flag leaves the desk (kept, with who settled it and when)."""
    updated = TranslationFlag.objects.filter(pk=flag_id, resolved_at=None).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    if not updated:
        raise ValidationError("This flag is already settled (or does not exist); reload the desk.")
