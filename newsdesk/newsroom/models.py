"""The newsroom's own data: who has an article open (soft edit locks)."""

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

    class Meta:
        verbose_name = "edit lock"

    def __str__(self) -> str:
        return f"{self.article_id} by {self.user_id}"
