"""What the reader pages show of the markets app: the header's link to the currency converter (a Jinja2 global
of the reader site, newsdesk/site/jinja.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from markupsafe import Markup


def converter_link() -> Markup:
    return Markup('<a class="header-converter" href="{}">{}</a>').format(
        reverse("markets:converter"), gettext("Currency converter")
    )
