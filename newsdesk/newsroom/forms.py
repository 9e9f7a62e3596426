from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone

from newsdesk.news.html import paragraphs_from_text, sanitize_html
from newsdesk.news.images import check_upload, clean_image
from newsdesk.news.models import Article, Correction, Infographic, Photo
from newsdesk.news.nesting import MAX_DEPTH, too_deep
from newsdesk.news.services import allowed_statuses, check_embargo, edit_base, snapshot

from .diff import LABELS, digest, form_field

PUBLISH_YEARS = (1900, 2999)


class ArticleForm(forms.ModelForm):
    # The version this form was loaded from (news.services.edit_base). Saving checks it: if someone saved the
    # article since, the newsroom shows what they changed instead of silently undoing it. Kept as text: a
    # tampered value is simply no version, a conflict, never a form error nobody can see or fix.
    edit_base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    # Fingerprints of the fields as loaded (diff.digest): after a conflict, which fields were whose change.
    edit_digest = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400)

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "lead", "body", "section", "lead_photo",
            "dateline_place", "dateline_date", "dateline_source", "byline", "language", "translation_of",
            "status", "publish_at", "embargoed_until", "urgency", "top_story_rank", "persons", "topics",
            "read_also_after",
        ]  # fmt: skip
        widgets = {
            # The whole width of the form: agency headlines run to 100 characters and more.
            "headline": forms.TextInput(attrs={"class": "vTextField headline-field"}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            # data-photos: where the body editor (static/newsroom/body-editor.js) finds the photo library.
            "body": forms.Textarea(
                attrs={"rows": 20, "data-photos": reverse_lazy("admin:news_photo_picker")}
            ),
        }
        help_texts = {
            "body": "Plain text is fine: a blank line starts a new paragraph. HTML is kept to what readers may "
            "see; a horizontal rule with class page-break starts a new page.",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and not self.is_bound:
            self.fields["edit_base"].initial = edit_base(article_id=self.instance.pk)
            self.fields["edit_digest"].initial = digest(snapshot(self.instance))
        if "language" in self.fields:
            # The editions this site publishes (settings.LANGUAGES, from NEWSDESK_EDITIONS).
            self.fields["language"] = forms.TypedChoiceField(
                label="Edition",
                choices=settings.LANGUAGES,
                initial=self.instance.language or settings.LANGUAGE_CODE,
                help_text="The edition the article appears in; its section must be one of that edition's.",
            )
        if "status" in self.fields:
            # Withdrawing asks for the reason readers are told, on its own page (the Withdraw button).
            allowed = (allowed_statuses(user) - {Article.Status.WITHDRAWN}) | {self.instance.status}
            self.fields["status"].choices = [c for c in Article.Status.choices if c[0] in allowed]
            self.fields["status"].help_text = "Published with a future publish time means scheduled."

    def clean(self):
        cleaned = super().clean()
        self._keep_theirs(cleaned)
        self._check_embargo(cleaned)
        return cleaned

    def _check_embargo(self, cleaned: dict) -> None:
        """The service refuses to publish before an embargo (news.services.check_embargo); said here, on the
        publish time, so that the editor sees why and what to do instead of a failed save."""
        status, embargo = cleaned.get("status"), cleaned.get("embargoed_until")
        if not embargo or status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
            return
        if self.instance.pk and self.instance.visible_at():
            return  # already out: the embargo is history
        probe = Article(status=status, publish_at=cleaned.get("publish_at") or timezone.now())
        probe.embargoed_until = embargo
        try:
            check_embargo(probe)
        except ValidationError as exc:
            self.add_error("publish_at" if "publish_at" in self.fields else None, exc)

    def _keep_theirs(self, cleaned: dict) -> None:
        """After a conflict, the fields the editor chose to take from the saved version ("_pick_<field>" =
        "theirs") get the stored values. Only stored values: a pick can restore what is saved, never invent."""
        if not self.instance.pk or self.data.get("_resolve") != "picked":
            return
        for key in LABELS:
            name = form_field(key)
            if self.data.get(f"_pick_{key}") != "theirs" or name not in self.fields:
                continue
            field = self.instance._meta.get_field(name)
            if field.many_to_many:
                cleaned[name] = list(getattr(self.instance, name).all())
            else:
                cleaned[name] = getattr(self.instance, name)
            self.errors.pop(name, None)

    def clean_body(self):
        # Sanitized here as well as in the service, so a body that is nothing but stripped markup is a form
        # error the editor sees, not a failed save. Nesting is checked first: sanitizing markup nested
        # thousands deep would take minutes (news/nesting.py). Text typed without paragraphs' markup (the
        # textarea without JavaScript, a paste from a plain-text wire) keeps its blank lines as paragraphs.
        if too_deep(self.cleaned_data["body"]):
            raise ValidationError(
                f"The body's markup nests more than {MAX_DEPTH} levels deep; no article needs that. Paste it as "
                "plain text, or remove the nested boxes."
            )
        body = sanitize_html(paragraphs_from_text(self.cleaned_data["body"]))
        if not body:
            raise ValidationError(
                "The body is empty once scripts, styles and other unsafe markup are removed."
            )
        return body

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        # Year 1 in Moscow is year 0 in UTC, which no database stores; far-future years are typos.
        if value is not None and not (PUBLISH_YEARS[0] <= value.year <= PUBLISH_YEARS[1]):
            raise ValidationError(f"Enter a publish time between {PUBLISH_YEARS[0]} and {PUBLISH_YEARS[1]}.")
        return value

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status != self.instance.status and status not in allowed_statuses(self.user):
            raise ValidationError("You may not set this status; submit the article for review instead.")
        return status


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Correction.Kind.choices,
        initial=Correction.Kind.CORRECTION,
        widget=forms.RadioSelect,
        help_text="A correction fixes an error; an update adds what has happened since.",
    )
    note = forms.CharField(
        label="Note to readers",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown under the article, in its feed item and to search engines, e.g. “An earlier version "
        "of this story misstated the date of the talks.”",
    )


class ReasonForm(forms.Form):
    """The reason a confirmation page asks for (withdraw, restore on a live story)."""

    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label: str, help_text: str, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label, field.help_text, field.required = label, help_text, required
        field.error_messages["required"] = "Write the reason: it cannot be left blank."

    def clean_reason(self):
        return " ".join(self.cleaned_data["reason"].split())


class CheckedImageField(forms.ImageField):
    """Django's image field calls every file Pillow refuses "not a valid image"; say why when we can tell
    (too many pixels, too many bytes, a format we don't take), so the editor knows what to fix."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as exc:
            if exc.code == "invalid_image" and hasattr(data, "read"):
                check_upload(data)  # raises the precise reason, if there is one
            raise


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text"]
        field_classes = {"image": CheckedImageField}

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            self.clean_upload = clean_image(image)
        return image


class InfographicForm(forms.ModelForm):
    """Raster images only, checked and re-encoded as photos are (size, pixels, decompression bombs). SVG is
    refused, not sanitized: an SVG is a document that can carry scripts, and a PNG export loses nothing a
    reader sees."""

    class Meta:
        model = Infographic
        fields = ["title", "slug", "image", "text_alternative", "source", "section", "is_published",
                  "publish_at"]  # fmt: skip

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            if _looks_like_svg(image):
                raise ValidationError(
                    "SVG is not accepted: an SVG can carry scripts. Export the infographic as PNG (or WebP) at "
                    "twice the width readers see it, and upload that.",
                    code="svg",
                )
            self.clean_upload = clean_image(image)
        return image


def _looks_like_svg(upload) -> bool:
    upload.seek(0)
    head = upload.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    return name.endswith((".svg", ".svgz")) or (head.startswith(b"<") and b"<svg" in head)
