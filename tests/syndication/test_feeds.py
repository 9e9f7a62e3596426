"""RSS 2.0, Atom and JSON Feed: structure checked element by element, parsed back, schema-validated (JSON Feed)."""

import datetime as dt
import email.utils
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article
from tests.factories import ArticleFactory, user_with_role

from .conftest import economy, make_articles
from .schemas import validate_jsonfeed

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


def rss_items(response) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), f"channel has no {name}"
    return channel, channel.findall("item")


def test_rss_has_required_elements_unique_guids_and_rfc822_dates(client, story):
    make_articles(3)
    response = client.get("/feeds/news.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel, items = rss_items(response)
    assert len(items) == 4
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == 4
    for item in items:
        assert item.findtext("title") and item.findtext("link").startswith("https://news.example/news/")
        assert item.find("guid").get("isPermaLink") == "false"
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    first = items[0]
    assert first.findtext("title") == story.headline
    assert first.findtext("guid") == story.guid
    enclosure = first.find("enclosure")
    assert enclosure.get("url").startswith("https://news.example/media/photos/")
    assert enclosure.get("type") == "image/jpeg" and int(enclosure.get("length")) > 0
    media = first.find(f"{MEDIA}content")
    assert media.get("medium") == "image" and media.get("width") == "1600"
    assert media.findtext(f"{MEDIA}credit") == "© Mikhail Metzel/TASS"
    # Summary mode (the default): the lead, no full text.
    assert first.find(f"{CONTENT}encoded") is None
    assert "Ryabkov" in first.findtext("description")
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == "https://news.example/feeds/news.rss"


def test_full_text_by_configuration(client, settings, story):
    settings.NEWSDESK_FEED_FULL_TEXT = True
    _, items = rss_items(client.get("/feeds/news.rss"))
    assert "Moscow did nothing to meddle" in items[0].findtext(f"{CONTENT}encoded")
    atom = ET.fromstring(client.get("/feeds/news.atom").content)
    content = atom.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "Moscow did nothing to meddle" in content.text
    document = json.loads(client.get("/feeds/news.json").content)
    assert "Moscow did nothing to meddle" in document["items"][0]["content_html"]


def test_atom_structure_and_parse_back(client, story):
    response = client.get("/feeds/news.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), f"feed has no {name}"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == story.guid
    for name in ("updated", "published"):
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}{name}"))  # RFC 3339
    rels = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
    assert rels["alternate"].get("href") == "https://news.example" + story.get_absolute_url()
    assert rels["enclosure"].get("type") == "image/jpeg"
    assert entry.find(f"{ATOM}content") is None  # summary mode
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == story.headline
    assert parsed.entries[0].id == story.guid


def test_json_feed_is_valid(client, story):
    make_articles(2)
    response = client.get("/feeds/news.json")
    assert response["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.content)
    validate_jsonfeed(document)
    first = document["items"][0]
    assert first["id"] == story.guid and first["title"] == story.headline
    assert first["image"].startswith("https://news.example/media/")
    assert "content_html" not in first and first["content_text"] == story.lead
    assert first["authors"] == [{"name": "Ivan Petrov"}]


def test_scoped_feeds_carry_only_their_articles(client, story):
    other = ArticleFactory(
        section=economy(), headline="Russia's foreign trade down 11.9%, to $470 bln in 2016"
    )
    person, topic = story.persons.get(), story.topics.get()
    for url in (
        f"/feeds/person/{person.slug}.rss",
        f"/feeds/topic/{topic.slug}.rss",
        "/feeds/section/politics.rss",
    ):
        _, items = rss_items(client.get(url))
        assert [item.findtext("title") for item in items] == [story.headline], url
    _, items = rss_items(client.get("/feeds/section/economy.rss"))
    assert [item.findtext("title") for item in items] == [other.headline]
    assert client.get("/feeds/section/no-such-section.atom").status_code == 404


def test_unpublished_items_never_appear(client, story):
    ArticleFactory(headline="Draft: not for readers", status=Article.Status.DRAFT)
    ArticleFactory(headline="Scheduled: not yet", status=Article.Status.SCHEDULED,
                   publish_at=timezone.now() + dt.timedelta(hours=2))  # fmt: skip
    for fmt in ("rss", "atom", "json"):
        body = client.get(f"/feeds/news.{fmt}").content.decode()
        assert "not for readers" not in body and "not yet" not in body


def _atom_entry(client):
    return ET.fromstring(client.get("/feeds/news.atom").content).find(f"{ATOM}entry")


def test_an_update_changes_the_updated_date_not_the_guid(client, story):
    before = _atom_entry(client)
    story.updated_at = None
    editor = user_with_role("Editor")
    story.body += "<p>The Kremlin later confirmed the meeting.</p>"
    services.article_save(article=story, by=editor)
    after = _atom_entry(client)
    assert after.findtext(f"{ATOM}id") == before.findtext(f"{ATOM}id")
    assert after.findtext(f"{ATOM}published") == before.findtext(f"{ATOM}published")
    assert dt.datetime.fromisoformat(after.findtext(f"{ATOM}updated")) > dt.datetime.fromisoformat(
        before.findtext(f"{ATOM}updated")
    )
    json_item = json.loads(client.get("/feeds/news.json").content)["items"][0]
    assert json_item["date_modified"] > json_item["date_published"]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_conditional_get_answers_304_until_something_changes(client, story, fmt):
    url = f"/feeds/news.{fmt}"
    # HTTP dates have whole seconds: let the first state be older than the second in which the change comes.
    Article.objects.filter(pk=story.pk).update(modified_at=timezone.now() - dt.timedelta(minutes=5))
    first = client.get(url)
    assert first.status_code == 200
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    services.article_withdraw(article=story, by=None, note="Withdrawn at the request of the source.")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_websub_links_only_when_a_hub_is_configured(client, settings, story):
    assert "Link" not in client.get("/feeds/news.atom")
    settings.NEWSDESK_WEBSUB_HUB = "https://hub.example/"
    response = client.get("/feeds/section/politics.atom")
    assert response["Link"] == (
        '<https://hub.example/>; rel="hub", <https://news.example/feeds/section/politics.atom>; rel="self"'
    )
    atom = ET.fromstring(response.content)
    assert "https://hub.example/" in [link.get("href") for link in atom.findall(f"{ATOM}link[@rel='hub']")]
    rss = ET.fromstring(client.get("/feeds/news.rss").content)
    assert rss.find(f"channel/{ATOM}link[@rel='hub']").get("href") == "https://hub.example/"
    assert json.loads(client.get("/feeds/news.json").content)["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example/"}
    ]


@pytest.mark.parametrize("url", ["/feeds/news.rss", "/feeds/section/politics.atom", "/feeds/news.json"])
def test_feed_query_count_does_not_grow_with_articles(client, django_assert_num_queries, story, url):
    make_articles(2)
    with django_assert_num_queries(6 if "section" in url else 5):  # persons, topics, corrections prefetched
        assert client.get(url).status_code == 200
    make_articles(12)
    with django_assert_num_queries(6 if "section" in url else 5):
        assert client.get(url).status_code == 200


def test_pages_advertise_their_feeds(client, story):
    from bs4 import BeautifulSoup

    def alternates(url):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        return {(link["type"], link["href"]) for link in soup.select('head link[rel="alternate"]')}

    home = alternates("/")
    assert ("application/rss+xml", "/feeds/news.rss") in home
    assert ("application/atom+xml", "/feeds/news.atom") in home
    assert ("application/feed+json", "/feeds/news.json") in home
    section = alternates("/section/politics/")
    assert ("application/atom+xml", "/feeds/section/politics.atom") in section
    assert ("application/rss+xml", "/feeds/news.rss") in section
    person = story.persons.get()
    assert ("application/feed+json", f"/feeds/person/{person.slug}.json") in alternates(
        person.get_absolute_url()
    )
    topic = story.topics.get()
    assert ("application/rss+xml", f"/feeds/topic/{topic.slug}.rss") in alternates(topic.get_absolute_url())
    for url, _type in [(href, t) for t, href in alternates(topic.get_absolute_url())]:
        assert client.get(url).status_code == 200
