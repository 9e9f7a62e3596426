"""The search contract runs once per back end; each back end needs its own database, so the one that does not
match this run's database is skipped with the reason (`make test` runs the suite on SQLite, then PostgreSQL)."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.news.models import Section
from tests.factories import ArticleFactory

BACKENDS = {
    "sqlite": ("newsdesk.search.backends.sqlite.SQLiteSearchBackend", "sqlite"),
    "postgres": ("newsdesk.search.backends.postgres.PostgresSearchBackend", "postgresql"),
}


@pytest.fixture(params=list(BACKENDS))
def backend(request, settings, db):
    path, vendor = BACKENDS[request.param]
    if connection.vendor != vendor:
        pytest.skip(
            f"the {request.param} search back end needs a {vendor} database; this run uses {connection.vendor} "
            "(`make test` runs the suite on both databases)"
        )
    settings.SEARCH_BACKENDS = {"default": {"BACKEND": path, "OPTIONS": {"CANDIDATES": 2000}}}
    from newsdesk.search.backends import get_backend, postgres

    # PostgreSQL's statistics (each word's share, the average length, the sections' and broad tokens' shares) are kept for five minutes by the process:
    # read afresh for this test's stories, as a site reads them for its archive, not another test's.
    postgres._frequency_cache.clear()
    postgres._section_cache.clear()
    postgres._broad_cache.clear()
    postgres._statistics_stamp.clear()

    return get_backend()


def _section(slug: str) -> Section:
    """The sections migrate creates (a transactional test's flush may have removed them)."""
    names = dict(
        (s, n) for n, s in importlib.import_module("newsdesk.news.migrations.0002_default_sections").SECTIONS
    )
    return Section.objects.get_or_create(slug=slug, defaults={"name": names[slug]})[0]


def story(
    headline: str, body: str = "", lead: str = "", *, hours_ago: float = 1, section: str = "politics", **kw
):
    """A published article from real agency copy (the seed article and tass.com items)."""
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return ArticleFactory(
        headline=headline,
        lead=lead,
        body=body or f"<p>{headline}.</p>",
        publish_at=at,
        first_published_at=at,
        section=_section(section),
        **kw,
    )


def russian_story(headline: str, body: str):
    """A published article of the Russian edition (tass.ru copy), in its politics section."""
    politika = Section.objects.get_or_create(slug="politika", language="ru", defaults={"name": "Политика"})[0]
    now = timezone.now()
    return ArticleFactory(
        headline=headline, body=body, language="ru", section=politika, publish_at=now, first_published_at=now
    )
