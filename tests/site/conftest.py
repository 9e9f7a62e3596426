"""Reader-site fixtures: real tass.com headlines in bulk (thousands of rows in one INSERT batch)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsdesk.news.models import Article, Section
from tests.factories import HEADLINES

# Real tass.com headlines of 29–30 May 2017 (the seed page's "Most read" and feed), for feeds and filters.
MORE_HEADLINES = [
    "Diplomat comments on Trump's son-in-law contacts with Russian ambassador to US",
    "Russia's top diplomat Sergey Lavrov celebrates his birthday",
    "Four Russians killed in Istanbul helicopter crash — Foreign Ministry",
    "MP warns US deployment of THAAD system in South Korea jeopardizes Russia's security",
    "Senior Russian MP says too early to speak of thaw in Russia-US ties",
    "Kremlin mum on prospects of Russia-US ties should Trump be impeached",
    "Trump says improving US-Russia ties beneficial to both countries",
]
ALL_HEADLINES = HEADLINES + MORE_HEADLINES
BODY = "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations.</p>"
_serial = itertools.count(1)


def make_articles(
    count: int, *, section: Section | None = None, newest: dt.datetime | None = None, step_minutes=7, **fields
) -> list[Article]:
    """``count`` published articles, newest first, one every ``step_minutes``, inserted in bulk."""
    section = section or Section.objects.get(slug="politics")
    newest = newest or timezone.now() - dt.timedelta(minutes=1)
    rows = []
    for n in range(count):
        serial = next(_serial)
        at = newest - dt.timedelta(minutes=step_minutes * n)
        rows.append(
            Article(
                public_id=200_000_000 + serial,
                guid=f"urn:newsml:tests:{serial}",
                headline=f"{ALL_HEADLINES[serial % len(ALL_HEADLINES)]} ({serial})",
                slug=f"bulk-{serial}",
                lead="Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US "
                "administration bilateral relations hit their lowest point",
                body=BODY,
                dateline_place="MOSCOW",
                section=section,
                status=Article.Status.PUBLISHED,
                publish_at=at,
                first_published_at=at,
                **fields,
            )
        )
    return Article.objects.bulk_create(rows, batch_size=500)


@pytest.fixture
def soup():
    def parse(response) -> BeautifulSoup:
        return BeautifulSoup(response.content.decode(), "html.parser")

    return parse
