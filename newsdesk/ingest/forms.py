"""Forms for the ingest admin: a source's topic map is checked for what it must be, not only for being JSON."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput

from .models import IngestSource

EXAMPLE = '{"reuters:crude": "oil-and-gas"}'


class TopicMapField(forms.JSONField):
    """A JSON object of provider codes to topic slugs. Whatever else is typed or pasted — deeply nested JSON
    included, which makes Python's JSON reader raise RecursionError — is a form error, never a 500."""

    def to_python(self, value):
        if value in self.empty_values:
            return {}
        try:
            data = super().to_python(value)
        except RecursionError:
            raise ValidationError(
                f"This JSON is nested far too deeply. The topic map is one level, e.g. {EXAMPLE}.",
                code="invalid",
            ) from None
        if not isinstance(data, dict):
            raise ValidationError(
                f"Enter a JSON object of codes to topic slugs, e.g. {EXAMPLE}.", code="invalid"
            )
        wrong = [code for code, slug in data.items() if not code.strip() or not isinstance(slug, str)]
        if wrong:
            raise ValidationError(
                f"Each code needs a topic slug in quotes, e.g. {EXAMPLE}; not so for: {', '.join(wrong[:5])[:200]}",
                code="invalid",
            )
        return data

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)  # shown again as typed, beside the error


class IngestSourceForm(forms.ModelForm):
    topic_map = TopicMapField(required=False, help_text=IngestSource._meta.get_field("topic_map").help_text)

    class Meta:
        model = IngestSource
        fields = ["name", "kind", "location", "format", "mode", "outlet", "default_section", "default_status",
                  "topic_map", "interval_minutes", "enabled"]  # fmt: skip
