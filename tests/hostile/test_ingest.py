"""Wire ingest against hostile and unlucky input (issue "Hostile users and bad luck", findings 4 and 9):
documents nested far too deep, in files, in watched folders and in a source's topic map; and a quarantine that
must stay small whatever a provider sends (huge items, thousands of bad items, the same refusal every poll)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from newsdesk.ingest import services
from newsdesk.ingest.models import IngestLog, IngestSource
from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news.models import Article, Section

pytestmark = pytest.mark.django_db
DEPTH = 100_000  # the probe's deep.json: ~100k nested arrays
BODY = (
    "<p>Russian Deputy Foreign Minister Sergey Ryabkov said Moscow is concerned that no breakthrough has been "
    "seen in relations with the United States, and that contacts on strategic stability will go on.</p>"
)


def deep_json(depth: int = DEPTH) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_ninjs_value(depth: int = DEPTH) -> bytes:
    """A valid-looking ninjs item whose subject is nested far too deep."""
    return b'{"uri": "urn:deep", "headline": "Deep", "subject": ' + deep_json(depth) + b"}"


def deep_newsml(depth: int = DEPTH) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" '
        b'guid="urn:newsml:example.com:deep" version="1"><itemMeta><itemClass qcode="ninat:text"/>'
        b"</itemMeta><contentMeta><headline>Deep</headline></contentMeta><contentSet>"
        b'<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        + b"<div>" * depth
        + b"text"
        + b"</div>" * depth
        + b"</body></html></inlineXML></contentSet></newsItem>"
    )


def deep_rss(depth: int = DEPTH) -> bytes:
    """A feed whose full text nests 100,000 <div>s: 600 KB that would take the sanitizer minutes."""
    return (
        b"<?xml version='1.0'?><rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        b"<channel><title>Deep</title><item><title>Deep</title><link>https://example.com/deep</link>"
        b"<description>Deep</description><content:encoded><![CDATA["
        + b"<div>" * depth
        + b"x"
        + b"</div>" * depth
        + b"]]></content:encoded></item></channel></rss>"
    )


def ninjs(guid: str, **extra) -> dict:
    return {"uri": guid, "headline": "Ryabkov: no breakthrough yet", "body_html": BODY, **extra}


@pytest.fixture
def world(db):
    return Section.objects.get_or_create(slug="world", defaults={"name": "World"})[0]


# --- 4. Deeply nested documents ------------------------------------------------------------------------------


def test_ingest_command_refuses_deep_json_with_a_precise_reason(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_bytes(deep_json())
    call_command("ingest", str(path))  # before: RecursionError, a traceback, exit 1, nothing quarantined
    assert "Ingested: 1 documents refused." in capsys.readouterr().out
    entry = IngestLog.objects.get()
    assert entry.reason.startswith("JSON nested deeper than this reader allows")
    assert entry.origin == str(path) and entry.ref == "" and entry.excerpt == ""
    assert entry.size == len(deep_json()) and len(entry.digest) == 64


@pytest.mark.parametrize(
    "document",
    [deep_json(), deep_ninjs_value(), deep_newsml(), deep_rss(), b"[" * DEPTH, b"{" * DEPTH],
    ids=["arrays", "ninjs-subject", "newsml-body", "rss-content", "unclosed-arrays", "unclosed-objects"],
)
def test_deep_documents_of_every_format_are_refused_not_crashed(world, document):
    report = ingest_document(data=document, origin="deep", routing=Routing(section=world))
    assert report.counts.get("documents refused", 0) + report.counts.get("rejected", 0) >= 1
    assert IngestLog.objects.exists() and not Article.objects.filter(headline="Deep").exists()
    assert all(len(reason) <= 1000 for reason in IngestLog.objects.values_list("reason", flat=True))


def test_a_watched_folder_moves_a_deep_file_to_failed_and_ingests_the_rest(tmp_path, world):
    (tmp_path / "1-deep.json").write_bytes(deep_json())
    (tmp_path / "2-good.json").write_bytes(json.dumps(ninjs("urn:tass:1")).encode())
    source = IngestSource.objects.create(
        name="Bureau", kind="folder", location=str(tmp_path), default_section=world
    )
    report = services.source_poll(source_id=source.pk, force=True)
    assert report.counts == {"created": 1, "documents refused": 1}
    assert [p.name for p in (tmp_path / "failed").iterdir()] == ["1-deep.json"]
    assert [p.name for p in (tmp_path / "processed").iterdir()] == ["2-good.json"]
    assert not any(p.is_file() for p in tmp_path.iterdir())  # nothing left to block the next poll
    source.refresh_from_db()
    assert "1 documents refused" in source.last_result
    assert IngestLog.objects.get(source=source).reason.startswith("JSON nested deeper")
    assert Article.objects.get().headline == "Ryabkov: no breakthrough yet"


def test_a_file_that_breaks_the_importer_never_blocks_the_folder(tmp_path, world, monkeypatch):
    """Bad luck beyond the formats' own checks: whatever a reader raises, the file goes to failed/."""
    from newsdesk.ingest.formats import ninjs as ninjs_format

    (tmp_path / "1-bad.json").write_bytes(json.dumps(ninjs("urn:tass:unlucky")).encode())
    (tmp_path / "2-good.json").write_bytes(json.dumps(ninjs("urn:tass:2")).encode())
    real = ninjs_format.parse

    def unlucky(data):
        if b"urn:tass:unlucky" in data:
            raise MemoryError("simulated")
        return real(data)

    monkeypatch.setattr(ninjs_format, "parse", unlucky)
    source = IngestSource.objects.create(
        name="Bureau", kind="folder", location=str(tmp_path), default_section=world
    )
    report = services.source_poll(source_id=source.pk, force=True)
    assert report.counts == {"created": 1, "documents refused": 1}
    assert [p.name for p in (tmp_path / "failed").iterdir()] == ["1-bad.json"]
    assert [p.name for p in (tmp_path / "processed").iterdir()] == ["2-good.json"]
    assert "MemoryError('simulated')" in IngestLog.objects.get().reason


@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("chief", "chief@example.com", "x" * 20))
    return client


def source_form(**values) -> dict:
    return {
        "name": "Partner wire", "kind": "url", "location": "https://example.com/rss", "format": "auto",
        "mode": "copy", "outlet": "", "default_section": "", "default_status": "review", "topic_map": "{}",
        "interval_minutes": "5", "enabled": "on", **values,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("topic_map", "message"),
    [
        (deep_json().decode(), "nested far too deeply"),
        ("[1, 2]", "Enter a JSON object"),
        ('{"reuters:crude": {"slug": "oil"}}', "needs a topic slug in quotes"),
        ('{"reuters:crude": "oil"', "Enter a valid JSON"),
    ],
    ids=["deep", "list", "nested-value", "broken"],
)
def test_a_bad_topic_map_is_a_form_error_not_a_500(admin_client, topic_map, message):
    response = admin_client.post(reverse("admin:ingest_ingestsource_add"), source_form(topic_map=topic_map))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("topic_map", []))
    assert message in errors, errors
    assert not IngestSource.objects.exists()


def test_a_good_topic_map_is_saved(admin_client):
    response = admin_client.post(
        reverse("admin:ingest_ingestsource_add"), source_form(topic_map='{"reuters:crude": "oil-and-gas"}')
    )
    assert response.status_code == 302
    assert IngestSource.objects.get().topic_map == {"reuters:crude": "oil-and-gas"}


# --- 9. The quarantine stays small --------------------------------------------------------------------------


def test_a_huge_refused_item_is_kept_as_an_excerpt_a_digest_and_a_size(world, admin_client, settings):
    headline = "Breaking " * 2_400_000  # ~20 MB, as the probe sent: over the item size limit
    data = json.dumps([ninjs("urn:huge", headline=headline)]).encode()
    settings.NEWSDESK_INGEST_MAX_BYTES = 30 * 1024 * 1024
    report = ingest_document(data=data, origin="huge.json", routing=Routing(section=world))
    assert str(report) == "1 rejected"
    entry = IngestLog.objects.get()
    assert "over the limit" in entry.reason and "too large to keep for retry" in entry.reason
    assert entry.item is None and len(entry.excerpt) == 4096 and entry.size > 20_000_000
    assert len(entry.digest) == 64 and len(entry.reason) <= 1000
    page = admin_client.get(reverse("admin:ingest_ingestlog_change", args=[entry.pk]))
    assert page.status_code == 200 and len(page.content) < 100_000  # was the whole 20 MB


def test_a_huge_value_quoted_in_a_reason_is_cut(world):
    data = json.dumps([{**ninjs("urn:urgent"), "urgency": "9" * 5_000_000}]).encode()
    ingest_document(data=data, origin="urgent.json", routing=Routing(section=world))
    entry = IngestLog.objects.get()
    assert entry.reason.startswith("urgency '999") and len(entry.reason) <= 1000


def test_repeats_count_on_one_row(world):
    source = IngestSource.objects.create(name="Partner", kind="folder", location="/nonexistent")
    data = json.dumps([ninjs("urn:no-headline", headline="")]).encode()
    for _ in range(5):  # a feed polled five times with the same bad item
        ingest_document(data=data, origin="feed.json", routing=Routing.for_source(source), source=source)
    entry = IngestLog.objects.get()
    assert entry.count == 5 and entry.last_seen_at >= entry.created_at
    for _ in range(3):  # a feed that is down, polled three times
        services.ingest_paths(
            paths=["http://127.0.0.1:9/rss"], routing=Routing.for_source(source), source=source
        )
    assert IngestLog.objects.count() == 2
    assert IngestLog.objects.get(origin="http://127.0.0.1:9/rss").count == 3
    dismissed = IngestLog.objects.filter(pk=entry.pk)
    dismissed.update(status=IngestLog.Status.DISMISSED)
    ingest_document(data=data, origin="feed.json", routing=Routing.for_source(source), source=source)
    assert IngestLog.objects.filter(origin="feed.json").count() == 2  # a dismissed row is history, not reused


def test_a_document_of_thousands_of_bad_items_makes_a_bounded_number_of_rows(world, settings):
    settings.NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT = 100
    items = [ninjs(f"urn:bad:{n}", headline="") for n in range(5_000)] + [ninjs("urn:good")]
    data = json.dumps(items).encode()
    report = ingest_document(data=data, origin="bulk.json", routing=Routing(section=world))
    assert report.counts == {"created": 1, "rejected": 5_000}
    assert IngestLog.objects.count() == 101
    summary = IngestLog.objects.get(ref="")
    assert summary.count == 4_900 and "4,900 more refused items" in summary.reason
    assert "the item has no headline (4,900)" in summary.reason
    assert sum(IngestLog.objects.values_list("count", flat=True)) == 5_000
    ingest_document(data=data, origin="bulk.json", routing=Routing(section=world))  # delivered again
    assert (
        IngestLog.objects.count() == 101 and sum(IngestLog.objects.values_list("count", flat=True)) == 10_000
    )


def test_items_refused_while_parsing_are_bounded_too(world, settings):
    settings.NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT = 10
    data = json.dumps([{"uri": f"urn:x:{n}", "type": "video"} for n in range(50)]).encode()
    assert (
        str(ingest_document(data=data, origin="videos.json", routing=Routing(section=world))) == "50 rejected"
    )
    assert IngestLog.objects.count() == 11


def test_small_refused_items_are_still_retried_whole(world):
    source = IngestSource.objects.create(name="Partner", kind="folder", location="/nonexistent")
    ingest_document(
        data=json.dumps(ninjs("urn:tass:1")).encode(), origin="a.json", routing=Routing.for_source(source),
        source=source,
    )  # fmt: skip
    entry = IngestLog.objects.get()
    assert entry.item["guid"] == "urn:tass:1" and '"guid": "urn:tass:1"' in entry.excerpt
    source.default_section = world
    source.save()
    assert services.quarantine_retry(entry_id=entry.pk) == "created"


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_the_bound_are_bounded_by_the_migration(settings):
    """Existing quarantines stay valid: old rows get an excerpt, digest, size and last-seen time; an item too
    large to retry is dropped, a small one kept for retry; a huge reason is cut."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("ingest", "0001_initial")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes("ingest")
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps.get_model("ingest", "IngestLog")
    small = {"guid": "urn:small", "headline": "Ryabkov"}
    huge = {"guid": "urn:huge", "headline": "x" * (settings.NEWSDESK_INGEST_MAX_ITEM_BYTES + 100_000)}
    old.objects.create(origin="a.json", ref="urn:small", reason="no section", item=small)
    old.objects.create(origin="b.json", ref="urn:huge", reason="urgency " + "9" * 50_000, item=huge)
    old.objects.create(origin="http://feeds.example/rss", ref="", reason="could not fetch")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)

    rows = {row.origin: row for row in IngestLog.objects.all()}
    kept, dropped, document = rows["a.json"], rows["b.json"], rows["http://feeds.example/rss"]
    assert kept.item == small and kept.excerpt.startswith("{") and kept.size > 0 and kept.count == 1
    assert kept.last_seen_at == kept.created_at and len(kept.digest) == 64
    assert dropped.item is None and len(dropped.excerpt) == 4096 and dropped.size > 1_000_000
    assert len(dropped.reason) <= 1000 and dropped.reason.endswith("…")
    assert document.digest and document.excerpt == "" and document.reason == "could not fetch"


def test_a_deep_feed_item_is_refused_before_its_text_is_read(world, monkeypatch):
    """The batch hashes each item's text to find duplicates before it checks the item: a body nested 100,000
    levels deep took html_to_text 25 s there. Too deep a body is never read as text, and is still refused."""
    from newsdesk.ingest import items

    read: list[int] = []
    real = items.html_to_text

    def spy(html: str, *args, **kwargs):
        read.append(len(html))
        return real(html, *args, **kwargs)

    monkeypatch.setattr(items, "html_to_text", spy)
    report = ingest_document(data=deep_rss(), origin="deep", routing=Routing(section=world))
    assert report.counts.get("rejected", 0) == 1 and not Article.objects.filter(headline="Deep").exists()
    assert all(length < DEPTH for length in read)
