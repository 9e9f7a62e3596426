from django import forms
from django.core.exceptions import ValidationError

from newsdesk.news.images import clean_image
from newsdesk.news.models import Article, Photo
from newsdesk.news.services import allowed_statuses


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"lead": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 20})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "status" in self.fields:
            allowed = allowed_statuses(user) | {self.instance.status}
            self.fields["status"].choices = [c for c in Article.Status.choices if c[0] in allowed]
            self.fields["status"].help_text = "Published with a future publish time means scheduled."

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status != self.instance.status and status not in allowed_statuses(self.user):
            raise ValidationError("You may not set this status; submit the article for review instead.")
        return status


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            self.clean_upload = clean_image(image)
        return image
