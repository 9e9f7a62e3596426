from django.db import models


class LiveEvent(models.Model):
    """The event log of the embedded (database) back end: one row per announced story, ids only grow."""

    key = models.CharField(
        max_length=100, unique=True
    )  # announce once: a re-publish or correction is no news
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"live event {self.pk} ({self.key})"
