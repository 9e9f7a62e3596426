"""The bulk path: new stories a batch at a time, with the outcome item-by-item import gives — whatever the mix,
the batch size, or a batch that fails — a fixed number of queries per batch, and the search index in one go."""

import json

import pytest
from django.db import IntegrityError

from newsdesk.ingest import batch
from newsdesk.ingest.models import IngestedItem, IngestLog
from newsdesk.ingest.services import ingest_document
from newsdesk.news import services as news_services
from newsdesk.news.models import Article, Person, Revision, Topic
from newsdesk.search.models import SearchDocument
from newsdesk.search.services import stale_article_ids
from tests.factories import ArticleFactory

from .test_formats import HEADLINE, PARAGRAPHS

pytestmark = pytest.mark.django_db
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
OTHER_BODY = (
    "<p>Kamaz will supply at least 1,000 trucks to the Philippines by 2020, the company said, and will open "
    "service centres in Manila and Davao to maintain them, its director general Sergey Kogogin added.</p>"
)


def story(guid, version=1, headline=HEADLINE, body=BODY, **extra) -> dict:
    return {"uri": guid, "version": str(version), "headline": headline, "body_html": body, **extra}


MIX = [
    story("urn:a"),
    story("urn:b", headline="Ryabkov on relations"),  # the same body as urn:a: linked
    story("urn:a", version=2, headline="Ryabkov: no breakthrough yet"),  # an update, in the same batch
    story("urn:c", headline=""),  # refused
    story("urn:d", headline="Kamaz to supply trucks to the Philippines", body=OTHER_BODY),
    story("urn:e", pubstatus="canceled"),  # withdrawal of a story we never had
    story("urn:d", headline="Kamaz to supply trucks to the Philippines", body=OTHER_BODY),  # the same again
    story(
        "urn:f",
        headline="Putin and Trump to meet in Hamburg",
        body=OTHER_BODY.replace("Kamaz will", "Putin said Kamaz would"),
        subject=[{"code": "medtop:20000638"}],
        person=[{"name": "Sergey Ryabkov"}],
    ),  # fmt: skip
]
OUTCOME = {"created": 3, "linked": 1, "updated": 1, "rejected": 1, "ignored": 1, "unchanged": 1}


def ingest(items, routing):
    return ingest_document(data=json.dumps(items).encode(), origin="mix.json", routing=routing)


def _state() -> dict:
    a = Article.objects.get(guid="urn:a")
    f = Article.objects.get(guid="urn:f")
    first, second = IngestedItem.objects.filter(guid__in=["urn:a", "urn:b"]).order_by("guid")
    return {
        "articles": sorted(Article.objects.values_list("guid", flat=True)),
        "a": (a.headline, a.revisions.count()),
        "linked": (second.duplicate_of_id == first.pk, second.article_id == first.article_id),
        "f": (list(f.topics.values_list("slug", flat=True)), list(f.persons.values_list("slug", flat=True))),
        "refused": list(IngestLog.objects.values_list("ref", "reason")),
        "revisions": Revision.objects.count(),
    }


@pytest.fixture
def tags(db):
    Topic.objects.create(name="Foreign policy", slug="foreign-policy", mediatopic_code="medtop:20000638")
    Person.objects.create(name="Sergey Ryabkov", slug="sergey-ryabkov")


EXPECTED = {
    "articles": ["urn:a", "urn:d", "urn:f"],
    "a": ("Ryabkov: no breakthrough yet", 2),
    "linked": (True, True),
    "f": (["foreign-policy"], ["sergey-ryabkov"]),
    "refused": [("urn:c", "the item has no headline")],
    "revisions": 4,
}


def test_a_mixed_document_comes_out_as_item_by_item(routing, tags):
    assert ingest(MIX, routing).counts == OUTCOME
    assert _state() == EXPECTED


def test_the_batch_indexes_persons_and_topics_as_a_rebuild_would(routing, tags):
    from newsdesk.search.documents import build_document

    ingest(MIX, routing)
    f = Article.objects.prefetch_related("persons", "topics").get(guid="urn:f")
    stored, rebuilt = SearchDocument.objects.get(pk=f.pk), build_document(f)
    assert (stored.keywords, stored.tags) == (rebuilt.keywords, rebuilt.tags)
    assert "Sergey Ryabkov" in stored.keywords and "Foreign policy" in stored.keywords


@pytest.mark.parametrize("size", [1, 2, 3])
def test_any_batch_size_gives_the_same_outcome(routing, tags, monkeypatch, size):
    monkeypatch.setattr(batch, "BATCH_SIZE", size)
    assert ingest(MIX, routing).counts == OUTCOME
    assert _state() == EXPECTED


def test_a_failing_batch_is_imported_item_by_item(routing, tags, monkeypatch):
    def fails(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: news_article.public_id")

    monkeypatch.setattr(batch, "_write", fails)
    assert ingest(MIX, routing).counts == OUTCOME
    assert _state() == EXPECTED


def test_a_failing_batch_is_still_indexed_for_search(
    routing, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batch, "_write", lambda *args, **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest(_many(3), routing).counts == {"created": 3}
    assert SearchDocument.objects.count() == 3


def test_a_public_id_drawn_twice_is_drawn_again_not_left_to_fail_the_batch(routing, monkeypatch, caplog):
    """Random ids in 900 million: among 20,000 articles two alike are likely (the birthday paradox)."""
    taken = ArticleFactory().public_id
    monkeypatch.setattr(Article._meta.get_field("public_id"), "default", lambda: taken)
    fresh = iter(range(taken + 1, taken + 100))
    monkeypatch.setattr(news_services, "new_public_id", lambda: next(fresh))
    assert ingest(_many(3), routing).counts == {"created": 3}
    assert "failed" not in caplog.text  # written as a batch, not item by item
    ids = set(Article.objects.filter(guid__startswith="urn:many:").values_list("public_id", flat=True))
    assert len(ids) == 3 and taken not in ids


def test_a_redrawn_public_id_is_checked_against_the_stored_articles_too(routing, monkeypatch, caplog):
    """At a million stored articles a redrawn id collides one time in 900: it must be drawn again, not stored."""
    first, second = ArticleFactory().public_id, ArticleFactory().public_id
    monkeypatch.setattr(Article._meta.get_field("public_id"), "default", lambda: first)
    fresh = iter(
        [second, second + 1, second + 2, second + 3, second + 4]
    )  # the first redraw hits a stored id
    monkeypatch.setattr(news_services, "new_public_id", lambda: next(fresh))
    assert ingest(_many(2), routing).counts == {"created": 2}
    assert "failed" not in caplog.text
    ids = set(Article.objects.filter(guid__startswith="urn:many:").values_list("public_id", flat=True))
    assert len(ids) == 2 and not ids & {first, second}


def test_rerun_changes_nothing(routing, tags):
    ingest(MIX, routing)
    assert ingest(MIX, routing).counts == {"unchanged": 5, "older": 1, "ignored": 1, "rejected": 1}
    assert Article.objects.count() == 3


def _many(n: int, start: int = 0) -> list[dict]:
    return [
        story(
            f"urn:many:{i}", headline=f"Kamaz to supply {i} trucks", body=OTHER_BODY.replace("1,000", str(i))
        )
        for i in range(start, start + n)
    ]


def test_a_batch_costs_a_few_statements_not_queries_per_item(routing, django_assert_max_num_queries):
    """Reads are one query per batch; inserts grow only by the database's statement size (SQLite: 999
    parameters, so an INSERT of some 40 articles). The search documents are written in the same transaction."""
    ingest(_many(5), routing)  # warm caches (content types, sections)
    with django_assert_max_num_queries(20):
        assert ingest(_many(10, start=100), routing).counts == {"created": 10}
    with django_assert_max_num_queries(40):
        assert ingest(_many(400, start=1000), routing).counts == {"created": 400}


def test_the_batch_is_indexed_for_search_in_its_own_transaction(routing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest(_many(20), routing)
        # Before commit: a batch that commits is searchable the moment it is visible, even if the process
        # dies right after (nothing left for an after-commit job).
        assert SearchDocument.objects.count() == Article.objects.count() == 20
    assert callbacks == []  # drafts: nothing for the publishing pipeline either
    assert stale_article_ids(since=None) == []  # indexed as written: nothing for the search sync to redo


def test_hostile_items_in_a_batch_are_refused_precisely_and_the_rest_imported(routing):
    items = [
        *_many(3),
        story(
            "urn:huge",
            version=10**20,
            headline="Kamaz version overflow",
            body=OTHER_BODY.replace("1,000", "9"),
        ),
        story("u" * 301, headline="Too long a guid", body=OTHER_BODY.replace("1,000", "8")),
        story("urn:script", headline="Putin to visit France", body="<script>alert(1)</script>"),
    ]
    report = ingest(items, routing)
    assert report.counts == {"created": 3, "rejected": 3}
    reasons = dict(IngestLog.objects.values_list("ref", "reason"))
    assert reasons["urn:huge"].startswith("the article would be invalid: Ensure this value is less than")
    assert reasons["urn:script"] == "the item has no body text"
    assert reasons["u" * 300] == "'uri' is longer than 300 characters"  # the log keeps 300 of them
    assert not IngestedItem.objects.filter(guid__in=["urn:huge", "urn:script"]).exists()


def test_one_item_files_share_batches(routing, tmp_path, django_assert_max_num_queries):
    """A wire delivers one item per file: 60 files cost the statements of one batch, not of 60, and each article
    still names its own file."""
    from newsdesk.ingest.services import ingest_paths

    for n, item in enumerate(_many(60)):
        (tmp_path / f"{n:03}.json").write_text(json.dumps(item))
    with django_assert_max_num_queries(40):
        assert ingest_paths(paths=[str(tmp_path)], routing=routing).counts == {"created": 60}
    notes = set(Revision.objects.values_list("note", flat=True))
    assert notes == {f"ingested from {tmp_path / f'{n:03}.json'}" for n in range(60)}
