"""The interface's translation catalogues (newsdesk/locale/<language>/LC_MESSAGES/django.po and .mo):
``newsdesk translations update`` reads every marked string out of the reader templates (Jinja2) and the Python
code into each edition's .po, keeping what is translated, and compiles the .mo; ``newsdesk translations check``
(part of ``make lint``) fails when a marked string has no translation, when a .po is out of date with the
sources, or when a .mo is not the compiled .po.

Why Babel and not ``makemessages``: Django's extractor reads Django templates only, and the reader pages are
Jinja2; Babel's extractor is the one Jinja2 documents for its i18n extension, and it reads Python too (with
Django's lazy variants as keywords). The .mo files are committed so that a fresh clone needs no gettext tools.
Babel is a test (development) dependency: serving the site only reads the .mo files.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(settings.BASE_DIR)
SOURCES = ROOT / "newsdesk"
LOCALE = ROOT / "newsdesk" / "locale"
DOMAIN = "django"
# Django's gettext functions as Babel's keywords: (argument positions of singular, plural; "c" = context).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
    "plural_data": (2, 3),  # newsdesk/site/jinja.py: a count's forms for a script
}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "newstyle_gettext": "true"}
METHODS = [
    ("**/migrations/**", "ignore"),
    ("**/jinja2/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]


def editions() -> list[str]:
    """The languages with a catalogue: every edition but the one whose strings are the source text."""
    source = "en"
    return [code for code, _name in settings.LANGUAGES if code != source]


def extract():
    """Every marked string of the sources, as a Babel catalogue (the template the .po files follow)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="Newsdesk", fuzzy=False)
    options = {"**/jinja2/**.html": JINJA_OPTIONS}
    found = extract_from_dir(SOURCES, METHODS, options, KEYWORDS, strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        template.add(
            message, None, [(f"newsdesk/{filename}", lineno)], auto_comments=comments, context=context
        )
    return template


def _shown(path: Path) -> str:
    """A catalogue's path as the messages give it: from the checkout's root."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_po(language: str):
    from babel.messages.pofile import read_po as babel_read_po

    path = po_path(language)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return babel_read_po(handle, locale=language, domain=DOMAIN)


def mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _plain(value):
    """A message's id or string: text, or a tuple of its plural forms (Babel reads lists or tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _key(message) -> tuple:
    return (_plain(message.id), message.context)


def problems(language: str, template) -> list[str]:
    """What is wrong with one language's catalogue, each with what to do; empty when it is complete."""
    from babel.messages.mofile import read_mo

    catalog = read_po(language)
    update = "run `newsdesk translations update`"
    if catalog is None:
        return [f"{_shown(po_path(language))} is missing: {update}, then translate it."]
    out = []
    wanted = {_key(m) for m in template if m.id}
    have = {_key(m) for m in catalog if m.id}
    for message_id, _context in sorted(wanted - have, key=str):
        out.append(f"not in the {language} catalogue (new in the sources; {update}): {message_id!r}")
    for message_id, _context in sorted(have - wanted, key=str):
        out.append(f"in the {language} catalogue but no longer in the sources ({update}): {message_id!r}")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            state = "fuzzy" if message.fuzzy else "untranslated"
            out.append(f"{state} in {_shown(po_path(language))}: {message.id!r}")
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists():
        out.append(f"{_shown(mo)} is missing: {update} (it compiles the .mo).")
    else:
        with mo.open("rb") as handle:
            compiled = read_mo(handle)
        if _translations(compiled) != _translations(catalog):
            out.append(f"{_shown(mo)} is not the compiled .po: {update} (it compiles the .mo).")
    return out


def _translations(catalog) -> dict:
    return {_key(m): _plain(m.string) for m in catalog if m.id and not m.fuzzy}


class Command(BaseCommand):
    help = "Update (extract, merge, compile) or check the interface's translation catalogues."
    # It reads files only: a URL configuration being edited must not stop it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "check"])

    def handle(self, *args, action: str, **options):
        try:
            template = extract()
        except ImportError as exc:
            raise CommandError(
                "Babel is needed to read the templates' strings: pip install -c constraints.txt -e '.[test]'"
            ) from exc
        if action == "update":
            for language in editions():
                self._update(language, template)
            return
        found = [line for language in editions() for line in problems(language, template)]
        if found:
            raise CommandError("The translation catalogues are not complete:\n  " + "\n  ".join(found))
        self.stdout.write(
            f"{len(template)} strings, translated in: {', '.join(editions()) or 'no other language'}"
        )

    def _update(self, language: str, template) -> None:
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        catalog = read_po(language) or Catalog(
            locale=language,
            domain=DOMAIN,
            project="Newsdesk",
            header_comment=f"# The Newsdesk reader interface in {language} (docs/editions.md).\n#",
            copyright_holder="the Newsdesk contributors",
            last_translator="the Newsdesk contributors",
            language_team=language,
        )
        created = (
            catalog.creation_date
        )  # kept: a date that changes on every run would be a diff in every commit
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date = created
        catalog.obsolete.clear()  # a string gone from the sources leaves the catalogue (git keeps its history)
        catalog.fuzzy = False
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=110, omit_header=False, sort_output=False, include_previous=False)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        untranslated = sum(
            1
            for m in catalog
            if m.id and not all(m.string if isinstance(m.string, tuple | list) else (m.string,))
        )
        self.stdout.write(f"{_shown(path)}: {len(catalog)} strings, {untranslated} to translate")
