"""Subscriber tokens for the wire API. Data only; tokens are made by services.token_create."""

from django.db import models
from django.utils import timezone


class SubscriberToken(models.Model):
    """A subscriber's API key. Only a SHA-256 digest is stored: the key itself is shown once, when made."""

    name = models.CharField(max_length=200, help_text="Who uses this key, e.g. 'Regional Daily — web desk'.")
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=8, editable=False, help_text="The first characters, to recognise it."
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        default=600, help_text="Requests per minute; more are answered 429 Too Many Requests."
    )
    is_active = models.BooleanField(default=True, help_text="Untick to revoke the key at once.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
