"""The newsroom's own data: who has an article open (soft edit locks)."""

import datetime as dt

from django.conf import settings
from django.db import models


class EditLock(models.Model):
    """An article's change form open in someone's browser: shown on the list and the form ("Being edited by Anna
    since 14:02"), refreshed by the form's heartbeat, expired after NEWSDESK_EDIT_LOCK_SECONDS without one.

    Soft: it never refuses a save. What keeps one editor from overwriting another is the check of the version a
    form started from (news.services.article_edit_check); the lock only says who else is at work."""

    article = models.OneToOneField("news.Article", on_delete=models.CASCADE, related_name="edit_lock")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # One per opened form: a closed tab releases only the lock it holds, never the one a newer page of the same
    # person (the form shown again after "Save and continue") has just taken.
    token = models.CharField(max_length=32)
    since = models.DateTimeField(help_text="When this person took the lock.")
    seen = models.DateTimeField(help_text="The form's last sign of life.")

    # A closed page's lock is kept, expired, with this as its last sign of life (services.lock_release): a
    # heartbeat that page sent before it closed, answered after the release, must not take the story again (it
    # would stay "being edited" by someone who has left until the lock expired, minutes later).
    RELEASED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    class Meta:
        verbose_name = "edit lock"

    def __str__(self) -> str:
        return f"{self.article_id} by {self.user_id}"


class UserEditions(models.Model):
    """The editions a person works on (docs/editions.md): what the desk and the article list show them unless they
    choose otherwise. Only a default view: it grants and withholds nothing (roles decide what one may do)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsroom_editions"
    )
    languages = models.JSONField(default=list, help_text='Edition codes, e.g. ["ru"]; empty: every edition.')

    class Meta:
        verbose_name = "editions of a user"
        verbose_name_plural = "editions of users"

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.languages) or 'every edition'}"


class TranslationFlag(models.Model):
    """A version of a withdrawn article in another edition, flagged to the desk: its original or translation was
    withdrawn, so an editor decides whether it stands. Open until dismissed, or the flagged article is withdrawn."""

    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="translation_flags")
    withdrawn = models.ForeignKey("news.Article", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["article"], name="translation_flag_open", condition=models.Q(resolved_at=None)
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "withdrawn"],
                condition=models.Q(resolved_at=None),
                name="translation_flag_once_open",
            )
        ]

    def __str__(self) -> str:
        return f"flag on {self.article_id} (withdrawn {self.withdrawn_id})"
