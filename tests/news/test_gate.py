"""The one visibility gate and what readers see through it: drafts, review, schedules, withdrawals."""

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, ReadAlso
from newsdesk.newsroom.roles import EDITOR
from tests.factories import ArticleFactory, user_with_role

Status = Article.Status
pytestmark = pytest.mark.django_db


def visible_ids(at=None):
    return set(Article.objects.published(at=at).values_list("pk", flat=True))


def test_gate_shows_published_and_hides_draft_review_and_withdrawn():
    published = ArticleFactory()
    draft = ArticleFactory(status=Status.DRAFT)
    review = ArticleFactory(status=Status.REVIEW)
    withdrawn = ArticleFactory(status=Status.WITHDRAWN)
    assert visible_ids() == {published.pk}
    assert set(Article.objects.withdrawn().values_list("pk", flat=True)) == {withdrawn.pk}
    assert {draft.pk, review.pk}.isdisjoint(visible_ids(at=timezone.now() + dt.timedelta(days=365)))


def test_draft_with_a_past_publish_time_stays_hidden():
    draft = ArticleFactory(status=Status.DRAFT, publish_at=timezone.now() - dt.timedelta(days=1))
    assert draft.pk not in visible_ids()
    assert not draft.visible_at()


def test_scheduled_article_appears_when_its_time_passes_without_any_job():
    publish_at = timezone.now() + dt.timedelta(hours=2)
    editor = user_with_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, publish_at=publish_at, first_published_at=None)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert article.pk not in visible_ids()
    assert article.pk not in visible_ids(at=publish_at - dt.timedelta(seconds=1))
    assert article.pk in visible_ids(at=publish_at)
    assert article.pk in visible_ids(at=publish_at + dt.timedelta(minutes=1))
    assert article.visible_at(publish_at) and not article.visible_at(publish_at - dt.timedelta(seconds=1))


def test_published_article_without_publish_time_is_not_visible():
    article = ArticleFactory(publish_at=None, first_published_at=None)
    assert article.pk not in visible_ids()


def test_dateline_is_built_from_its_fields():
    article = ArticleFactory.build(dateline_place="Pskov", dateline_date=dt.date(2017, 5, 30))
    assert article.dateline == "PSKOV, May 30. /TASS/."
    article.dateline_date = None
    assert article.dateline == "PSKOV. /TASS/."
    article.dateline_date, article.dateline_source = dt.date(2017, 1, 3), ""
    assert article.dateline == "PSKOV, January 3."
    article.dateline_place = ""
    assert article.dateline == ""


def test_public_id_and_guid_are_stable_across_edits_and_publishing():
    editor = user_with_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    public_id, guid = article.public_id, article.guid
    assert guid == f"urn:newsml:newsdesk.example:{public_id}"
    article.headline = "Kremlin comments on the new US sanctions"
    article.slug = "kremlin-comments-on-sanctions"
    services.article_save(article=article, by=editor)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert (article.public_id, article.guid) == (public_id, guid)
    assert ArticleFactory().public_id != public_id


def test_editing_visible_content_bumps_version_and_update_time():
    editor = user_with_role(EDITOR)
    article = ArticleFactory()
    article.lead = "Ryabkov said the dialogue must go on"
    services.article_save(article=article, by=editor)
    article.refresh_from_db()
    assert article.version == 2
    assert article.updated_at is not None


# --- the reader's article page -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_reader_gets_404_for_unpublished(client, status):
    article = ArticleFactory(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/news/{article.public_id}/").status_code == 404


def test_reader_gets_404_before_the_schedule_and_200_after(client):
    article = ArticleFactory(status=Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(hours=1))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert article.headline.encode() not in response.content
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_withdrawn_article_answers_410_with_the_notice(client):
    editor = user_with_role(EDITOR)
    article = ArticleFactory()
    services.article_withdraw(article=article, by=editor, note="The story was based on a false report.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This article has been withdrawn" in html
    assert "The story was based on a false report." in html
    assert "Moscow did nothing to meddle" not in html  # the body is gone


def test_withdrawn_draft_that_readers_never_saw_is_404_not_a_notice(client):
    editor = user_with_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, publish_at=None, first_published_at=None)
    services.article_withdraw(article=article, by=editor, note="Killed before publication.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert article.headline.encode() not in response.content


def test_wrong_or_missing_slug_redirects_permanently(client):
    article = ArticleFactory()
    for url in (f"/news/{article.public_id}/some-old-slug/", f"/news/{article.public_id}/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()


def test_wrong_slug_of_a_draft_does_not_redirect_to_its_real_slug(client):
    article = ArticleFactory(status=Status.DRAFT)
    response = client.get(f"/news/{article.public_id}/guess/")
    assert response.status_code == 404
    assert article.slug.encode() not in response.content


def test_read_also_to_an_unpublished_target_never_leaks_its_headline(client):
    article = ArticleFactory()
    draft = ArticleFactory(status=Status.DRAFT, headline="Secret draft: minister to resign")
    scheduled = ArticleFactory(
        status=Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(days=1),
        headline="Embargoed: budget figures",
    )
    visible = ArticleFactory(headline="Kamaz to supply trucks to the Philippines")
    ReadAlso.objects.create(article=article, target=draft, order=1)
    ReadAlso.objects.create(article=article, target=scheduled, title="Budget talks go on", order=2)
    ReadAlso.objects.create(article=article, target=visible, order=3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Secret draft" not in html and draft.get_absolute_url() not in html
    assert "Embargoed" not in html and scheduled.get_absolute_url() not in html
    assert "Budget talks go on" not in html  # not even the editor's own title for an unpublished target
    assert f'href="{visible.get_absolute_url()}"' in html
    assert "Kamaz to supply trucks to the Philippines" in html


def test_latest_list_reads_through_the_gate(client):
    published = ArticleFactory(headline="Russian foreign trade down 11.9%")
    ArticleFactory(status=Status.DRAFT, headline="Draft about the grain deal")
    ArticleFactory(
        status=Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(hours=3), headline="Embargo"
    )
    ArticleFactory(status=Status.WITHDRAWN, headline="Withdrawn report on hurricane")
    html = client.get("/news/").content.decode()
    assert published.headline in html
    assert (
        "Draft about the grain deal" not in html and "Embargo" not in html and "Withdrawn report" not in html
    )
