"""The Jinja2 environment of the reader site's hot templates (TEMPLATES' jinja2 engine, newsdesk/site/jinja2/).

Only the article page's own parts are Jinja2: an uncached article is rendered on every request that misses the
page cache, and Jinja2 compiles a template to Python where Django's engine walks nodes, which made the article's
parts several times cheaper to render. The frame around them stays site/base.html (Django templates), shared by
every page. Output is byte-for-byte what Django's engine writes: values are escaped as Django's
``conditional_escape`` does (Jinja's escaping writes quotes differently), and ``date``/``urlencode`` are Django's
filters.
"""

from __future__ import annotations

from html import escape

from django.template import engines
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from newsdesk.analytics.templatetags.analytics import most_read_box, read_beacon

from .fragments import section_url
from .templatetags.newsdesk import time_with_zone


def _date(value, arg: str) -> str:
    # Django's engine converts datetimes to the current zone before its `date` filter sees them.
    return date_filter(template_localtime(value), arg)


def _read_beacon(article, *, preview: bool):
    return render_to_string("analytics/read_beacon.html", read_beacon({"preview": preview}, article))


def _escape(value):
    """Django's ``conditional_escape`` (the same five characters, written as Django writes them), without its
    lazy-string wrapper: it runs for every value on the page."""
    if hasattr(value, "__html__"):
        return value  # safe already: Jinja's autoescaping leaves it as it is
    return Markup(escape(str(value)))  # noqa: S704 - escaped just now


def environment(**options) -> Environment:
    options.pop("autoescape", None)
    # Strict: a missing value is an error in a test, never a silent gap on a reader's page.
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=True, finalize=_escape, **options)
    env.filters.update(date=_date, urlencode=urlencode, time_with_zone=time_with_zone)
    env.globals.update(section_url=section_url, most_read_box=most_read_box, read_beacon=_read_beacon)
    return env


PARTS_TEMPLATE = "site/article_parts.html"


def article_part(name: str, context: dict) -> str:
    """One block of the article's parts (title, head, content, scripts), rendered with ``context``."""
    template = engines["jinja2"].get_template(PARTS_TEMPLATE).template
    return "".join(template.blocks[name](template.new_context(context)))


def article_parts(context: dict) -> dict[str, str]:
    """Every block of the article's parts, by name, rendered with one context."""
    template = engines["jinja2"].get_template(PARTS_TEMPLATE).template
    jinja_context = template.new_context(context)
    return {name: "".join(render(jinja_context)) for name, render in template.blocks.items()}
