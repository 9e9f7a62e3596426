"""Editions (docs/editions.md): one per language in settings.LANGUAGES, the first served at /, each other under
/<code>/.

A reader request's edition comes from its URL only — never Accept-Language, a cookie or the session: pages are
kept by URL in the page cache and in Varnish, so / must be the same bytes for everybody. Hence our own small
middleware instead of Django's LocaleMiddleware, which also reads those and adds ``Vary: Accept-Language``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.urls import URLResolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def default() -> str:
    return settings.LANGUAGES[0][0]


def current() -> str:
    """The edition of this request (or of the code running now: the default edition outside a request)."""
    language = translation.get_language()
    return language if language in codes() else default()


def of(language: str) -> str:
    """The edition an article of ``language`` is served in: its own, or the default one for a language that is
    no edition (rows from before editions, a wire's language the site does not publish in)."""
    return language if language in codes() else default()


def name_of(code: str) -> str:
    """The edition's name in its own language ("Русский"), for links between editions."""
    return translation.get_language_info(code)["name_local"]


class EditionPrefixPattern:
    """Django's LocalePrefixPattern with prefix_default_language=False ("" for the default edition, "ru/" for
    another), which Django refuses inside an included URLconf: an app can prefix only its reader pages."""

    converters: dict = {}

    @property
    def regex(self) -> re.Pattern:
        # Only reverse() reads it; the resolver keeps what it built from it per active language.
        return re.compile(re.escape(self.language_prefix))

    @property
    def language_prefix(self) -> str:
        language = translation.get_language() or default()
        return "" if language == default() else f"{language}/"

    def match(self, path: str):
        prefix = self.language_prefix
        return (path.removeprefix(prefix), (), {}) if path.startswith(prefix) else None

    def check(self) -> list:
        return []

    def describe(self) -> str:
        return f"'{self}'"

    def __str__(self) -> str:
        return self.language_prefix


@dataclass(frozen=True)
class EditionLink:
    code: str
    name: str  # in its own language: "Русский", "English"
    url: str  # its home page


def other_editions() -> list[EditionLink]:
    """The other editions' home pages, for the page's edition switch (its words in each edition's language)."""
    return _other_editions(current(), tuple(codes()), get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=32)
def _other_editions(language: str, all_codes: tuple, urlconf, script_prefix: str) -> list[EditionLink]:
    links = []
    for code in all_codes:
        if code != language:
            with edition(code):
                links.append(EditionLink(code, name_of(code), reverse("site:home")))
    return links


def edition_patterns(*urls) -> list[URLResolver]:
    """URL patterns served once per edition: unprefixed for the default edition, under /<code>/ for the others
    (what ``i18n_patterns(prefix_default_language=False)`` does), in the root URLconf or an app's: only an app's
    reader pages are prefixed, the API, the newsroom and the beacons keep one address."""
    return [URLResolver(EditionPrefixPattern(), list(urls))]  # type: ignore[arg-type] # LocalePrefixPattern's kind


def key_prefix(code: str | None = None) -> str:
    """What an edition's surrogate keys start with (newsdesk/edge/keys.py): nothing for the default edition, whose
    keys are as they always were; "ru:" for the Russian one."""
    code = code or current()
    return "" if code == default() else f"{code}:"


@contextmanager
def edition(code: str) -> Iterator[None]:
    """Run in ``code``'s edition: its URLs reverse with its prefix."""
    with translation.override(code):
        yield


class EditionMiddleware:
    """Activate the edition the URL names (/ru/… → ru; anything else → the default edition)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or default()
        request.LANGUAGE_CODE = language
        # Only for this request: the thread goes back to what it ran in (a test's client, a worker's thread).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
