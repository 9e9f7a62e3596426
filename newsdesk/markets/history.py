"""A currency's recent rates as a table and as a server-drawn SVG line chart (no script, no styles)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext

from .backends import RateProvider
from .converter import long_date
from .models import Rate
from .rates import display

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 16, 40
PLACES = Decimal("0.0001")
PIXEL = Decimal("0.1")


@dataclass(frozen=True)
class Point:
    date_text: str
    date_iso: str
    value: Decimal
    value_text: str
    change_text: str
    x: Decimal = Decimal(0)
    y: Decimal = Decimal(0)


def value_of(rate: Rate, provider: type[RateProvider]) -> Decimal:
    """As the provider publishes it: RUB for 1 USD (Bank of Russia), USD for 1 EUR (ECB)."""
    ratio = rate.units / rate.price if provider.quotes_per_base else rate.price / rate.units
    return ratio.quantize(PLACES, rounding=ROUND_HALF_EVEN)


def caption(currency: str, provider: type[RateProvider]) -> str:
    if provider.quotes_per_base:
        return gettext("%(quote)s for 1 %(base)s") % {"quote": currency, "base": provider.base}
    return gettext("%(quote)s for 1 %(base)s") % {"quote": provider.base, "base": currency}


def points(rates: list[Rate], provider: type[RateProvider]) -> list[Point]:
    values = [value_of(rate, provider) for rate in rates]
    result = []
    for index, (rate, value) in enumerate(zip(rates, values, strict=True)):
        change = "" if index == 0 else _signed(value - values[index - 1])
        result.append(
            Point(long_date(rate.date), rate.date.isoformat(), value, display(value, min_places=4), change)
        )
    return _placed(result)


def _signed(delta: Decimal) -> str:
    if delta == 0:
        return "0"
    return f"{'+' if delta > 0 else '−'}{display(abs(delta), min_places=4)}"


def _placed(items: list[Point]) -> list[Point]:
    if not items:
        return items
    low, high = min(p.value for p in items), max(p.value for p in items)
    span = (high - low) or Decimal(1)
    step = Decimal(WIDTH - LEFT - RIGHT) / max(len(items) - 1, 1)
    height = Decimal(HEIGHT - TOP - BOTTOM)
    placed = []
    for index, point in enumerate(items):
        x = (LEFT + step * index).quantize(PIXEL)
        y = (TOP + height - (point.value - low) / span * height).quantize(PIXEL)
        placed.append(
            Point(point.date_text, point.date_iso, point.value, point.value_text, point.change_text, x, y)
        )
    return placed


def chart(items: list[Point]) -> dict:
    """What the template needs to draw the SVG: the line, the axis labels and a text summary."""
    if not items:
        return {}
    low = min(items, key=lambda p: p.value)
    high = max(items, key=lambda p: p.value)
    first, last = items[0], items[-1]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "line": " ".join(f"{p.x},{p.y}" for p in items),
        "single": len(items) == 1,
        "first": first,
        "last": last,
        "low": low,
        "high": high,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "date_y": HEIGHT - BOTTOM + 20,
        "label_x": LEFT - 8,
        "summary": gettext(
            "From %(first)s on %(first_date)s to %(last)s on %(last_date)s; "
            "lowest %(low)s on %(low_date)s, highest %(high)s on %(high_date)s."
        )
        % {
            "first": first.value_text,
            "first_date": first.date_text,
            "last": last.value_text,
            "last_date": last.date_text,
            "low": low.value_text,
            "low_date": low.date_text,
            "high": high.value_text,
            "high_date": high.date_text,
        },
    }
