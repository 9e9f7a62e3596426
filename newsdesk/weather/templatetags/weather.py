from django import template
from django.utils import timezone

from newsdesk.weather import presenters, selectors

register = template.Library()


@register.inclusion_tag("weather/_city_clock_widget.html")
def city_clock():
    """The header clock of the site's default city; reads the cache only (no query, no provider call)."""
    return presenters.clock_context(selectors.cached_weather_snapshot(), now=timezone.now())
