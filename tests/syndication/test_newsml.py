"""NewsML-G2 2.35 newsItem and newsMessage, validated with xmlschema against IPTC's Power XSD."""

import xml.etree.ElementTree as ET

import pytest

from newsdesk.news import services

from .conftest import make_articles
from .schemas import validate_newsml

pytestmark = pytest.mark.django_db
NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_news_item_is_valid_and_complete(client, story):
    response = client.get(f"/api/v1/newsml/items/{story.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.iptc.g2.newsitem+xml")
    validate_newsml(response.content)
    item = ET.fromstring(response.content)
    assert item.get("guid") == story.guid and item.get("standardversion") == "2.35"
    assert item.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:usable"
    meta = item.find(f"{NAR}contentMeta")
    assert meta.findtext(f"{NAR}headline") == story.headline
    assert meta.findtext(f"{NAR}dateline") == "PSKOV, May 30. /TASS/."
    assert meta.findtext(f"{NAR}located/{NAR}name") == "Pskov"
    assert meta.findtext(f"{NAR}creditline") == "TASS"
    subjects = {s.get("qcode"): s.findtext(f"{NAR}name") for s in meta.findall(f"{NAR}subject")}
    assert subjects["medtop:20000640"] == "Regional development"
    body = item.find(f"{NAR}contentSet/{NAR}inlineXML/{XHTML}html/{XHTML}body")
    assert [h.text for h in body.iter(f"{XHTML}h2")] == ["Moscow did nothing to meddle in US domestic policy"]
    remote = item.find(f"{NAR}contentSet/{NAR}remoteContent")
    assert remote.get("href").startswith("https://news.example/media/photos/")
    assert remote.get("contenttype") == "image/jpeg" and remote.get("width") == "1600"


def test_withdrawn_item_is_valid_and_canceled(client, story):
    services.article_withdraw(article=story, by=None, note="The source retracted the statement.")
    response = client.get(f"/api/v1/newsml/items/{story.public_id}")
    validate_newsml(response.content)
    item = ET.fromstring(response.content)
    assert item.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:canceled"
    assert item.find(f"{NAR}contentSet") is None


def test_body_with_void_and_nested_elements_stays_well_formed_xhtml(client, story):
    story.body = (
        '<p>First line<br>second line &amp; more</p><hr class="page-break"><ul><li><a href="https://example.org/a?b=1&amp;c=2">'
        "link</a></li></ul><blockquote><p>“Quoted” text</p></blockquote><table><tbody><tr><td>1</td></tr></tbody></table>"
    )
    story.save()
    response = client.get(f"/api/v1/newsml/items/{story.public_id}")
    validate_newsml(response.content)
    assert "second line &amp; more" in response.content.decode()


def test_news_message_of_recent_items_is_valid(client, django_assert_num_queries, story):
    make_articles(3)
    response = client.get("/api/v1/newsml/items?limit=10")
    validate_newsml(response.content)
    message = ET.fromstring(response.content)
    assert message.tag == f"{NAR}newsMessage"
    assert len(message.findall(f"{NAR}itemSet/{NAR}newsItem")) == 4
    make_articles(10)
    with django_assert_num_queries(3):
        assert client.get("/api/v1/newsml/items?limit=50").status_code == 200
