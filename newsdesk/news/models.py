"""The content model, shaped after IPTC ninjs: feeds and the wire API are made from these rows.

Data and invariants only. Writes go through services.py, reads through selectors.py; every reader-facing
path reads articles through ``Article.objects.published(at=...)``, the one visibility gate.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from newsdesk.formatting import dateline_day


def edition_codes() -> list[str]:
    """The editions' language codes (settings.LANGUAGES, from NEWSDESK_EDITIONS), the default edition first."""
    return [code for code, _name in settings.LANGUAGES]


def validate_edition(value: str) -> None:
    if value not in edition_codes():
        raise ValidationError(
            f"{value!r} is not an edition of this site; choose one of {', '.join(edition_codes())} "
            "(editions are set by NEWSDESK_EDITIONS)."
        )


def edition_for(language: str) -> str:
    """The edition a language tag lands in ("ru-RU" -> "ru"); the default edition when it has none of its own."""
    code = (language or "").strip().lower().replace("_", "-")
    codes = edition_codes()
    if code in codes:
        return code
    primary = code.split("-")[0]
    return primary if primary in codes else codes[0]


def _in_edition(language: str, name: str, kwargs: dict) -> str:
    """``reverse`` under the edition's prefix (/ru/…), whichever edition the code runs in (a language that is no
    edition: the default edition's address)."""
    if language not in edition_codes():
        language = edition_codes()[0]
    if language == translation.get_language():
        return reverse(name, kwargs=kwargs)
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    # The edition the section belongs to: each edition has its own sections, names and slugs (docs/editions.md).
    language = models.CharField(max_length=10, default="en", validators=[validate_edition])
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="section_unique_slug_per_language"),
            models.UniqueConstraint(fields=["language", "name"], name="section_unique_name_per_language"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _in_edition(self.language, "site:section", {"slug": self.slug})


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True)
    photo = models.ForeignKey("Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    wikidata_id = models.CharField(
        max_length=20,
        blank=True,
        help_text="Wikidata item id, e.g. Q22686",
        validators=[RegexValidator(r"^Q\d+$")],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:person", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    mediatopic_code = models.CharField(
        "IPTC Media Topic", max_length=20, blank=True, help_text="e.g. medtop:11000000 (politics)"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:topic", kwargs={"slug": self.slug})


def photo_upload_to(instance: Photo, filename: str) -> str:
    now = timezone.now()
    return f"photos/{now:%Y/%m}/{secrets.token_hex(8)}.{filename.rsplit('.', 1)[-1].lower()}"


class Photo(models.Model):
    image = models.ImageField(upload_to=photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(max_length=500)
    credit = models.CharField(max_length=200, help_text="e.g. © AP Photo/Carolyn Kaster")
    alt_text = models.CharField(
        max_length=300, help_text="What the picture shows, for readers who cannot see it."
    )
    is_placeholder = models.BooleanField(
        default=False, help_text="A generated stand-in, not the original photo."
    )
    # {"480": "photos/…-480.webp", …}: widths → storage names, made by services.photo_create.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.caption[:80]


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, *, at: dt.datetime | None = None) -> Self:
        """The one visibility gate: what a reader may see at ``at`` (default: now).

        Scheduling needs no cron: a scheduled item is simply not visible before its publish time.
        """
        at = at or timezone.now()
        return self.filter(
            status__in=(Article.Status.PUBLISHED, Article.Status.SCHEDULED), publish_at__lte=at
        )

    def withdrawn(self) -> Self:
        return self.filter(status=Article.Status.WITHDRAWN)

    def for_cards(self) -> Self:
        """What a list of article cards needs, in a fixed number of queries."""
        return self.select_related("section", "lead_photo")


def new_public_id() -> int:
    # Above the agency's legacy 6–7 digit ids, so imported ids never collide with new ones.
    return 100_000_000 + secrets.randbelow(900_000_000)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.BigIntegerField(unique=True, default=new_public_id, editable=False)
    guid = models.CharField(max_length=300, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    lead = models.TextField(blank=True, help_text="The standfirst under the headline.")
    body = models.TextField(
        help_text="Sanitized HTML. A horizontal rule with class page-break starts a new page."
    )
    dateline_place = models.CharField(max_length=100, blank=True)
    dateline_date = models.DateField(null=True, blank=True)
    dateline_source = models.CharField(max_length=50, blank=True, default="TASS")
    byline = models.CharField(max_length=200, blank=True)
    # The article's edition (docs/editions.md); its section must be one of that edition's.
    language = models.CharField(max_length=10, default="en", validators=[validate_edition])
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    # This article is a translation of that one (in another edition); the original lists its translations.
    # Not indexed as a whole column: almost every row is empty, the partial index "article_translation_of" holds
    # only the links (and adding the column stays a cheap ALTER TABLE, not a copy of the archive).
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text="The original this article translates (an article of another edition).",
    )
    urgency = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="1 = flash … 8 (IPTC ninjs)",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True, help_text="In the future: scheduled.")
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Last public update.")
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    lead_photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    persons = models.ManyToManyField(Person, blank=True, related_name="articles")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    top_story_rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 = first top story. Empty: not a top story."
    )
    read_also_after = models.PositiveSmallIntegerField(
        default=2, help_text="Place the Read also block after this paragraph (0 = before the body)."
    )
    # The agency's embargo (ninjs "embargoed"): not to be published before it. news.services refuses a publish
    # or a schedule earlier than this time; scheduling for it (or later) is how an embargoed item goes out.
    embargoed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Embargo: the story may not be published before this time (earlier publishing is refused).",
    )
    # Spiked on the desk (Superdesk's word): hidden from the desk's queues, kept, undone by "Unspike". Only
    # drafts and items in review; publishing a spiked item clears it.
    spiked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A story of ours rewritten from a wire item: where it came from, as it was when rewritten
    # ({"source": name, "guid": …, "version": n, "article_id": the wire copy's id}). Empty: not a rewrite.
    provenance = models.JSONField(null=True, blank=True, editable=False)
    # Set when first published: True when that publication was already older than NEWSDESK_BACKFILL_AGE (an
    # archive, a wire backlog) — listed by its own date, never news on its own. Empty (older rows) means no.
    # Nullable so that adding it is a cheap ALTER TABLE, not a copy of the archive.
    is_backfill = models.BooleanField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Not a field: the wire's items carry their visible versions in other editions, set when they are read
    # (syndication.selectors.attach_versions), as a prefetch's to_attr would.
    versions: list[Article]

    class Meta:
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-publish_at", "-id"], name="article_feed"),
            models.Index(fields=["section", "status", "-publish_at", "-id"], name="article_section_feed"),
            # A section's newest items in order, the status read from the index: SQLite answers a section's
            # slice (status IN the gate's two) without sorting (news.selectors._card_rows).
            models.Index(fields=["section", "-publish_at", "-id", "status"], name="article_section_recent"),
            models.Index(fields=["top_story_rank"], name="article_top_story"),
            # The desk's queues of items in review and drafts, newest first (newsroom.selectors.desk_queues):
            # read from the index, never by walking the archive's ids down to the few unpublished rows.
            models.Index(fields=["status", "-id"], name="article_status_recent"),
            models.Index(fields=["section", "status", "-id"], name="article_section_status_recent"),
            # An edition's feed (news.selectors: the home page's latest, /ru/news/, archive days): a small edition
            # beside a large one reads its own rows, never a walk of the other edition's.
            models.Index(fields=["language", "status", "-publish_at", "-id"], name="article_language_feed"),
            # The newsroom's article list of one edition, newest first (newsroom.admin.EditionFilter): from the
            # index, never a sort of the edition's whole archive. With what the visibility gate checks (PostgreSQL:
            # search's id windows check each match's article from the index alone, 5 → 3 µs a match, and read the
            # publish time and section the rank statement needs in the same look-up).
            models.Index(
                fields=["language", "-id"],
                include=["status", "publish_at", "section"],
                name="article_language_recent",
            ),
            models.Index(
                fields=["translation_of"],
                name="article_translation_of",
                condition=models.Q(translation_of__isnull=False),
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and correct articles"),
            ("withdraw_article", "Can withdraw articles"),
            ("order_top_stories", "Can order top stories"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        if not self.guid:
            self.guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:{self.public_id}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return _in_edition(self.language, "site:article", {"public_id": self.public_id, "slug": self.slug})

    def full_clean(
        self,
        exclude: Iterable[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        self._clean_exclude = set(exclude or ())
        try:
            super().full_clean(
                exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints
            )
        finally:
            del self._clean_exclude

    def clean(self) -> None:
        """An article's section is one of its edition's; a translation translates an article of another edition."""
        super().clean()
        errors: dict[str, str] = {}
        # A bulk import leaves the section unchecked (news.services.NOT_VALIDATED_IN_BULK): reading it would
        # cost a query an article.
        checks_section = "section" not in getattr(self, "_clean_exclude", ())
        if checks_section and self.section_id is not None and self.section.language != self.language:
            errors["section"] = (
                f"The section {self.section.name!r} belongs to the {self.section.language!r} edition; choose a "
                f"section of the {self.language!r} edition, or change the article's language."
            )
        original = self.translation_of if self.translation_of_id is not None else None
        if original is not None:
            if self.pk is not None and original.pk == self.pk:
                errors["translation_of"] = (
                    "An article cannot be a translation of itself; choose another article."
                )
            elif original.language == self.language:
                errors["translation_of"] = (
                    f"The original is in the {original.language!r} edition like this article; a translation links "
                    "articles of two different editions."
                )
            elif original.translation_of_id is not None:
                errors["translation_of"] = (
                    "That article is itself a translation; link this one to its original "
                    f"(public id {Article.objects.get(pk=original.translation_of_id).public_id})."
                )
            elif self.pk is not None and self.translations.exists():
                errors["translation_of"] = (
                    "This article is the original of other translations; it cannot be a translation itself."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def dateline(self) -> str:
        """ "PSKOV, May 30. /TASS/." — the agency's dateline, built from its fields."""
        if not self.dateline_place:
            return ""
        parts = [self.dateline_place.upper()]
        if self.dateline_date:
            parts[0] += f", {dateline_day(self.dateline_date, self.language)}"  # "30 мая" in Russian
        text = parts[0] + "."
        if self.dateline_source:
            text += f" /{self.dateline_source}/."
        return text

    def visible_at(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED) and bool(
            self.publish_at and self.publish_at <= at
        )

    @property
    def effective_status(self) -> str:
        if self.status == self.Status.SCHEDULED and self.visible_at():
            return self.Status.PUBLISHED.label
        return self.get_status_display()


class ReadAlso(models.Model):
    """An ordered "Read also" link: to one of our articles, or kept as a title when no match exists."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_also")
    target = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300, blank=True, help_text="Used when no target article is set.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "Read also"

    def __str__(self) -> str:
        return self.target.headline if self.target is not None else self.title

    @property
    def reader_link(self) -> tuple[str, str]:
        """(title, url) for readers; url is empty unless the target is visible now."""
        target = self.target if self.target_id else None
        if target is not None and target.visible_at():
            return target.headline, target.get_absolute_url()
        return self.title, ""  # never the headline of an unpublished target


class ReadAlsoSuggestion(models.Model):
    """An automatic "Read also" link (the search app's related articles, chosen when the article is
    published), shown to readers only when the editor chose no link. Visibility is checked when read."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_also_suggestions")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} -> {self.target_id}"


class OtherMediaLink(models.Model):
    """ "In other media": another outlet's coverage of the same story — a link, never our copy."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="other_media")
    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    published_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "url"], name="other_media_unique_url")]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title}"


class Correction(models.Model):
    """The public corrections/updates log under an article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Revision(models.Model):
    """Every newsroom save keeps one: who, when, what changed, and a snapshot to compare and restore."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_fields = models.JSONField(default=list)
    snapshot = models.JSONField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {', '.join(self.changed_fields)}"


class Gallery(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    lead = models.TextField(blank=True)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL)
    is_published = models.BooleanField(default=False)
    publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name_plural = "galleries"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("site:gallery", kwargs={"slug": self.slug})


class GalleryPhoto(models.Model):
    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="items")
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.gallery_id} #{self.order}"


class Infographic(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    # A FileField, not an ImageField: the newsroom form checks and re-encodes the upload (images.clean_image).
    image = models.FileField(
        upload_to="infographics/%Y/%m/",
        help_text="PNG, JPEG, WebP or GIF; re-encoded on upload. SVG is not accepted.",
    )
    text_alternative = models.TextField(
        help_text="The same information as text, for readers who cannot see it."
    )
    source = models.CharField(max_length=300, blank=True)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL)
    is_published = models.BooleanField(default=False)
    publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-publish_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("site:infographic", kwargs={"slug": self.slug})
