"""Reading an amount and converting it: decimal arithmetic only, no floats.

Rounding, as the converter page states it: a conversion is one exact expression through the provider's base
currency, amount × price(from) × units(to) ÷ (units(from) × price(to)), computed by Python's decimal module
with 60 significant digits, so the products are exact and the one division is the only inexact step. The
result is then rounded once, half to even, to 4 decimal places; the rate for one unit is computed the same
way and rounded half to even to 6 decimal places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from django.utils.translation import gettext

MAX_AMOUNT = Decimal("1000000000000")  # one trillion: more is a typo, not a conversion
MAX_DECIMALS = 6
MAX_INPUT_LENGTH = 40
RESULT_PLACES = Decimal("0.0001")
RATE_PLACES = Decimal("0.000001")
CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)

SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # "1 000", "1 000" and "1'000" are groupings
GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)  # 1,000,000.50
DECIMAL_COMMA = re.compile(r"^\d+,\d+$", re.ASCII)  # 12,5 (a decimal comma, as in Russia and most of Europe)
PLAIN = re.compile(r"^\d+(\.\d+)?$", re.ASCII)


class AmountError(ValueError):
    pass


@dataclass(frozen=True)
class Quote:
    """`units` of a currency cost `price` of the base currency."""

    units: Decimal
    price: Decimal


def parse_amount(text: str) -> tuple[Decimal, str]:
    """The amount and, when the reader's text was read in a way worth saying, how it was read."""
    raw = (text or "").strip()
    if not raw:
        raise AmountError(gettext("Enter an amount, for example 100 or 12.50."))
    if len(raw) > MAX_INPUT_LENGTH:
        raise AmountError(
            gettext("The amount is too long; use at most %(count)s characters.") % {"count": MAX_INPUT_LENGTH}
        )
    if raw.startswith(("-", "−")):
        raise AmountError(gettext("The amount cannot be negative."))
    compact = SPACES.sub("", raw)
    if GROUPED.match(compact):
        number, note = compact.replace(",", ""), ""
    elif DECIMAL_COMMA.match(compact):
        number = compact.replace(",", ".")
        note = gettext("“%(text)s” was read as %(number)s (a decimal comma).") % {
            "text": raw,
            "number": number,
        }
    elif PLAIN.match(compact):
        number, note = compact, ""
    else:
        raise AmountError(
            gettext("“%(text)s” is not an amount; use digits with an optional decimal point, e.g. 1250.50.")
            % {"text": raw[:20]}
        )
    return _checked(Decimal(number)), note


def _checked(amount: Decimal) -> Decimal:
    if amount > MAX_AMOUNT:
        raise AmountError(gettext("The amount is too large; the converter takes up to 1,000,000,000,000."))
    if -int(amount.as_tuple().exponent) > MAX_DECIMALS:  # finite here: the exponent is a number
        raise AmountError(
            gettext("Use at most %(count)s digits after the decimal point.") % {"count": MAX_DECIMALS}
        )
    return amount


def convert(amount: Decimal, source: Quote, target: Quote) -> tuple[Decimal, Decimal]:
    """(result, rate for one unit), each rounded once as the module docstring says."""
    numerator = CONTEXT.multiply(source.price, target.units)
    denominator = CONTEXT.multiply(source.units, target.price)
    try:
        rate = CONTEXT.divide(numerator, denominator)
        result = CONTEXT.divide(CONTEXT.multiply(amount, numerator), denominator)
    except InvalidOperation as exc:  # only a zero price could get here; the database forbids it
        raise AmountError(gettext("These rates cannot be used for a conversion.")) from exc
    return result.quantize(RESULT_PLACES, context=CONTEXT), rate.quantize(RATE_PLACES, context=CONTEXT)


def display(value: Decimal, *, min_places: int = 2) -> str:
    """12345.6700 → "12,345.67"; 0.0026 stays "0.0026": trailing zeros go, down to `min_places`."""
    text = f"{value:,f}"
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    return text
