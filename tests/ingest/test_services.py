"""Import semantics: guid + version, updates with revisions and public notes, withdrawals, duplicates, routing,
the quarantine and its retry, limits, folders, packages with photos, "In other media" links."""

import json

import pytest
from django.core.management import call_command

from newsdesk.ingest import batch, items, services
from newsdesk.ingest.formats import WireItem
from newsdesk.ingest.models import IngestedItem, IngestLog, IngestSource
from newsdesk.ingest.services import Routing, ingest_document, item_ingest
from newsdesk.news.models import Article, Correction, OtherMediaLink, Person, Revision, Topic
from tests.factories import ArticleFactory

from .conftest import corpus
from .test_formats import HEADLINE, PARAGRAPHS, newsml_item

pytestmark = pytest.mark.django_db
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def ninjs(guid="urn:tass:948363", version=1, headline=HEADLINE, body=BODY, **extra) -> bytes:
    doc = {
        "uri": guid,
        "version": str(version),
        "type": "text",
        "headline": headline,
        "body_html": body,
        **extra,
    }
    return json.dumps(doc).encode()


def ingest(data: bytes, routing: Routing, source=None, origin="test.json"):
    return ingest_document(data=data, origin=origin, routing=routing, source=source)


def test_guid_and_version_decide(routing):
    published = Routing(section=routing.section, status=Article.Status.PUBLISHED)
    assert str(ingest(ninjs(), published)) == "1 created"
    article = Article.objects.get()
    assert (article.guid, article.status, article.section.slug) == ("urn:tass:948363", "published", "world")
    assert str(ingest(ninjs(), published)) == "1 unchanged"
    revisions = Revision.objects.count()

    new_headline = "Moscow sees no breakthrough in relations with Washington"
    assert str(ingest(ninjs(version=2, headline=new_headline), published)) == "1 updated"
    article.refresh_from_db()
    assert article.headline == new_headline and Article.objects.count() == 1
    assert Revision.objects.count() == revisions + 1
    note = Correction.objects.get(article=article)
    assert note.kind == Correction.Kind.UPDATE and "Updated" in note.note

    assert str(ingest(ninjs(version=1, headline="old"), published)) == "1 older"
    article.refresh_from_db()
    assert article.headline == new_headline

    assert str(ingest(ninjs(version=3, pubstatus="canceled"), published)) == "1 withdrawn"
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert IngestedItem.objects.get().version == 3


def test_update_of_an_unpublished_item_adds_no_public_note(routing):
    ingest(ninjs(), routing)
    assert Article.objects.get().status == Article.Status.REVIEW
    ingest(ninjs(version=2, headline="Ryabkov: no breakthrough yet"), routing)
    assert Article.objects.get().headline == "Ryabkov: no breakthrough yet"
    assert not Correction.objects.exists()


def test_withdrawal_of_an_unknown_item_changes_nothing(routing):
    assert str(ingest(ninjs(pubstatus="canceled"), routing)) == "1 ignored"
    assert not Article.objects.exists()


def test_identical_bodies_from_two_sources_are_linked(routing):
    ingest(ninjs(guid="urn:tass:1"), routing)
    assert str(ingest(ninjs(guid="urn:partner:77", headline="Ryabkov on relations"), routing)) == "1 linked"
    assert Article.objects.count() == 1
    first, second = IngestedItem.objects.order_by("id")
    assert second.duplicate_of == first and second.article_id == first.article_id


def test_routing_topics_and_persons(routing, world):
    politics = Topic.objects.create(
        name="Foreign policy", slug="foreign-policy", mediatopic_code="medtop:20000638"
    )
    oil = Topic.objects.create(name="Oil and gas", slug="oil-and-gas")
    ryabkov = Person.objects.create(name="Sergey Ryabkov", slug="sergey-ryabkov")
    reagan = Person.objects.create(name="Ronald Reagan", slug="ronald-reagan")
    Person.objects.create(name="Donald Trump", slug="donald-trump")
    routing.topic_map = {"reuters:crude": "oil-and-gas"}
    routing.status = Article.Status.PUBLISHED
    doc = ninjs(subject=[{"code": "medtop:20000638"}, {"code": "reuters:crude"}, {"code": "medtop:1"}],
                person=[{"name": "sergey ryabkov"}, {"name": "reagan"}, {"name": "Nobody Known"}])  # fmt: skip
    ingest(doc, routing)
    article = Article.objects.get()
    assert set(article.topics.all()) == {politics, oil}
    assert set(article.persons.all()) == {ryabkov, reagan}
    assert article.visible_at() and article.section == world


def test_no_section_is_quarantined_and_retried_after_routing_is_fixed(world):
    source = IngestSource.objects.create(name="Partner", kind="folder", location="/nonexistent")
    report = ingest(ninjs(), Routing.for_source(source), source=source)
    assert str(report) == "1 rejected" and not Article.objects.exists()
    entry = IngestLog.objects.get()
    assert entry.reason == "no section to put it in: set the source's default section (or pass --section)"
    assert entry.ref == "urn:tass:948363" and entry.source == source

    assert services.quarantine_retry(entry_id=entry.pk) == "rejected"  # still no section
    source.default_section = world
    source.save()
    assert services.quarantine_retry(entry_id=entry.pk) == "created"
    entry.refresh_from_db()
    assert entry.status == IngestLog.Status.RETRIED and Article.objects.get().section == world


def test_one_bad_item_never_stops_the_others_and_nothing_is_half_imported(routing):
    items = [
        {"uri": "urn:a", "headline": HEADLINE, "body_html": BODY},
        {"uri": "urn:b", "headline": "", "body_html": BODY},  # no headline
        {"uri": "urn:c", "headline": "Putin to visit France", "body_html": "<script>alert(1)</script>"},  # empty
        {"uri": "urn:d", "headline": "Kamaz to supply at least 1,000 trucks to Philippines", "body_html": "<p>Kamaz will supply trucks to the Philippines by 2020, the company said in a statement that also covered service centres.</p>"},
    ]  # fmt: skip
    report = ingest(json.dumps(items).encode(), routing)
    assert report.counts == {"created": 2, "rejected": 2}
    assert set(Article.objects.values_list("guid", flat=True)) == {"urn:a", "urn:d"}
    assert set(IngestedItem.objects.values_list("guid", flat=True)) == {"urn:a", "urn:d"}
    reasons = dict(IngestLog.objects.values_list("ref", "reason"))
    assert reasons == {"urn:b": "the item has no headline", "urn:c": "the item has no body text"}


def test_an_item_failing_inside_the_article_write_leaves_nothing(routing, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(items, "_tag", lambda *a, **k: broken())  # the per-item path
    monkeypatch.setattr(batch, "_tags", lambda *a, **k: broken())  # the bulk path, then falling back to it
    ingest(ninjs(), routing)
    assert not Article.objects.exists() and not IngestedItem.objects.exists()
    assert IngestLog.objects.get().reason == "internal error: RuntimeError('disk full')"


def test_size_limits(routing, settings):
    settings.NEWSDESK_INGEST_MAX_BYTES = 1000
    assert str(ingest(b"[" + b" " * 2000 + b"]", routing)) == "1 documents refused"
    assert "over the limit of 1000" in IngestLog.objects.get().reason
    settings.NEWSDESK_INGEST_MAX_BYTES = 10_000_000
    settings.NEWSDESK_INGEST_MAX_ITEM_BYTES = 500
    assert str(ingest(ninjs(body="<p>" + "Ryabkov said. " * 100 + "</p>"), routing)) == "1 rejected"
    assert "over the limit of 500" in IngestLog.objects.latest("id").reason


def test_watched_folder_moves_files_and_logs_refusals(tmp_path, world):
    (tmp_path / "a.json").write_bytes(ninjs())
    (tmp_path / "b.xml").write_text(newsml_item(guid="urn:newsml:tass.com:2"))
    (tmp_path / "page.html").write_text("<html><body>Not a feed</body></html>")
    source = IngestSource.objects.create(
        name="Bureau", kind="folder", location=str(tmp_path), default_section=world
    )
    report = services.source_poll(source_id=source.pk)
    assert report.counts == {
        "created": 1,
        "linked": 1,
        "documents refused": 1,
    }  # same story in ninjs and NewsML
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["a.json", "b.xml"]
    assert [p.name for p in (tmp_path / "failed").iterdir()] == ["page.html"]
    assert IngestLog.objects.get().reason == "expected a news document, got an HTML page"
    assert services.source_poll(source_id=source.pk) is None  # not due again yet
    source.refresh_from_db()
    assert (
        source.last_result == "1 created, 1 documents refused, 1 linked"
        and source.next_poll_at > source.last_polled_at
    )


def test_package_picture_becomes_the_lead_photo(tmp_path, routing):
    from PIL import Image

    Image.new("RGB", (1200, 800), (90, 120, 160)).save(tmp_path / "pskov.jpg")
    picture = (
        '<newsItem guid="urn:pic:1"><itemMeta><itemClass qcode="ninat:picture"/></itemMeta><contentMeta>'
        '<headline>Pskov</headline><creditline>TASS</creditline><description role="drol:caption">Sergey Ryabkov '
        'in Pskov</description></contentMeta><contentSet><remoteContent href="pskov.jpg"/></contentSet></newsItem>'
    )
    text = newsml_item().split("?>", 1)[1].replace(' xmlns="http://iptc.org/std/nar/2006-10-01/"', "")
    package = (
        '<packageItem guid="urn:pkg"><groupSet><group><itemRef residref="urn:newsml:tass.com:20170530:1"/>'
        '<itemRef residref="urn:pic:1"/></group></groupSet></packageItem>'
    )
    message = f'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>{package}{text}{picture}</itemSet></newsMessage>'
    (tmp_path / "message.xml").write_text(message)  # fmt: skip
    report = services.ingest_paths(paths=[str(tmp_path / "message.xml")], routing=routing)
    assert report.counts == {"created": 1, "photos": 1}
    article = Article.objects.get()
    assert article.lead_photo.caption == "Sergey Ryabkov in Pskov" and article.lead_photo.credit == "TASS"
    assert article.dateline_place == "PSKOV"


def test_feed_items_as_links_under_matching_articles(routing):
    article = ArticleFactory(headline="Lavrov and Tillerson discuss Syria settlement in phone call",
                             lead="Russian Foreign Minister Sergey Lavrov and US Secretary of State Rex Tillerson discussed Syria")  # fmt: skip
    feed = ("<rss version='2.0'><channel><title>BBC News</title><item><title>Tillerson and Lavrov discuss Syria by phone</title>"
            "<link>https://www.bbc.co.uk/news/world-1</link><guid>bbc-1</guid><description>Rex Tillerson and Sergey Lavrov spoke about Syria</description></item>"
            "<item><title>Premier League results</title><link>https://www.bbc.co.uk/sport/2</link></item></channel></rss>")  # fmt: skip
    routing.mode = IngestSource.Mode.LINKS
    report = ingest(feed.encode(), routing, origin="https://feeds.bbci.co.uk/news/rss.xml")
    assert report.counts == {"links": 1, "unmatched links": 1}
    link = OtherMediaLink.objects.get()
    assert (link.article, link.outlet, link.url) == (
        article,
        "BBC News",
        "https://www.bbc.co.uk/news/world-1",
    )
    assert Article.objects.count() == 1
    assert str(ingest(feed.encode(), routing)) == "2 unchanged"


def test_feed_items_as_our_copy(routing):
    feed = corpus("providers/feeds/en_bbc_news_frontpage_2026-04-25.xml").read_bytes()
    report = ingest(feed, routing)
    assert report.counts["created"] + report.counts.get("linked", 0) == 27
    assert Article.objects.filter(status=Article.Status.REVIEW).count() == report.counts["created"]


def test_command_ingests_reuters_and_rerun_changes_nothing(world, capsys):
    path = corpus("reuters21578/reut2-021.sgm")
    call_command("ingest", str(path), "--section", "world")
    first = capsys.readouterr().out
    articles = Article.objects.count()
    assert articles > 400 and "created" in first
    assert IngestedItem.objects.count() == IngestedItem.objects.values("guid").distinct().count()
    call_command("ingest", str(path), "--section", "world")
    assert Article.objects.count() == articles
    assert "created" not in capsys.readouterr().out


def test_command_rejects_unknown_section():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="section 'nowhere' does not exist; choose one of"):
        call_command("ingest", "x.json", "--section", "nowhere")


def test_item_ingest_rejects_overlong_guid(routing):
    from newsdesk.ingest.formats import ItemRejected

    with pytest.raises(ItemRejected, match="longer than 300"):
        item_ingest(
            item=WireItem(guid="u" * 301, headline=HEADLINE, body_html=BODY),
            routing=routing,
            source=None,
            origin="t",
        )
