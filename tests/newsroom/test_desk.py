"""The desk: its queues (incoming wire, in review, my drafts, scheduled, published, corrections and withdrawals,
spiked), the section filter, its live refresh (a 304 while nothing moves), and its actions as POSTs with CSRF and
the roles' rights: publish (as is, or at the embargo's time), spike and unspike, rewrite with provenance, flash
and takes."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.ingest.models import IngestedItem, IngestSource
from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news import services
from newsdesk.news.models import Article, Correction, Revision, Section
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
DESK = "/newsroom/desk/"
HEADLINE = "Kamaz to supply at least 1,000 trucks to Philippines by 2020"
BODY = "<p>Russian truck maker Kamaz will supply at least 1,000 trucks to the Philippines by 2020.</p>"


def wire_item(guid="urn:ap:kamaz-1", version=3, headline=HEADLINE, source=None, **extra) -> Article:
    """An item as the wire brings it: ingested for review, with its ingest record."""
    doc = {
        "uri": guid,
        "version": str(version),
        "type": "text",
        "headline": headline,
        "body_html": BODY,
        **extra,
    }
    routing = Routing(section=Section.objects.get(slug="world"))
    report = ingest_document(
        data=json.dumps(doc).encode(), origin="test.json", routing=routing, source=source
    )
    assert str(report) == "1 created", report
    return Article.objects.get(guid=guid)


@pytest.fixture
def ap(default_sections):
    world = Section.objects.get(slug="world")
    return IngestSource.objects.create(
        name="AP wire", kind="folder", location="/nowhere", default_section=world
    )


def queue(html: str, key: str) -> str:
    """The HTML of one queue of the desk."""
    match = re.search(rf'<(section|details) class="desk-queue desk-queue--{key}".*?</\1>', html, re.S)
    assert match, f"no {key} queue"
    return match.group(0)


def desk_html(client, **params) -> str:
    response = client.get(DESK, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queues_show_each_item_where_it_stands(editor_client, editor, reporter, ap):
    now = timezone.now()
    wire = wire_item(source=ap, urgency=1)
    reviewed = ArticleFactory(headline="Story filed for review", status="review", publish_at=None,
                              first_published_at=None, created_by=reporter, urgency=2)  # fmt: skip
    draft = ArticleFactory(headline="My own draft", status="draft", publish_at=None, first_published_at=None,
                           created_by=editor)  # fmt: skip
    ArticleFactory(headline="Another reporter draft", status="draft", publish_at=None, first_published_at=None,
                   created_by=reporter)  # fmt: skip
    scheduled = ArticleFactory(
        headline="Scheduled story", status="scheduled", publish_at=now + dt.timedelta(hours=2)
    )
    published = ArticleFactory(headline="Published an hour ago")
    ArticleFactory(headline="Published yesterday", publish_at=now - dt.timedelta(days=1))
    corrected = ArticleFactory(headline="Corrected story")
    services.article_correct(article=corrected, by=editor, note="An earlier version misstated the date.")
    withdrawn = ArticleFactory(headline="Withdrawn story")
    services.article_withdraw(article=withdrawn, by=editor, note="The report was not confirmed.")

    html = desk_html(editor_client)
    wire_q = queue(html, "wire")
    assert HEADLINE in wire_q and "FLASH" in wire_q
    assert "AP wire, urn:ap:kamaz-1, version 3" in wire_q  # the provenance, as the wire said it
    review_q = queue(html, "review")
    assert reviewed.headline in review_q and "URGENT" in review_q and HEADLINE not in review_q
    drafts = queue(html, "drafts")
    assert draft.headline in drafts and "Another reporter" not in drafts
    scheduled_q = queue(html, "scheduled")
    local = timezone.localtime(scheduled.publish_at)
    assert scheduled.headline in scheduled_q and f"at {local:%H:%M}" in scheduled_q
    published_q = queue(html, "published")
    assert published.headline in published_q and "Published yesterday" not in published_q
    corrections = queue(html, "corrections")
    assert "Corrected story" in corrections and "misstated the date" in corrections
    assert "Withdrawn story" in corrections and "Withdrawn" in corrections.split("Withdrawn story")[1]
    # Each item one click from editing, preview and publishing.
    for article in (wire, reviewed, draft, scheduled):
        assert reverse("admin:news_article_change", args=[article.pk]) in html
        assert reverse("admin:news_article_preview", args=[article.pk]) in html
        assert reverse("newsroom:desk_publish", args=[article.pk]) in html


def test_the_desk_is_first_in_the_newsroom_navigation(editor_client, reporter_client):
    for client in (editor_client, reporter_client):
        html = client.get(reverse("admin:index")).content.decode()
        links = re.findall(r'<a href="([^"]+)"', html.split('id="content-main"')[1])
        assert links[0] == DESK


def test_a_section_filter_shows_that_desk_only(editor_client, default_sections):
    ArticleFactory(headline="Politics story")
    ArticleFactory(headline="Business story", section=Section.objects.get(slug="economy"))
    html = desk_html(editor_client, section="economy")
    assert "Business story" in html and "Politics story" not in html
    html = desk_html(editor_client, section="no-such-section")
    assert "Business story" in html and "Politics story" in html and "There is no section" in html


def test_the_live_refresh_is_a_304_until_the_desk_moves(editor_client, editor, default_sections, desk_minute):
    from newsdesk.newsroom import selectors

    article = ArticleFactory(
        headline="Story in review", status="review", publish_at=None, first_published_at=None
    )
    first = editor_client.get(DESK, {"part": "queues"})
    assert first.status_code == 200 and first["ETag"]
    assert "Story in review" in first.content.decode() and "<html" not in first.content.decode()
    again = editor_client.get(DESK, {"part": "queues"}, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and "no-store" in again["Cache-Control"]

    services.article_publish(article=article, by=editor)
    moved = editor_client.get(DESK, {"part": "queues"}, headers={"If-None-Match": first["ETag"]})
    assert moved.status_code == 200 and moved["ETag"] != first["ETag"]
    assert "Story in review" in queue(moved.content.decode(), "published")
    later = selectors.desk_position(now=desk_minute + dt.timedelta(minutes=1))  # the next minute moves it
    assert later != selectors.desk_position(now=desk_minute)


def test_publish_is_a_post_with_csrf_for_editors_only(editor, reporter, default_sections):
    article = ArticleFactory(status="review", publish_at=None, first_published_at=None)
    url = reverse("newsroom:desk_publish", args=[article.pk])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(url).status_code == 403  # no CSRF token
    assert strict.get(url).status_code == 405
    reporter_client = Client()
    reporter_client.force_login(reporter)
    assert reporter_client.post(url).status_code == 403
    article.refresh_from_db()
    assert article.status == "review"
    assert "desk_publish" not in desk_html(reporter_client)  # no button reporters cannot use
    assert reverse("newsroom:desk_publish", args=[article.pk]) not in desk_html(reporter_client)

    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.post(url, {"desk_section": "politics"})
    assert response.status_code == 302 and response["Location"] == f"{DESK}?section=politics"
    article.refresh_from_db()
    assert article.status == "published" and article.visible_at()


def test_an_embargoed_item_cannot_be_published_before_its_time(editor_client, editor, ap):
    lifts = (timezone.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    item = wire_item(source=ap, embargoed=lifts.isoformat())
    assert item.embargoed_until == lifts
    html = desk_html(editor_client)
    assert f"Embargoed until {timezone.localtime(lifts):%H:%M}" in queue(html, "wire")

    url = reverse("newsroom:desk_publish", args=[item.pk])
    response = editor_client.post(url, follow=True)
    item.refresh_from_db()
    assert item.status == "review" and not item.visible_at()
    text = response.content.decode()
    assert "was not published: Embargoed until" in text and "Schedule it for that time or later" in text

    # The service itself refuses, whoever calls it.
    with pytest.raises(services.ValidationError, match="Embargoed until"):
        services.article_publish(article=item, by=editor)
    with pytest.raises(services.ValidationError, match="Embargoed until"):
        services.article_publish(article=item, by=editor, at=lifts - dt.timedelta(minutes=1))

    # "Schedule for 14:00": out at the embargo's time, not a second before.
    editor_client.post(url, {"at": "embargo"})
    item.refresh_from_db()
    assert item.status == "scheduled" and item.publish_at == lifts and not item.visible_at()
    assert item.visible_at(lifts)


def test_the_change_form_explains_the_embargo_instead_of_publishing(editor_client, editor, default_sections):
    from .helpers import article_form_data, change_url

    lifts = timezone.now() + dt.timedelta(hours=3)
    article = ArticleFactory(status="review", publish_at=None, first_published_at=None, embargoed_until=lifts)
    local = timezone.localtime(lifts)
    embargo = {"embargoed_until_0": f"{local:%Y-%m-%d}", "embargoed_until_1": f"{local:%H:%M:%S}"}
    response = editor_client.post(
        change_url(article), article_form_data(article, status="published", **embargo)
    )
    assert response.status_code == 200
    assert "Embargoed until" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "review"


def test_embargoed_items_ingested_for_publishing_wait_for_their_time(ap):
    lifts = (timezone.now() + dt.timedelta(minutes=30)).replace(microsecond=0)
    doc = {
        "uri": "urn:ap:embargo",
        "type": "text",
        "headline": HEADLINE,
        "body_html": BODY,
        "embargoedUntil": lifts.isoformat(),
    }
    published = Routing(section=ap.default_section, status=Article.Status.PUBLISHED)
    ingest_document(data=json.dumps(doc).encode(), origin="t.json", routing=published)
    article = Article.objects.get(guid="urn:ap:embargo")
    assert article.status == "scheduled" and article.publish_at == lifts and not article.visible_at()


def test_spike_hides_an_item_from_its_queue_and_unspike_brings_it_back(reporter_client, ap):
    item = wire_item(source=ap)
    url = reverse("newsroom:desk_spike", args=[item.pk])
    reporter_client.post(url)
    item.refresh_from_db()
    assert item.spiked_at is not None and item.status == "review"
    html = desk_html(reporter_client)
    assert HEADLINE not in queue(html, "wire") and HEADLINE in queue(html, "spiked")
    assert Revision.objects.filter(article=item, note="spiked").exists()  # who spiked it, in its history

    reporter_client.post(url, {"undo": "1"})
    item.refresh_from_db()
    assert item.spiked_at is None
    assert HEADLINE in queue(desk_html(reporter_client), "wire")


def test_a_published_story_cannot_be_spiked(editor_client):
    article = ArticleFactory()
    response = editor_client.post(reverse("newsroom:desk_spike", args=[article.pk]), follow=True)
    assert "Only drafts and items in review can be spiked" in response.content.decode()
    article.refresh_from_db()
    assert article.spiked_at is None


def test_rewrite_makes_our_own_story_with_the_wire_items_provenance(reporter_client, reporter, ap):
    item = wire_item(source=ap, version=4)
    response = reporter_client.post(reverse("newsroom:desk_rewrite", args=[item.pk]))
    story = Article.objects.exclude(pk=item.pk).get()
    assert response["Location"] == reverse("admin:news_article_change", args=[story.pk])
    assert story.status == "draft" and story.created_by == reporter and story.public_id != item.public_id
    assert story.headline == item.headline and story.body == item.body
    assert story.provenance == {
        "source": "AP wire",
        "guid": "urn:ap:kamaz-1",
        "version": 4,
        "article_id": item.pk,
    }
    item.refresh_from_db()
    assert item.spiked_at is not None  # nobody runs both
    form = reporter_client.get(response["Location"]).content.decode()
    assert "Rewritten from" in form and "AP wire · urn:ap:kamaz-1 · version 4" in form
    # The wire copy's own form says what it is.
    editor_form = reporter_client.get(reverse("admin:news_article_change", args=[item.pk])).content.decode()
    assert "AP wire · urn:ap:kamaz-1 · version 4" in editor_form
    # A newer version from the wire: the rewrite's form says so (its provenance stays what it was rewritten from).
    doc = {"uri": "urn:ap:kamaz-1", "version": "5", "type": "text", "headline": HEADLINE, "body_html": BODY}
    ingest_document(data=json.dumps(doc).encode(), origin="t.json", routing=Routing(section=item.section))
    form = reporter_client.get(response["Location"]).content.decode()
    assert "version 4 (the wire has version 5 now)" in form


def test_a_flash_is_published_at_once_and_takes_update_the_same_story(editor_client, editor, politics):
    response = editor_client.post(
        reverse("newsroom:desk_flash"),
        {"headline": "  Earthquake hits Kamchatka  ", "section": politics.pk, "urgency": "1"},
    )
    assert response.status_code == 302
    flash = Article.objects.get()
    assert (flash.headline, flash.urgency, flash.version) == ("Earthquake hits Kamchatka", 1, 1)
    assert flash.visible_at() and flash.body == "<p>Earthquake hits Kamchatka</p>"
    public_id, url = flash.public_id, flash.get_absolute_url()

    take = reverse("newsroom:desk_take", args=[flash.pk])
    assert editor_client.get(take).status_code == 200
    editor_client.post(
        take,
        {"headline": "Magnitude 7.0 earthquake hits Kamchatka", "text": "No damage reported.", "note": ""},
    )
    flash.refresh_from_db()
    assert flash.public_id == public_id and flash.get_absolute_url() != "" and flash.version == 2
    assert flash.headline == "Magnitude 7.0 earthquake hits Kamchatka"
    assert flash.body.endswith("<p>No damage reported.</p>")
    log = list(Correction.objects.filter(article=flash))
    assert [(c.kind, c.note) for c in log] == [("update", "New details added.")]
    # The reader sees the update in the story's public log.
    page = Client().get(flash.get_absolute_url(), follow=True).content.decode()
    assert "New details added." in page and "No damage reported." in page
    assert url.split("/")[2] == str(public_id) or str(public_id) in url


def test_reporters_cannot_flash_or_add_takes(reporter_client, politics):
    response = reporter_client.post(
        reverse("newsroom:desk_flash"), {"headline": "Flash", "section": politics.pk, "urgency": "1"}
    )
    assert response.status_code == 403 and not Article.objects.exists()
    article = ArticleFactory()
    assert reporter_client.get(reverse("newsroom:desk_take", args=[article.pk])).status_code == 403
    assert 'id="desk-flash-headline"' not in desk_html(reporter_client)


def test_an_empty_flash_is_refused_with_a_message(editor_client, politics):
    response = editor_client.post(
        reverse("newsroom:desk_flash"),
        {"headline": "   ", "section": politics.pk, "urgency": "1"},
        follow=True,
    )
    assert "The flash was not published" in response.content.decode()
    assert not Article.objects.exists()


def test_wire_items_provenance_reads_one_query_for_the_queue(editor_client, ap):
    for n in range(3):
        wire_item(guid=f"urn:ap:{n}", headline=f"{HEADLINE} {n}", source=ap)
    assert IngestedItem.objects.count() == 3
    html = queue(desk_html(editor_client), "wire")
    assert all(f"urn:ap:{n}, version 3" in html for n in range(3))


def test_only_items_with_an_ingest_record_are_incoming_wire(editor_client, ap):
    wire_item(source=ap)
    ArticleFactory(
        headline="Loaded without an author", status="review", publish_at=None, first_published_at=None
    )
    html = desk_html(editor_client)
    assert HEADLINE in queue(html, "wire") and "Loaded without an author" not in queue(html, "wire")
    assert "Loaded without an author" in queue(html, "review") and HEADLINE not in queue(html, "review")
