import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

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
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)
