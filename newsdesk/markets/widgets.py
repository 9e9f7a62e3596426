"""What the reader pages show of the markets app: the header's link to the currency converter (a Jinja2 global
of the reader site, newsdesk/site/jinja.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext
from markupsafe import Markup


def converter_link() -> Markup:
    # Another edition's pages link to the converter in their language (views.edition_language).
    language = get_language()
    query = f"?lang={language}" if language and language != settings.LANGUAGE_CODE else ""
    return Markup('<a class="header-converter" href="{}">{}</a>').format(
        reverse("markets:converter") + query, gettext("Currency converter")
    )
