import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsdesk.news.models import Section
from newsdesk.site import fragments

register = template.Library()


def zone_label(value: dt.datetime) -> str:
    """ "UTC+3", "UTC−5:30", "UTC": readers always see which zone a time is in."""
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@register.filter
def time_with_zone(value: dt.datetime | None):
    """<time datetime="…">30 May 2017, 11:41 UTC+3</time> in the current (reader's) zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    text = f"{local.day} {local:%B %Y, %H:%M} {zone_label(local)}"
    # No format_html: an ISO time, digits, an English month and a zone label need no escaping.
    return mark_safe(f'<time datetime="{value.isoformat()}" data-local="full">{text}</time>')  # noqa: S308


@register.filter
def clock_with_zone(value: dt.datetime | None):
    """<time …>11:41 UTC+3</time>: the time of day, for lists already grouped under a day heading."""
    if not value:
        return ""
    local = timezone.localtime(value)
    text = f"{local:%H:%M} {zone_label(local)}"
    return format_html('<time datetime="{}" data-local="clock">{}</time>', value.isoformat(), text)


@register.simple_tag
def page_url(name: str) -> str:
    """``{% url name %}`` for a page without arguments, reversed once per URL configuration (reverse() cost more
    than the rest of the home page's own template)."""
    return fragments.page_url(name)


@register.simple_tag
def count_noun(count: int, singular: str, plural: str) -> str:
    """ "1 photo", "10 photos": never "1 photos"."""
    return f"{count} {singular if count == 1 else plural}"


@register.filter
def photo(value):
    """A Photo as the template needs it: src, srcset and the smallest rendition for thumbnails."""
    from newsdesk.site.presenters import photo_context

    return photo_context(value) if value else None


@register.simple_tag(takes_context=True)
def city_clock_slot(context):
    """The header's city clock; a hole to fill per request when the page is kept in the cache."""
    holes = context.get("holes")
    return holes["clock"] if holes is not None else mark_safe(fragments.city_clock())  # noqa: S308 - rendered


@register.simple_tag(takes_context=True)
def section_nav(context):
    """The header's links to every section, the current one marked."""
    current = context.get("section")
    slug = current.slug if isinstance(current, Section) else None
    return fragments.section_nav(current_slug=slug, request=context.get("request"))


@register.simple_tag(takes_context=True)
def article_part(context, name: str):
    """A part of the article page (site/article.html): given in the context as ``article_parts`` (the view's
    kept layout, fragments.article_layout), or rendered from the Jinja2 parts template."""
    parts = context.get("article_parts")
    if parts is not None:
        return mark_safe(parts[name])  # noqa: S308 - rendered by the autoescaping Jinja2 template or a hole
    from newsdesk.site.jinja import article_part as render_part

    return mark_safe(render_part(name, context.flatten()))  # noqa: S308 - autoescaping Jinja2 template
