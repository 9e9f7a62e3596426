"""Validation of the audience view's query strings: a bad value is a 400 with a message, never a 500."""

from django import forms

from newsdesk.news.models import Section

from .backends import Window

RANGES = {"48h": (48, False), "7d": (7 * 24, False), "30d": (30 * 24, True)}
RANGE_CHOICES = [("48h", "Last 48 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days")]


class AudienceFilterForm(forms.Form):
    window = forms.ChoiceField(choices=[(w.value, w.label) for w in Window], required=False)
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), to_field_name="slug", required=False, empty_label="All sections"
    )
    format = forms.ChoiceField(choices=[("html", "HTML"), ("csv", "CSV")], required=False)

    def clean_window(self) -> Window:
        return Window(self.cleaned_data["window"] or Window.TODAY)


class ArticleRangeForm(forms.Form):
    range = forms.ChoiceField(choices=RANGE_CHOICES, required=False)
    format = forms.ChoiceField(choices=[("html", "HTML"), ("csv", "CSV")], required=False)

    def clean_range(self) -> str:
        return self.cleaned_data["range"] or "48h"
