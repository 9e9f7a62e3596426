"""Corrections and withdrawals from the newsroom: each on a page of its own, reached from the article form (a form
nested in the article form did nothing), published where readers, feed readers and search engines look, and a
withdrawal only with the reason readers are told."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from newsdesk.news.models import Article, Correction
from tests.factories import ArticleFactory

from .helpers import article_form_data, change_url

pytestmark = pytest.mark.django_db
Status = Article.Status
NOTE = "An earlier version of this story misstated the date of the talks in Pskov."
REASON = "This story has been withdrawn: the report it was based on was not confirmed."
ATOM = "{http://www.w3.org/2005/Atom}"


def correct_url(article) -> str:
    return reverse("admin:news_article_correct", args=[article.pk])


def withdraw_url(article) -> str:
    return reverse("admin:news_article_withdraw", args=[article.pk])


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_form_links_to_the_correction_page_and_nests_no_form(editor_client):
    published, draft = ArticleFactory(), ArticleFactory(status=Status.DRAFT, first_published_at=None)
    html = editor_client.get(change_url(published)).content.decode()
    assert f'href="{correct_url(published)}"' in html and f'href="{withdraw_url(published)}"' in html
    assert 'form="correction-form"' not in html  # the old fields that belonged to no form
    article_form = html[html.index('id="article_form"') :]
    article_form = article_form[: article_form.index("</form>")]
    assert "<form" not in article_form  # browsers drop a form inside a form
    assert (
        correct_url(draft) not in editor_client.get(change_url(draft)).content.decode()
    )  # nothing to correct


def test_a_correction_reaches_the_page_the_feeds_and_json_ld(editor_client, client):
    article = ArticleFactory()
    feed_etag = client.get("/feeds/news.atom")["ETag"]
    page = editor_client.get(correct_url(article))
    assert page.status_code == 200 and 'name="note"' in page.content.decode()

    response = editor_client.post(correct_url(article), {"kind": "correction", "note": NOTE})
    assert response.status_code == 302 and response["Location"].endswith(change_url(article))
    [correction] = article.corrections.all()
    assert (correction.kind, correction.note) == (Correction.Kind.CORRECTION, NOTE)
    article.refresh_from_db()
    assert article.version == 2 and article.updated_at == correction.created_at

    html = client.get(article.get_absolute_url()).content.decode()
    log = html[html.index('id="corrections-title"') :]
    assert NOTE in log[: log.index("</section>")]
    [note] = json_ld(html)["correction"]
    assert note["@type"] == "CorrectionComment" and note["text"] == f"Correction: {NOTE}"

    atom = client.get("/feeds/news.atom", headers={"If-None-Match": feed_etag})
    assert atom.status_code == 200  # not a 304: the feed changed with the correction
    [entry] = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert NOTE in entry.findtext(f"{ATOM}summary")
    rss = ET.fromstring(client.get("/feeds/news.rss").content)
    assert NOTE in rss.find("channel/item/description").text
    [item] = json.loads(client.get("/feeds/news.json").content)["items"]
    assert item["summary"].endswith(NOTE) and "Correction, " in item["summary"]


def test_a_correction_needs_a_note_and_an_editor(editor_client, reporter_client):
    article = ArticleFactory()
    for data in ({"kind": "correction", "note": "   "}, {"kind": "retraction", "note": NOTE}, {}):
        response = editor_client.post(correct_url(article), data)
        assert response.status_code == 400 and "Nothing was published" in response.content.decode()
    assert reporter_client.get(correct_url(article)).status_code == 403
    assert reporter_client.post(correct_url(article), {"kind": "correction", "note": NOTE}).status_code == 403
    article.refresh_from_db()
    assert not article.corrections.exists() and article.version == 1

    draft = ArticleFactory(status=Status.DRAFT, first_published_at=None)
    refused = editor_client.post(correct_url(draft), {"kind": "correction", "note": NOTE})
    assert refused.status_code == 400 and "has not been published yet" in refused.content.decode()
    assert not draft.corrections.exists()


def test_withdraw_asks_for_the_reason_readers_are_told(editor_client, client):
    article = ArticleFactory()
    page = editor_client.get(withdraw_url(article))
    assert page.status_code == 200
    assert re.search(r'<textarea name="reason"[^>]* required', page.content.decode())
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED  # asking is not withdrawing

    blank = editor_client.post(withdraw_url(article), {"reason": "  \n "})
    assert blank.status_code == 400 and "cannot be left blank" in blank.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    done = editor_client.post(withdraw_url(article), {"reason": REASON})
    assert done.status_code == 302 and done["Location"].endswith(change_url(article))
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN
    gone = client.get(article.get_absolute_url())
    assert gone.status_code == 410 and REASON in gone.content.decode()
    again = editor_client.get(withdraw_url(article))  # already withdrawn: back to the form, said so
    assert again.status_code == 302 and article.corrections.count() == 1


def test_reporters_cannot_withdraw_and_the_status_list_offers_no_withdrawal(reporter_client, editor_client):
    article = ArticleFactory()
    assert reporter_client.get(withdraw_url(article)).status_code == 403
    assert reporter_client.post(withdraw_url(article), {"reason": REASON}).status_code == 403
    html = editor_client.get(change_url(article)).content.decode()
    assert 'value="withdrawn"' not in html  # withdrawing is the Withdraw page's, with its reason
    response = editor_client.post(change_url(article), article_form_data(article, status="withdrawn"))
    assert response.status_code == 200 and "status" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_the_service_refuses_a_withdrawal_without_a_reason(editor):
    from django.core.exceptions import ValidationError

    from newsdesk.news import services

    article = ArticleFactory()
    with pytest.raises(ValidationError, match="Say why"):
        services.article_withdraw(article=article, by=editor, note="   ")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and not article.corrections.exists()
