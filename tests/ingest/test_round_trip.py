"""Round trip: our own export (ninjs 3.1, NewsML-G2 2.35) imported again gives the same documents, field for field.

The articles are exported, deleted, imported from the export, and exported again. Nothing legitimately differs:
the guid, version, times, public id and slug (so the page address), section, topics (with or without a Media
Topic code), persons, dateline (day and source), byline, urgency, lead, the body's markup and — in ninjs, which
names it by its uri — the lead photo all come back. NewsML-G2 carries the photo only as a link to the picture
file, which ingest does not download, so that test's articles have no photo.
"""

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news import services as news
from newsdesk.news.html import sanitize_html
from newsdesk.news.models import Article, Person, Section, Topic
from newsdesk.syndication.newsmlg2 import NewsMLG2
from newsdesk.syndication.ninjs import Ninjs31
from tests.factories import ArticleFactory, image_upload

pytestmark = pytest.mark.django_db

RICH_BODY = (
    "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations, Deputy Foreign "
    "Minister Sergey Ryabkov said on Tuesday &amp; added: “it’s early days”.</p>\n"
    "<h2>Moscow did nothing to meddle in US domestic policy</h2>\n"
    '<p>He spoke at the <a href="https://www.mid.ru/en/">Foreign Ministry</a> in Pskov.<br>No date was set.</p>'
    '<hr class="page-break">'
    "<blockquote><p>We are open to dialogue.</p></blockquote>"
    "<ul><li>trade</li><li>security</li></ul>"
    "<table><tbody><tr><th>Year</th><td>2017</td></tr></tbody></table>"
)


@pytest.fixture
def articles(db):
    politics, world = Section.objects.get(slug="politics"), Section.objects.get(slug="world")
    policy = Topic.objects.create(
        name="Foreign policy", slug="foreign-policy", mediatopic_code="medtop:20000638"
    )
    diplomacy = Topic.objects.create(name="Diplomacy", slug="diplomacy")  # no Media Topic code
    ryabkov = Person.objects.create(name="Sergey Ryabkov", slug="sergey-ryabkov", wikidata_id="Q4420520")
    trump = Person.objects.create(name="Donald Trump", slug="donald-trump")
    now = timezone.now()
    photo = news.photo_create(
        image=image_upload(), caption="Sergey Ryabkov at the Foreign Ministry in Pskov",
        credit="© Mikhail Metzel/TASS", alt_text="A man in a dark suit speaks at a lectern",
    )  # fmt: skip
    first = ArticleFactory(
        section=politics, byline="Anna Ivanova", urgency=3, body=sanitize_html(RICH_BODY), lead_photo=photo,
        publish_at=now - dt.timedelta(hours=3, microseconds=123),
    )  # fmt: skip
    first.topics.set([policy, diplomacy])
    first.persons.set([ryabkov, trump])
    updated = ArticleFactory(
        section=world, lead="", dateline_place="", version=3, updated_at=now - dt.timedelta(minutes=10),
        body=sanitize_html("<p>Kamaz will supply at least 1,000 trucks to the Philippines by 2020.</p>"),
    )  # fmt: skip
    updated.topics.set([policy])
    return [first, updated]


def _reimport(data: bytes, routing: Routing) -> None:
    Article.objects.all().delete()
    report = ingest_document(data=data, origin="export", routing=routing)
    assert report.counts == {"created": 2}, report


def test_ninjs_31_export_import_export_is_identical(articles):
    serializer = Ninjs31()
    before = [serializer.item(article) for article in articles]
    # The documents carry what the test claims to cover.
    assert {s.get("rel") for s in before[0]["subjects"]} == {"section", "about"}
    assert before[0]["associations"][0]["type"] == "picture"  # our lead photo, by its uri

    # No default section: each item says its own.
    _reimport(json.dumps(before).encode(), Routing(status=Article.Status.PUBLISHED))

    after = [serializer.item(article) for article in Article.objects.order_by("first_published_at")]
    assert after == before


def test_newsml_g2_export_import_export_is_identical(articles):
    for article in articles:
        article.lead_photo = None  # see the module's docstring
        article.save()
    serializer = NewsMLG2()
    before = [serializer.item_bytes(article) for article in articles]
    assert b'<html:hr class="page-break" />' in before[0] and b"contentModified" in before[1]

    world = Section.objects.get(slug="world")
    _reimport(serializer.message_bytes(articles), Routing(section=world, status=Article.Status.PUBLISHED))

    after = [serializer.item_bytes(article) for article in Article.objects.order_by("first_published_at")]
    assert [_text(a) for a in after] == [_text(b) for b in before]
    assert after == before


def _text(document: bytes) -> str:
    """Readable on failure: the document re-serialized (byte equality is asserted after)."""
    return ET.tostring(ET.fromstring(document), encoding="unicode")


def test_round_trip_into_a_newsroom_that_still_has_the_original(articles):
    """Imported beside the original, the copy takes a new guid, public id and slug, and changes nothing else."""
    original = articles[1]
    document = Ninjs31().item(original)
    report = ingest_document(
        data=json.dumps(document).encode(), origin="export", routing=Routing(status=Article.Status.PUBLISHED)
    )
    assert report.counts == {"created": 1}
    copy = Article.objects.exclude(pk__in=[a.pk for a in articles]).get()
    assert copy.public_id != original.public_id and copy.slug != original.slug and copy.guid != original.guid
    again = Ninjs31().item(copy)
    differ = {key for key in document if document[key] != again.get(key)}
    assert differ == {"uri", "altIds", "renditions"}
