"""The reader site's template engine: Jinja2 through Django's backend (TEMPLATES' jinja2 engine; templates in
each app's jinja2/ folder), autoescaping on.

Every reader page is Jinja2 (the newsroom, Django's admin, keeps Django templates): Jinja2 compiles a template to
Python where Django's engine walks nodes, which made an uncached page's templates several times cheaper to
render (benchmarks/template_engines.py; figures in docs/reader-site.md). Values are escaped once, by
autoescaping; what is HTML already is ``markupsafe.Markup``. Cards and other repeated pieces are macros
(site/_macros.html). The helpers a page needs are globals and filters here, each from the module that owns it:
times and dates from newsdesk/formatting.py, the widgets of other apps from their public ``widgets`` module.

The interface is translated with Django's catalogues (docs/editions.md, "Translating the interface"): Jinja2's
i18n extension calls Django's gettext, so ``{{ _("Top stories") }}`` and ``{% trans %}…{% endtrans %}`` read the
active language's catalogue (newsdesk/locale/) like ``{% translate %}`` in a Django template. New-style gettext:
``_("Page %(n)s", n=2)`` formats and escapes its values itself.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from jinja2 import Environment, StrictUndefined, pass_context
from markupsafe import Markup

from newsdesk import formatting
from newsdesk.analytics.widgets import most_read_box, read_beacon
from newsdesk.live.widgets import live_hook
from newsdesk.markets.widgets import converter_link
from newsdesk.news.models import Section
from newsdesk.syndication.widgets import feed_links

from . import fragments
from .presenters import photo_context
from .sidebar import sidebar_html


def url(name: str, *args, **kwargs) -> str:
    """Django's ``{% url %}``; an address without arguments is reversed once per URL configuration."""
    if not args and not kwargs:
        return fragments.page_url(name)
    return reverse(name, args=args or None, kwargs=kwargs or None)


@pass_context
def _city_clock_slot(context) -> Markup:
    """The header's city clock; a hole to fill per request where the page is kept (fragments.Holes)."""
    holes = context.get("holes")
    return holes["clock"] if holes else fragments.city_clock()


def _card_photo(photo) -> dict | None:
    """A card's photo as lists show it (presenters.photo_context), or None: for lists
    whose rows carry their lead photo already (search hits)."""
    return photo_context(photo) if photo is not None else None


@pass_context
def _section_nav(context) -> Markup:
    """The header's links to every section, the current one marked."""
    current = context.get("section")
    slug = current.slug if isinstance(current, Section) else None
    return fragments.section_nav(current_slug=slug, request=context.get("request"))


@pass_context
def _feed_links(context) -> Markup:
    return feed_links(context.get("request"), context.get("title"))


@pass_context
def _live_hook(context) -> Markup:
    return live_hook(context.get("request"))


@pass_context
def _article_sidebar(context) -> Markup:
    """The article page's sidebar (news feed, Photo, Infographics, Most read, Top stories) where the page is
    rendered whole (the newsroom's preview); reader pages fill it into a hole (sidebar.sidebar_fill)."""
    return sidebar_html(context.get("request"))


# What a language's catalogue says, kept per process: Django's gettext costs 2-6 us a call (most of it finding
# the active language and, for the default one, walking the catalogues a source string is missing from), and
# an uncached feed page makes dozens of calls. Catalogues change only with the settings (tests): cleared then.
_translated: dict[tuple, str] = {}
_plural_data: dict[tuple, Markup] = {}
_CATALOGUE_SETTINGS = {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}


def _forget_translations(*, setting: str, **_kwargs) -> None:
    if setting in _CATALOGUE_SETTINGS:
        _translated.clear()
        _plural_data.clear()


setting_changed.connect(_forget_translations)


def _gettext(message: str) -> str:
    key = (translation.get_language(), message)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = translation.gettext(message)
    return text


def _pgettext(context: str, message: str) -> str:
    key = (translation.get_language(), context, message)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = translation.pgettext(context, message)
    return text


def plural_data(name: str, singular: str, plural: str) -> Markup:
    """A count's text for a script, in every plural form of the page's language, as data attributes named by
    Unicode's plural categories (``data-more-one``, ``-few``, ``-many``, ``-other``), ``{count}`` where the
    number goes: the script picks one with ``Intl.PluralRules`` (site.js ``counted``), so no catalogue is shipped
    to the browser. Babel extracts the two strings (a keyword of ``newsdesk translations``)."""
    # A number of each category, for the languages of Europe (few: Slavic 2-4; many: Slavic 5-20).
    key = (translation.get_language(), name, singular, plural)
    html = _plural_data.get(key)
    if html is None:
        samples = {"one": 1, "few": 2, "many": 5, "other": 5}
        html = _plural_data[key] = Markup(" ").join(
            Markup('data-{}-{}="{}"').format(
                name, category, translation.ngettext(singular, plural, n) % {"count": "{count}"}
            )
            for category, n in samples.items()
        )
    return html


def _today() -> str:
    return timezone.localdate().isoformat()


def environment(**options) -> Environment:
    options["autoescape"] = True
    # Strict: a missing value is an error in a test, never a silent gap on a reader's page.
    options["undefined"] = StrictUndefined
    options["keep_trailing_newline"] = True  # a page ends as its file does
    options["extensions"] = [*options.get("extensions", ()), "jinja2.ext.i18n"]
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext,
        translation.ngettext,  # a count's text varies with the count: not kept
        newstyle=True,
        pgettext=_pgettext,
        npgettext=translation.npgettext,
    )
    # {% trans %} blocks' whitespace collapsed: the catalogue's strings don't depend on a template's line breaks.
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(
        date=formatting.date,
        time_with_zone=formatting.time_with_zone,
        clock_with_zone=formatting.clock_with_zone,
        linebreaks=formatting.linebreaks,
    )
    env.globals.update(
        url=url,
        static=static,
        today=_today,
        count_noun=formatting.count_noun,
        date_time_template=formatting.date_time_template,
        language=translation.get_language,
        plural_data=plural_data,
        section_url=fragments.section_url,
        article_url=fragments.article_url,
        slug_url=fragments.slug_url,
        city_clock_slot=_city_clock_slot,
        section_nav=_section_nav,
        card_photo=_card_photo,
        feed_links=_feed_links,
        live_hook=_live_hook,
        article_sidebar=_article_sidebar,
        most_read_box=most_read_box,
        read_beacon=read_beacon,
        converter_link=converter_link,
    )
    return env
