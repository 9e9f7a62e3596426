"""The converter's input and answer, shared by the page (a GET form) and the JSON endpoint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from newsdesk.formatting import day_text

from . import selectors
from .backends import known_provider
from .currencies import currency_name
from .rates import AmountError, convert, display, parse_amount

WINDOW_DAYS = 7
DEFAULT_AMOUNT = "100"
PREFERRED_PROVIDER = "cbr"
NO_RATES = gettext_lazy(
    "No exchange rates have been fetched yet. To turn them on, an administrator sets "
    "NEWSDESK_RATES_BACKENDS=cbr,ecb and runs “newsdesk fetch_rates” once; the worker then keeps them current."
)


@dataclass
class Conversion:
    params: dict[str, str] = field(default_factory=dict)  # the form as it should be shown again
    providers: list[tuple[str, str]] = field(default_factory=list)
    currencies: list[tuple[str, str]] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    answer: dict[str, str] = field(default_factory=dict)
    history_currencies: tuple[str, ...] = ()


def long_date(day: dt.date) -> str:
    """ "2 November 2023" ("2 ноября 2023")."""
    return day_text(day)


def run(query) -> Conversion:
    """Validate the query (a QueryDict or dict) and convert; every problem becomes a message in `errors`."""
    today = timezone.localdate()
    out = Conversion(dates=[today - dt.timedelta(days=n) for n in range(WINDOW_DAYS)])
    out.providers = [(alias, _label(alias)) for alias in selectors.providers_with_rates()]
    if not out.providers:
        out.errors["rates"] = str(NO_RATES)
        return out
    provider = _provider(query, out)
    day = _day(query, out, today)
    if provider is None or day is None:
        return out
    _convert(query, out, provider=provider, day=day)
    return out


def _label(alias: str) -> str:
    cls = known_provider(alias)
    return gettext(cls.label) if cls else alias  # the provider's name in the page's language


def _provider(query, out: Conversion) -> str | None:
    aliases = [alias for alias, _ in out.providers]
    alias = query.get("provider") or (PREFERRED_PROVIDER if PREFERRED_PROVIDER in aliases else aliases[0])
    out.params["provider"] = alias[:20]
    if alias not in aliases:
        out.errors["provider"] = gettext(
            "There are no rates from “%(source)s”; choose one of: %(sources)s."
        ) % {
            "source": alias[:20],
            "sources": ", ".join(aliases),
        }
        return None
    return alias


def _day(query, out: Conversion, today: dt.date) -> dt.date | None:
    text = (query.get("date") or today.isoformat()).strip()
    out.params["date"] = text[:10]
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        out.errors["date"] = gettext("“%(text)s” is not a date; use YYYY-MM-DD, e.g. %(example)s.") % {
            "text": text[:20],
            "example": today.isoformat(),
        }
        return None
    if day not in out.dates:
        first, last = long_date(out.dates[-1]), long_date(out.dates[0])
        out.errors["date"] = gettext(
            "Choose a date within the last %(days)s days, from %(first)s to %(last)s."
        ) % {
            "days": WINDOW_DAYS,
            "first": first,
            "last": last,
        }
        return None
    return day


def _convert(query, out: Conversion, *, provider: str, day: dt.date) -> None:
    cls = known_provider(provider)
    base = cls.base if cls else ""
    out.history_currencies = cls.history_currencies if cls else ()
    rate_day = selectors.rates_date(provider=provider, on=day)
    if rate_day is None:
        out.errors["date"] = gettext("There are no %(source)s rates on or before %(date)s.") % {
            "source": _label(provider),
            "date": long_date(day),
        }
        return
    if rate_day != day:
        label, wanted, used = _label(provider), long_date(day), long_date(rate_day)
        note = gettext("There are no %(source)s rates for %(wanted)s; the rates of %(used)s are used.")
        out.notes.append(note % {"source": label, "wanted": wanted, "used": used})
    quotes = selectors.quotes_on(provider=provider, date=rate_day, base=base)
    out.currencies = sorted(((code, currency_name(code)) for code in quotes), key=lambda item: item[0])
    source = _currency(query, out, "from", quotes, default="USD" if "USD" in quotes else base)
    target = _currency(query, out, "to", quotes, default=base)
    amount = _amount(query, out)
    if source and target and amount is not None:
        result, rate = convert(amount, quotes[source], quotes[target])
        out.answer = _answer(
            amount, source, target, result, rate, provider=provider, rate_day=rate_day, day=day
        )


def _currency(query, out: Conversion, key: str, quotes: dict, *, default: str) -> str | None:
    code = (query.get(key) or default).strip().upper()[:10]
    out.params[key] = code
    if code not in quotes:
        out.errors[key] = ngettext(
            "Unknown currency “%(code)s”; choose one of the list (%(count)s currency).",
            "Unknown currency “%(code)s”; choose one of the list (%(count)s currencies).",
            len(quotes),
        ) % {"code": code, "count": len(quotes)}
        return None
    return code


def _amount(query, out: Conversion) -> Decimal | None:
    text = query.get("amount", DEFAULT_AMOUNT)
    out.params["amount"] = text[:40]
    try:
        amount, note = parse_amount(text)
    except AmountError as exc:
        out.errors["amount"] = str(exc)
        return None
    if note:
        out.notes.append(note)
    return amount


def _answer(
    amount, source, target, result, rate, *, provider: str, rate_day: dt.date, day: dt.date
) -> dict[str, str]:
    return {
        "provider": provider,
        "provider_label": _label(provider),
        "amount": str(amount),
        "from": source,
        "to": target,
        "result": str(result),
        "rate": str(rate),
        "rate_date": rate_day.isoformat(),
        "requested_date": day.isoformat(),
        "text": f"{display(amount)} {source} = {display(result)} {target}",
        "rate_text": f"1 {source} = {display(rate)} {target}",
        "source_text": gettext("%(source)s rate of %(date)s")
        % {"source": _label(provider), "date": long_date(rate_day)},
    }


def swapped(query) -> dict[str, str]:
    """The query with `from` and `to` exchanged (the no-JavaScript Swap button)."""
    params = {
        key: query.get(key, "") for key in ("amount", "from", "to", "date", "provider") if query.get(key)
    }
    params["from"], params["to"] = query.get("to", ""), query.get("from", "")
    return {key: value for key, value in params.items() if value}
