"""Writes to the content model. Keyword-only, typed; permissions are checked here, not only in the UI.

Side effects beyond the row (search index, cache purge, live feed, pings) are never run here, nor from
``save()`` or signals: a write that changes what readers may see records a change in the publishing
pipeline's outbox in its own transaction (``changes_record``), and the worker runs the effects after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.ops import audit
from newsdesk.pipeline.models import Change
from newsdesk.pipeline.services import ChangeNote, changes_record

from .html import sanitize_html, text_to_html
from .images import CleanImage, clean_image, make_renditions
from .models import (
    Article,
    Correction,
    Gallery,
    GalleryPhoto,
    Infographic,
    OtherMediaLink,
    Person,
    Photo,
    ReadAlsoSuggestion,
    Revision,
    Section,
    Topic,
    new_public_id,
)

Status = Article.Status
SNAPSHOT_FIELDS = (
    "headline", "slug", "lead", "body", "dateline_place", "dateline_date", "dateline_source", "byline",
    "language", "section_id", "urgency", "status", "publish_at", "lead_photo_id", "top_story_rank",
    "read_also_after", "embargoed_until", "translation_of_id",
)  # fmt: skip
# Changes to these make a new public version of a visible article.
CONTENT_FIELDS = {"headline", "lead", "body", "dateline_place", "dateline_date", "byline", "lead_photo_id"}


class EditConflict(Exception):
    """Someone saved the article after the editor's form was loaded: saving it as it is would undo their work."""

    def __init__(self, *, article_id: int, base: int | None, current: int):
        super().__init__(f"Article {article_id} was saved by someone else since this form was loaded.")
        self.article_id, self.base, self.current = article_id, base, current


def edit_base(*, article_id: int) -> int:
    """The version an editor's form starts from: the id of the article's newest revision (0: none yet).

    Every save that changes what the form shows records a revision, in the same transaction; a save that
    changes nothing records none, and can overwrite nothing."""
    return (
        Revision.objects.filter(article_id=article_id).order_by("-id").values_list("pk", flat=True).first()
        or 0
    )


def article_edit_check(*, article_id: int, base: int | None) -> None:
    """Raise EditConflict unless the article is still at ``base`` (from ``edit_base`` when the form was loaded).

    Locks the article's row until the caller's transaction ends, so two saves of one form version cannot both
    pass: the second waits for the first to commit and then sees its revision."""
    Article.objects.select_for_update().filter(pk=article_id).values_list("pk", flat=True).first()
    current = edit_base(article_id=article_id)
    if base != current:
        raise EditConflict(article_id=article_id, base=base, current=current)


def _require(user: User | None, perm: str, action: str) -> None:
    if user is not None and not user.has_perm(f"news.{perm}"):
        raise PermissionDenied(f"You are not allowed to {action}; ask an editor.")


def allowed_statuses(user: User | None) -> set[str]:
    """The statuses this user may put an article into."""
    statuses: set[str] = {Status.DRAFT, Status.REVIEW}
    if user is None or user.has_perm("news.publish_article"):
        statuses |= {Status.SCHEDULED, Status.PUBLISHED}
    if user is None or user.has_perm("news.withdraw_article"):
        statuses.add(Status.WITHDRAWN)
    return statuses


def snapshot(article: Article) -> dict:
    data = {name: getattr(article, name) for name in SNAPSHOT_FIELDS}
    for name, value in data.items():
        if isinstance(value, dt.datetime):
            # In UTC: the form gives local time, the database UTC; the same instant must compare equal.
            data[name] = value.astimezone(dt.UTC).isoformat()
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
    if article.pk:
        data["persons"] = sorted(article.persons.values_list("pk", flat=True))
        data["topics"] = sorted(article.topics.values_list("pk", flat=True))
    return data


def _changed(before: dict, after: dict) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


def _apply_status(article: Article, target: str, *, now: dt.datetime) -> None:
    """Publishing decides SCHEDULED vs PUBLISHED from the publish time; withdrawing stamps the time."""
    if target in (Status.PUBLISHED, Status.SCHEDULED):
        # Whole seconds: the newsroom form shows seconds, so a later save must not look like a schedule change.
        article.publish_at = article.publish_at or now.replace(microsecond=0)
        target = Status.SCHEDULED if article.publish_at > now else Status.PUBLISHED
        if target == Status.PUBLISHED and article.first_published_at is None:
            article.first_published_at = article.publish_at
    if target == Status.WITHDRAWN and article.status != Status.WITHDRAWN:
        article.withdrawn_at = now
    article.status = target


def is_backfill_at(first_published_at: dt.datetime, *, now: dt.datetime) -> bool:
    """A first publication already older than NEWSDESK_BACKFILL_AGE: an archive or a backlog, not news."""
    return first_published_at < now - dt.timedelta(seconds=settings.NEWSDESK_BACKFILL_AGE)


def _first_publication(article: Article, target: str, *, now: dt.datetime) -> bool:
    """Apply the status rule; True when this is the article's first publication (which decides, once for
    good, whether the article is backfill)."""
    unpublished = article.first_published_at is None
    _apply_status(article, target, now=now)
    if unpublished and article.first_published_at is not None:
        article.is_backfill = is_backfill_at(article.first_published_at, now=now)
        return True
    return False


def check_embargo(article: Article) -> None:
    """An embargoed story goes out at its time, never before: publishing it (or scheduling it) earlier is
    refused. Checked where an article becomes public, not on later saves of a story already out."""
    embargo = article.embargoed_until
    if embargo is None or article.status not in (Status.PUBLISHED, Status.SCHEDULED):
        return
    if article.publish_at is None or article.publish_at < embargo:
        local = timezone.localtime(embargo)
        raise ValidationError(
            f"Embargoed until {local:%d %B %Y, %H:%M} ({local.tzname()}): it may not be published before then. "
            "Schedule it for that time or later (set its publish time), or wait.",
            code="embargoed",
        )


def _change_kind(*, was_visible: bool, visible: bool) -> str | None:
    if visible:
        return Change.Kind.UPDATED if was_visible else Change.Kind.PUBLISHED
    return Change.Kind.WITHDRAWN if was_visible else None


@transaction.atomic
def article_save(
    *,
    article: Article,
    by: User | None,
    status: str | None = None,
    note: str = "",
    previous: dict | None = None,
    record_revision: bool = True,
) -> Article:
    """Create or update an article through the newsroom's rules; records a revision.

    ``previous`` is the snapshot taken before the caller changed fields (the admin passes it); without it
    the article is read back from the database. The admin records the revision itself, after it has saved
    persons and topics (``record_revision=False``).
    """
    now = timezone.now()
    if previous is None:
        previous = snapshot(Article.objects.get(pk=article.pk)) if article.pk else {}
    target = status or article.status
    _check_rights(by, article=article, target=target)
    old_status = previous.get("status", Status.DRAFT)
    was_visible = old_status in (Status.PUBLISHED, Status.SCHEDULED) and _was_visible(previous, now)
    article.body = sanitize_html(article.body)
    if not article.pk and by is not None:
        article.created_by = by
    first = _first_publication(article, target, now=now)
    if not was_visible:
        check_embargo(article)
    if article.status in (Status.PUBLISHED, Status.SCHEDULED):
        article.spiked_at = None  # out of the desk's spike either way: it is a story now
    content_changed = bool(CONTENT_FIELDS & set(_changed(previous, snapshot(article))))
    if was_visible and content_changed:
        article.version += 1
        article.updated_at = now
    article.full_clean()
    article.save()
    if record_revision:
        revision_record(article=article, by=by, previous=previous, note=note)
    audit.article_status_changed(article=article, old_status=old_status, by=by)
    kind = _change_kind(was_visible=was_visible, visible=article.visible_at(now))
    if kind:
        news = first and kind == Change.Kind.PUBLISHED and not article.is_backfill
        changes_record(changes=[ChangeNote(article_id=article.pk, kind=kind, is_news=news)])
    return article


def _check_rights(by: User | None, *, article: Article, target: str) -> None:
    """Reporters touch only drafts and items in review; what readers see, or will see on a schedule, and the
    top-story order belong to editors. Decided from the stored row, never from what the caller says it was."""
    if by is None:
        return
    stored = (
        Article.objects.filter(pk=article.pk).values("status", "top_story_rank").first()
        if article.pk
        else None
    )
    old_status = stored["status"] if stored else Status.DRAFT
    if target != old_status and target not in allowed_statuses(by):
        raise PermissionDenied(f"You may not set an article to {Status(target).label}; ask an editor.")
    if old_status not in (Status.DRAFT, Status.REVIEW):
        _require(by, "publish_article", f"change a {Status(old_status).label.lower()} article")
    if article.top_story_rank != (stored["top_story_rank"] if stored else None):
        _require(by, "order_top_stories", "order top stories")


def _was_visible(previous: dict, now: dt.datetime) -> bool:
    publish_at = previous.get("publish_at")
    if not publish_at:
        return False
    return dt.datetime.fromisoformat(publish_at) <= now


def revision_record(*, article: Article, by: User | None, previous: dict, note: str = "") -> Revision | None:
    after = snapshot(article)
    changed = _changed(previous, after)
    if previous and not changed:
        return None
    return Revision.objects.create(
        article=article, created_by=by, changed_fields=changed or ["created"], snapshot=after, note=note[:200]
    )


@transaction.atomic
def article_publish(*, article: Article, by: User | None, at: dt.datetime | None = None) -> Article:
    _require(by, "publish_article", "publish")
    previous = snapshot(Article.objects.get(pk=article.pk))
    if at is not None:
        article.publish_at = at
    return article_save(article=article, by=by, status=Status.PUBLISHED, previous=previous, note="published")


@transaction.atomic
def article_correct(
    *, article: Article, by: User | None, note: str, kind: str = Correction.Kind.CORRECTION
) -> Correction:
    """Add a public correction or update note; the article gets a new version and update time."""
    _require(by, "publish_article", "correct articles")
    note = note.strip()
    if not note:
        raise ValidationError("A correction needs a note that tells readers what changed.")
    now = timezone.now()
    correction = Correction.objects.create(article=article, kind=kind, note=note, created_at=now)
    # modified_at too: an update() skips auto_now, and feeds' conditional GETs compare it (a 304 would hide it).
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1, updated_at=now, modified_at=now)
    article.refresh_from_db()
    if article.visible_at(now):
        changes_record(changes=[ChangeNote(article_id=article.pk, kind=Change.Kind.UPDATED)])
    audit.audit_record(action="correct", obj=article, object_repr=article.headline, detail=note, by=by)
    return correction


@transaction.atomic
def article_withdraw(*, article: Article, by: User | None, note: str) -> Article:
    """Take an article off the site (410) and the wire (a canceled version); ``note`` is the reason readers
    are told on its page, so it is required."""
    _require(by, "withdraw_article", "withdraw articles")
    note = note.strip()
    if not note:
        raise ValidationError("Say why the article is withdrawn: readers see the reason on its page.")
    previous = snapshot(article)
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, note=note)
    return article_save(article=article, by=by, status=Status.WITHDRAWN, previous=previous, note="withdrawn")


@transaction.atomic
def article_restore_revision(*, revision: Revision, by: User | None, reason: str = "") -> Article:
    """Bring back a revision's text and metadata; status and schedule stay as they are now. On a story readers
    can see, the public text changes at once: that needs a reason, kept with the new revision."""
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    reason = " ".join(reason.split())
    if article.visible_at() and not reason:
        raise ValidationError("Say why you restore this revision: readers see the change at once.")
    previous = snapshot(article)
    data = revision.snapshot
    for name in SNAPSHOT_FIELDS:
        # The translation link is left as it is: the article it named may be gone or linked elsewhere since.
        if name in ("status", "publish_at", "top_story_rank", "embargoed_until", "translation_of_id"):
            continue
        if name not in data:
            continue
        value = data[name]
        if name == "dateline_date" and value:
            value = dt.date.fromisoformat(value)
        setattr(article, name, value)
    # Persons and topics deleted since the revision are left out: a dangling id fails only at commit.
    article.persons.set(Person.objects.filter(pk__in=data.get("persons", [])))
    article.topics.set(Topic.objects.filter(pk__in=data.get("topics", [])))
    audit.audit_record(
        action="restore",
        obj=article,
        object_repr=article.headline,
        detail=f"revision {revision.pk} of {revision.created_at:%Y-%m-%d %H:%M}: {reason}",
        by=by,
    )
    return article_save(
        article=article,
        by=by,
        previous=previous,
        note=f"restored revision of {revision.created_at:%Y-%m-%d %H:%M}" + (f": {reason}" if reason else ""),
    )


@transaction.atomic
def top_stories_set(*, by: User | None, article_ids: Iterable[int]) -> None:
    """Order the top stories: the given articles get ranks 1..n, every other article loses its rank."""
    _require(by, "order_top_stories", "order top stories")
    ids = list(dict.fromkeys(article_ids))
    Article.objects.filter(top_story_rank__isnull=False).exclude(pk__in=ids).update(top_story_rank=None)
    for rank, pk in enumerate(ids, start=1):
        Article.objects.filter(pk=pk).update(top_story_rank=rank)


@transaction.atomic
def read_also_suggestions_set(*, article_id: int, target_ids: Iterable[int]) -> None:
    """Replace an article's automatic Read also links (in this order; the article itself never)."""
    ids = [pk for pk in dict.fromkeys(target_ids) if pk != article_id]
    ReadAlsoSuggestion.objects.filter(article_id=article_id).delete()
    ReadAlsoSuggestion.objects.bulk_create(
        ReadAlsoSuggestion(article_id=article_id, target_id=pk, order=order) for order, pk in enumerate(ids)
    )


@transaction.atomic
def read_also_suggestions_replace(*, suggestions: dict[int, list[int]]) -> None:
    """``read_also_suggestions_set`` for many articles in two statements (the publishing pipeline's)."""
    ReadAlsoSuggestion.objects.filter(article_id__in=list(suggestions)).delete()
    ReadAlsoSuggestion.objects.bulk_create(
        ReadAlsoSuggestion(article_id=article_id, target_id=pk, order=order)
        for article_id, targets in suggestions.items()
        for order, pk in enumerate(pk for pk in dict.fromkeys(targets) if pk != article_id)
    )


def article_tags_add(*, article: Article, topics: Iterable[Topic], persons: Iterable[Person]) -> None:
    """Tag an article with topics and persons (wire ingest: the provider's subjects and the names we know)."""
    article.topics.add(*topics)
    article.persons.add(*persons)


def other_media_links_add(*, links: list[OtherMediaLink]) -> None:
    """ "In other media" links under our articles; a link an article already has is kept as it is."""
    OtherMediaLink.objects.bulk_create(links, ignore_conflicts=True)


@transaction.atomic
def photo_create(
    *, image: File, caption: str, credit: str, alt_text: str, is_placeholder: bool = False
) -> Photo:
    photo = Photo(
        caption=caption.strip(), credit=credit.strip(), alt_text=alt_text.strip() or caption.strip()
    )
    photo.is_placeholder = is_placeholder
    _require_caption_and_credit(photo)
    return photo_save(photo=photo, clean=clean_image(image))


@transaction.atomic
def photo_save(*, photo: Photo, clean: CleanImage | None = None) -> Photo:
    """Save a photo's text, and its image when ``clean`` (from images.clean_image) brings a new one."""
    _require_caption_and_credit(photo)
    if clean is not None:
        # Drop whatever file the caller attached (a form attaches the raw upload): only re-encoded pixels,
        # without their metadata, are ever written to storage.
        photo.image = ""
        photo.image.save(f"upload.{clean.extension}", clean.content, save=False)
        photo.width, photo.height = clean.width, clean.height
        photo.renditions = make_renditions(_stored_name(photo))
    photo.save()
    return photo


def _stored_name(photo: Photo) -> str:
    name = photo.image.name
    assert name is not None  # FieldFile.save names the file it stored
    return name


@dataclass(frozen=True)
class GalleryUpload:
    """A new photo for a gallery: its re-encoded image (images.clean_image) and its words."""

    clean: CleanImage
    caption: str
    credit: str
    alt_text: str = ""


def gallery_photos_add(*, gallery: Gallery, sequence: Iterable[int | GalleryUpload]) -> list[GalleryPhoto]:
    """Add photos to a gallery and set its order in one go. ``sequence`` is the gallery as it should read: ids of
    its items (GalleryPhoto) and new uploads, first to last; items it leaves out keep their order after it. Every
    upload is checked (caption, credit) before anything is written, and if the transaction fails the image files
    already stored are deleted again: nothing of a refused batch stays behind."""
    sequence = list(sequence)
    uploads = [entry for entry in sequence if isinstance(entry, GalleryUpload)]
    for upload in uploads:
        if not upload.caption.strip() or not upload.credit.strip():
            raise ValidationError("Every photo needs a caption and a credit.")
    stored: list[str] = []
    try:
        with transaction.atomic():
            items = {
                item.pk: item for item in GalleryPhoto.objects.select_for_update().filter(gallery=gallery)
            }
            ordered: list[GalleryPhoto] = []
            for entry in sequence:
                if isinstance(entry, GalleryUpload):
                    photo = Photo(caption=entry.caption.strip(), credit=entry.credit.strip())
                    photo.alt_text = entry.alt_text.strip() or photo.caption
                    photo.image.save(f"upload.{entry.clean.extension}", entry.clean.content, save=False)
                    stored.append(_stored_name(photo))
                    photo.width, photo.height = entry.clean.width, entry.clean.height
                    photo.renditions = make_renditions(_stored_name(photo))
                    stored.extend(photo.renditions.values())
                    photo.save()
                    ordered.append(GalleryPhoto(gallery=gallery, photo=photo))
                elif entry in items:
                    ordered.append(items.pop(entry))
            ordered.extend(sorted(items.values(), key=lambda item: (item.order, item.pk)))
            for position, item in enumerate(ordered):
                item.order = position
            GalleryPhoto.objects.bulk_update([item for item in ordered if item.pk], ["order"])
            GalleryPhoto.objects.bulk_create([item for item in ordered if not item.pk])
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return ordered


@transaction.atomic
def infographic_save(*, infographic: Infographic, clean: CleanImage | None = None) -> Infographic:
    """Save an infographic, and its image when ``clean`` (from images.clean_image) brings a new one: only
    re-encoded pixels are stored, under a name nobody chose (never the uploader's .html or .svg)."""
    if clean is not None:
        infographic.image = ""
        infographic.image.save(f"{secrets.token_hex(8)}.{clean.extension}", clean.content, save=False)
    elif not infographic.image:
        raise ValidationError("An infographic needs its image.")
    infographic.save()
    return infographic


def _require_caption_and_credit(photo: Photo) -> None:
    if not photo.caption.strip() or not photo.credit.strip():
        raise ValidationError("A photo needs a caption and a credit.")


def scheduled_release_due(*, now: dt.datetime | None = None) -> list[int]:
    """Mark scheduled articles whose time has come as published and record the change for the pipeline.

    Readers never wait for this: the visibility gate shows a scheduled item at its minute without it. What it
    adds is the side effects that a publish runs (cache purge, search index, WebSub ping, live feed), which
    otherwise would only happen when someone next saves the article. Each item is released once: its status
    changes in the same transaction. A release too late to be news (the worker was down for longer than
    NEWSDESK_BACKFILL_AGE) is not announced, but it is no backfill: it was planned.
    """
    now = now or timezone.now()
    released: list[ChangeNote] = []
    with transaction.atomic():
        due = Article.objects.select_for_update().filter(status=Status.SCHEDULED, publish_at__lte=now)
        for article in due.only("pk", "publish_at", "first_published_at"):
            Article.objects.filter(pk=article.pk).update(
                status=Status.PUBLISHED, first_published_at=article.first_published_at or article.publish_at
            )
            assert article.publish_at is not None  # due: publish_at__lte=now
            news = article.first_published_at is None and not is_backfill_at(article.publish_at, now=now)
            released.append(ChangeNote(article_id=article.pk, kind=Change.Kind.PUBLISHED, is_news=news))
        changes_record(changes=released)
    return [note.article_id for note in released]


# --- Bulk import (the wire): a batch of new articles in a few statements -----------------------------------

# Foreign keys are checked by the database on insert; one by one they would cost a query each.
NOT_VALIDATED_IN_BULK = ["section", "lead_photo", "created_by"]


def article_prepare(*, article: Article, status: str, now: dt.datetime) -> Article:
    """A new, unsaved article ready for ``articles_ingest``: the newsroom's status rule applied (publish
    time, first publication, backfill) and its fields validated (ValidationError). Uniqueness and foreign
    keys are left to the bulk write."""
    _first_publication(article, status, now=now)
    check_embargo(article)
    article.full_clean(exclude=NOT_VALIDATED_IN_BULK, validate_unique=False, validate_constraints=False)
    return article


@dataclass
class NewArticle:
    """One article of a bulk import: prepared (``article_prepare``), not saved."""

    article: Article
    slug: str  # the wanted slug: kept when free, else made unique with the public id
    guid: str  # the provider's guid: travels on unless an article already has it
    note: str  # the first revision's note
    person_ids: list[int] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)


@transaction.atomic
def articles_ingest(*, new: list[NewArticle], now: dt.datetime) -> list[Article]:
    """Create a batch of new articles as ``article_save`` creates them one by one — unique identities, the
    rows, their persons and topics, first revisions, and the pipeline's changes for the visible ones — in a
    few statements for the whole batch, all or nothing (a crash leaves the batch whole or absent)."""
    if not new:
        return []
    _settle_identities(new)
    # As article_save records it: before persons and topics are added.
    snapshots = [{**snapshot(n.article), "persons": [], "topics": []} for n in new]
    articles = Article.objects.bulk_create([n.article for n in new])
    _tags_add(new)
    Revision.objects.bulk_create(
        Revision(article=n.article, changed_fields=["created"], snapshot=data, note=n.note[:200])
        for n, data in zip(new, snapshots, strict=True)
    )
    visible = [a for a in articles if a.visible_at(now)]
    kind = Change.Kind.PUBLISHED
    changes_record(
        changes=[ChangeNote(article_id=a.pk, kind=kind, is_news=not a.is_backfill) for a in visible]
    )
    return articles


def _tags_add(new: list[NewArticle]) -> None:
    topics, persons = Article.topics.through, Article.persons.through
    topics.objects.bulk_create(
        topics(article_id=n.article.pk, topic_id=pk) for n in new for pk in dict.fromkeys(n.topic_ids)
    )
    persons.objects.bulk_create(
        persons(article_id=n.article.pk, person_id=pk) for n in new for pk in dict.fromkeys(n.person_ids)
    )


def slug_with_id(base: str, public_id: int) -> str:
    """A slug made unique by the public id (a headline's slug that another article already has)."""
    return f"{base[:160]}-{public_id}"


def _settle_public_ids(articles: list[Article]) -> None:
    """Every id unique in the batch and in the table: a redrawn id is checked against the table again (at a
    million stored articles one draw in 900 collides)."""
    unsettled, used = articles, set[int]()
    while unsettled:
        ids = [article.public_id for article in unsettled]
        taken = set(Article.objects.filter(public_id__in=ids).values_list("public_id", flat=True)) | used
        redrawn = []
        for article in unsettled:
            if article.public_id in taken:
                article.public_id = new_public_id()
                redrawn.append(article)
            else:
                taken.add(article.public_id)
        used = taken
        unsettled = redrawn


def _settle_identities(new: list[NewArticle]) -> None:
    """Public id, slug and guid, unique as one-by-one saves make them, from three queries for the batch.

    Public ids are random in 900 million: among some 20,000 articles two alike are likely (the birthday
    paradox), so the batch's are checked too, not left to fail the batch's insert."""
    _settle_public_ids([n.article for n in new])
    taken_slugs = set(Article.objects.filter(slug__in=[n.slug for n in new]).values_list("slug", flat=True))
    taken_guids = set(Article.objects.filter(guid__in=[n.guid for n in new]).values_list("guid", flat=True))
    for n in new:
        article = n.article
        article.slug = n.slug if n.slug not in taken_slugs else slug_with_id(n.slug, article.public_id)
        taken_slugs.add(article.slug)
        if n.guid and n.guid not in taken_guids:
            article.guid = n.guid  # the provider's guid travels on, as in the one-by-one path
        else:
            article.guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:{article.public_id}"
        taken_guids.add(article.guid)


# --- The desk: spike, flash, takes, rewrites -----------------------------------------------------------------


def _desk_revision(article: Article, *, by: User | None, what: str, note: str) -> Revision:
    """A desk action in the article's history (who spiked it, when): the snapshot as it is, the action named."""
    return Revision.objects.create(
        article=article, created_by=by, changed_fields=[what], snapshot=snapshot(article), note=note[:200]
    )


@transaction.atomic
def article_spike(*, article: Article, by: User | None) -> Article:
    """Take an unpublished item off the desk's queues (a wire item nobody will run, a draft given up). Nothing
    is deleted: ``article_unspike`` brings it back. Whoever may edit the item may spike it."""
    _require(by, "change_article", "spike items")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in (Status.DRAFT, Status.REVIEW):
        raise ValidationError(
            f"Only drafts and items in review can be spiked; this one is {article.get_status_display().lower()}"
            " (withdraw a published story instead)."
        )
    if article.spiked_at is None:
        article.spiked_at = timezone.now()
        article.save(update_fields=["spiked_at", "modified_at"])
        _desk_revision(article, by=by, what="spiked", note="spiked")
    return article


@transaction.atomic
def article_unspike(*, article: Article, by: User | None) -> Article:
    """Put a spiked item back in its queue."""
    _require(by, "change_article", "unspike items")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.spiked_at is not None:
        article.spiked_at = None
        article.save(update_fields=["spiked_at", "modified_at"])
        _desk_revision(article, by=by, what="unspiked", note="unspiked")
    return article


def unique_slug(headline: str, public_id: int) -> str:
    base = slugify(headline)[:180] or "article"
    return base if not Article.objects.filter(slug=base).exists() else slug_with_id(base, public_id)


@transaction.atomic
def article_flash(*, by: User | None, headline: str, section_id: int, urgency: int = 1) -> Article:
    """A one-line urgent item, published at once: the headline is the whole story until its takes come."""
    _require(by, "publish_article", "publish a flash")
    headline = " ".join(headline.split())
    if not headline:
        raise ValidationError("Write the flash: one line that says what happened.")
    if urgency not in (1, 2, 3):
        raise ValidationError("A flash is urgency 1 (FLASH), 2 (URGENT) or 3.")
    section = Section.objects.get(pk=section_id)  # the flash is in the section's edition
    article = Article(headline=headline[:300], section=section, language=section.language, urgency=urgency)
    article.body = text_to_html(headline)
    article.slug = unique_slug(headline, article.public_id)
    return article_save(article=article, by=by, status=Status.PUBLISHED, note="flash from the desk")


@transaction.atomic
def article_take(
    *, article: Article, by: User | None, text: str, headline: str = "", note: str = ""
) -> Article:
    """A follow-up take on a running story: its text added after what is there (and a new headline, when given),
    as a new version of the same story — same public id and address. On a story readers can see, the take is
    also an entry of its public log ("Update: …", in feeds and JSON-LD); the revisions keep every take."""
    _require(by, "publish_article", "add takes")
    article = Article.objects.select_for_update().get(pk=article.pk)
    added = text_to_html(text.strip())
    headline = " ".join(headline.split())
    if not added and not headline:
        raise ValidationError("Write the take: the new text (or a new headline).")
    previous = snapshot(article)
    if headline:
        article.headline = headline[:300]
    if added:
        article.body = f"{article.body}\n{added}"
    now = timezone.now()
    visible = article.visible_at(now)
    article = article_save(article=article, by=by, previous=previous, note="take from the desk")
    if visible:
        note = " ".join(note.split()) or "New details added."
        Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, note=note, created_at=now)
    return article


@transaction.atomic
def article_rewrite(*, article: Article, by: User | None, provenance: dict) -> Article:
    """Our own story from a wire item: a new draft with the item's text to rewrite, its provenance kept
    (``provenance``: the source's name, the item's guid and version, as the desk found them), and the wire
    copy spiked so that nobody runs both. The embargo travels with the text."""
    _require(by, "add_article", "rewrite wire items")
    wire = Article.objects.select_for_update().get(pk=article.pk)
    if wire.status not in (Status.DRAFT, Status.REVIEW):
        raise ValidationError("Only a wire item not yet published can be rewritten; edit the story instead.")
    story = Article(
        headline=wire.headline, lead=wire.lead, body=wire.body, section_id=wire.section_id,
        urgency=wire.urgency, dateline_place=wire.dateline_place, dateline_date=wire.dateline_date,
        language=wire.language, embargoed_until=wire.embargoed_until, lead_photo_id=wire.lead_photo_id,
        provenance={**provenance, "article_id": wire.pk},
    )  # fmt: skip
    story.slug = unique_slug(wire.headline, story.public_id)
    source = provenance.get("source") or "the wire"
    story = article_save(article=story, by=by, status=Status.DRAFT, note=f"rewritten from {source}")
    story.topics.set(wire.topics.all())
    story.persons.set(wire.persons.all())
    if by is None or by.has_perm("news.change_article"):
        article_spike(article=wire, by=by)
    return story
