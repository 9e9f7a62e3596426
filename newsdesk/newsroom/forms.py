from django import forms
from django.core.exceptions import ValidationError

from newsdesk.news.html import sanitize_html
from newsdesk.news.images import check_upload, clean_image
from newsdesk.news.models import Article, Infographic, Photo
from newsdesk.news.nesting import MAX_DEPTH, too_deep
from newsdesk.news.services import allowed_statuses

PUBLISH_YEARS = (1900, 2999)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "headline", "slug", "lead", "body", "section", "lead_photo",
            "dateline_place", "dateline_date", "dateline_source", "byline", "language",
            "status", "publish_at", "urgency", "top_story_rank", "persons", "topics", "read_also_after",
        ]  # fmt: skip
        widgets = {"lead": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 20})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "status" in self.fields:
            allowed = allowed_statuses(user) | {self.instance.status}
            self.fields["status"].choices = [c for c in Article.Status.choices if c[0] in allowed]
            self.fields["status"].help_text = "Published with a future publish time means scheduled."

    def clean_body(self):
        # Sanitized here as well as in the service, so a body that is nothing but stripped markup is a form
        # error the editor sees, not a failed save. Nesting is checked first: sanitizing markup nested
        # thousands deep would take minutes (news/nesting.py).
        if too_deep(self.cleaned_data["body"]):
            raise ValidationError(
                f"The body's markup nests more than {MAX_DEPTH} levels deep; no article needs that. Paste it as "
                "plain text, or remove the nested boxes."
            )
        body = sanitize_html(self.cleaned_data["body"])
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
