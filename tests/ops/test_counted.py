"""What the instrumented code counts where it happens: edge purges (edge/services.py) and wire items per source
and outcome (ingest/services.py)."""

from __future__ import annotations

import json

import pytest

from newsdesk.edge.services import purge_article
from newsdesk.ingest.models import IngestSource
from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news.models import Section
from newsdesk.ops import metrics
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _value(metric, name: str, **labels: str) -> float:
    for family in metric.collect():
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_a_purge_is_counted_with_its_keys(settings):
    backend = settings.NEWSDESK_EDGE_PURGE["BACKEND"]
    article = ArticleFactory()
    purges = _value(metrics.PURGES, "newsdesk_edge_purges_total", backend=backend)
    keys = _value(metrics.PURGED_KEYS, "newsdesk_edge_purged_keys_total", backend=backend)
    purged = purge_article(article.pk)
    assert _value(metrics.PURGES, "newsdesk_edge_purges_total", backend=backend) == purges + 1
    assert _value(metrics.PURGED_KEYS, "newsdesk_edge_purged_keys_total", backend=backend) == keys + len(
        purged
    )


def test_wire_items_are_counted_per_source_and_outcome():
    source = IngestSource.objects.create(name="Partner wire", kind="folder", location="/srv/wire")
    items = [
        {"uri": "urn:partner:1", "type": "text", "headline": "Talks in Pskov go on",
         "body_html": "<p>Officials said on the record that the talks in Pskov would go on next week.</p>"},
        {"uri": "urn:partner:2", "type": "text", "headline": ""},  # no headline, no body: quarantined
    ]  # fmt: skip
    created = _value(metrics.INGEST, "newsdesk_ingest_items_total", source="Partner wire", outcome="created")
    quarantined = _value(
        metrics.INGEST, "newsdesk_ingest_items_total", source="Partner wire", outcome="quarantined"
    )
    routing = Routing(section=Section.objects.get(slug="world"))
    report = ingest_document(
        data=json.dumps(items).encode(), origin="partner.json", routing=routing, source=source
    )
    assert report.counts["created"] == 1 and report.counts["rejected"] == 1
    assert (
        _value(metrics.INGEST, "newsdesk_ingest_items_total", source="Partner wire", outcome="created")
        == created + 1
    )
    assert (
        _value(metrics.INGEST, "newsdesk_ingest_items_total", source="Partner wire", outcome="quarantined")
        == quarantined + 1
    )
