"""Validation of the search page's and the API's query string. Bad values get precise messages (400)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext, gettext_lazy

from newsdesk.news.models import Person, Section, Topic

from .selectors import SORTS, SearchFilters

MAX_PAGE = 500
ISO_DATE = ["%Y-%m-%d"]
# Dates a news search can mean; beyond them, time zone arithmetic leaves Python's date range (a 500, not a 400).
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
DATE_RANGE = [
    MinValueValidator(FIRST_DATE, gettext_lazy("Dates start at %(limit_value)s.")),
    MaxValueValidator(LAST_DATE, gettext_lazy("Dates end at %(limit_value)s.")),
]


# A filter's unknown slug, in the page's language (each kind its own sentence: Russian words change with it).
NOT_FOUND = {
    "section": gettext_lazy("There is no section “%(slug)s”."),
    "person": gettext_lazy("There is no person “%(slug)s”."),
    "topic": gettext_lazy("There is no topic “%(slug)s”."),
}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True, label="Search news")
    section = forms.SlugField(required=False, max_length=200)
    person = forms.SlugField(required=False, max_length=200)
    topic = forms.SlugField(required=False, max_length=200)
    date_from = forms.DateField(required=False, input_formats=ISO_DATE, label="From", validators=DATE_RANGE)
    date_to = forms.DateField(required=False, input_formats=ISO_DATE, label="To", validators=DATE_RANGE)
    sort = forms.ChoiceField(required=False, choices=[(s, s.title()) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    # The edition searched, for the API (unprefixed); a page's edition comes from its URL (views.search_page).
    language = forms.ChoiceField(required=False, choices=lambda: list(settings.LANGUAGES))

    def __init__(self, data, *args, **kwargs):
        # The URL says from=/to= (the API); "from" is a Python keyword, so the fields are date_*.
        data = data.copy()
        # Control characters separate words in the query language; NUL would otherwise fail CharField.
        data["q"] = "".join(ch if ch.isprintable() else " " for ch in data.get("q", ""))
        for short, name in (("from", "date_from"), ("to", "date_to")):
            if short in data and name not in data:
                data[name] = data[short]
        super().__init__(data, *args, **kwargs)

    def _object(self, model, name: str, label: str):
        slug = self.cleaned_data.get(name)
        if not slug:
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            self.add_error(name, NOT_FOUND[label] % {"slug": slug})
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(gettext("The “from” date must not be after the “to” date."))
        return data

    def filters(self) -> SearchFilters:
        return SearchFilters(
            section=self._object(Section, "section", "section"),
            person=self._object(Person, "person", "person"),
            topic=self._object(Topic, "topic", "topic"),
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
        )
