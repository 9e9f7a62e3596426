"""Every newsroom save keeps a revision (who, when, what changed) that an editor can compare and restore."""

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.news.models import Article, Revision
from tests.factories import ArticleFactory, PersonFactory, TopicFactory

from .helpers import add_url, article_form_data, change_url

Status = Article.Status
pytestmark = pytest.mark.django_db


def revisions_of(article):
    return list(Revision.objects.filter(article=article).order_by("created_at", "id"))


def test_each_newsroom_save_records_who_when_and_what_changed(editor_client, editor, politics):
    started = timezone.now()
    response = editor_client.post(add_url(), article_form_data(section=str(politics.pk)))
    assert response.status_code == 302
    article = Article.objects.get()
    [created] = revisions_of(article)
    assert created.created_by == editor and created.created_at >= started
    assert created.snapshot["headline"] == article.headline

    data = article_form_data(article, headline="Moscow sees no breakthrough with Washington", lead="New lead")
    assert editor_client.post(change_url(article), data).status_code == 302
    first, second = revisions_of(article)
    assert first == created
    assert set(second.changed_fields) == {"headline", "lead"}
    assert second.created_by == editor
    assert second.snapshot["headline"] == "Moscow sees no breakthrough with Washington"


def test_persons_and_topics_changes_are_recorded(editor_client):
    article = ArticleFactory(status=Status.DRAFT)
    trump, policy = PersonFactory(), TopicFactory(name="Foreign policy")
    data = article_form_data(article, persons=[str(trump.pk)], topics=[str(policy.pk)])
    assert editor_client.post(change_url(article), data).status_code == 302
    [revision] = revisions_of(article)
    assert set(revision.changed_fields) == {"persons", "topics"}
    assert revision.snapshot["persons"] == [trump.pk] and revision.snapshot["topics"] == [policy.pk]
    assert list(article.persons.all()) == [trump]


def test_compare_view_shows_the_difference(editor_client):
    article = ArticleFactory(status=Status.DRAFT, headline="Kamaz to supply 1,000 trucks to Philippines")
    editor_client.post(
        change_url(article), article_form_data(article, lead="Kamaz signed the deal in Manila")
    )
    article.refresh_from_db()
    data = article_form_data(
        article,
        headline="Kamaz to supply 2,000 trucks to Philippines",
        body=article.body.replace("lowest point", "<strong>lowest</strong> ebb"),
    )
    editor_client.post(change_url(article), data)
    older, newer = revisions_of(article)
    url = reverse("admin:news_article_revisions", args=[article.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "editor" in html and "Headline, Body" in html  # who and what changed, per revision, by label
    diff = editor_client.get(url, {"a": older.pk, "b": newer.pk, "compare": "1"}).content.decode()
    assert "Differences" in diff
    # Word by word: the older headline's figure struck out, the newer one's added; the rest left as it was.
    assert '<del><span class="sr-only">removed: </span>1,000</del> trucks' in diff
    assert '<ins><span class="sr-only">added: </span>2,000</ins> trucks' in diff
    # The body as readers read it, one paragraph each: no markup of the article shown as text.
    assert "<p>Moscow did nothing to meddle in US domestic policy</p>" in diff  # a heading, unchanged
    assert '<del><span class="sr-only">removed: </span>point.</del>' in diff
    assert '<ins><span class="sr-only">added: </span>ebb.</ins>' in diff
    assert "&lt;p&gt;" not in diff and "&lt;strong" not in diff
    assert "section_id" not in diff and 'table class="diff"' not in diff
    same = editor_client.get(url, {"a": newer.pk, "b": newer.pk}).content.decode()
    assert "These revisions are the same." in same


def test_compare_with_nothing_chosen_says_what_to_choose(editor_client):
    article = ArticleFactory(status=Status.DRAFT)
    editor_client.post(change_url(article), article_form_data(article, lead="One"))
    url = reverse("admin:news_article_revisions", args=[article.pk])
    [only] = revisions_of(article)
    for query in ({"compare": "1"}, {"a": only.pk, "compare": "1"}):
        html = editor_client.get(url, query).content.decode()
        assert "Choose two revisions to compare" in html
        assert "Differences" not in html
    assert "Choose two" not in editor_client.get(url).content.decode()  # not before anyone asked


def test_compare_with_a_foreign_revision_is_refused_politely(editor_client):
    article, other = ArticleFactory(status=Status.DRAFT), ArticleFactory(status=Status.DRAFT)
    editor_client.post(change_url(article), article_form_data(article, lead="One"))
    editor_client.post(change_url(other), article_form_data(other, lead="Two"))
    url = reverse("admin:news_article_revisions", args=[article.pk])
    mine, theirs = revisions_of(article)[0], revisions_of(other)[0]
    for query in ({"a": mine.pk, "b": theirs.pk}, {"a": "x", "b": "1 OR 1=1"}):
        response = editor_client.get(url, query)
        assert response.status_code == 200
        assert "Choose two revisions of this article" in response.content.decode()


def test_restore_brings_back_text_and_tags_and_records_a_new_revision(editor_client, editor):
    trump = PersonFactory()
    article = ArticleFactory(headline="Original wire headline", body="<p>Original paragraph.</p>")
    data = article_form_data(article, persons=[str(trump.pk)])
    assert editor_client.post(change_url(article), data).status_code == 302
    data = article_form_data(
        article, headline="Rewritten headline", body="<p>Rewritten paragraph.</p>", persons=[]
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Rewritten headline" and not article.persons.exists()
    with_trump = revisions_of(article)[0]
    count = Revision.objects.count()

    url = reverse("admin:news_article_restore", args=[article.pk, with_trump.pk])
    confirm = editor_client.get(url)  # a page that says what changes, and asks why
    assert (
        confirm.status_code == 200 and "readers see the restored version at once" in confirm.content.decode()
    )
    article.refresh_from_db()
    assert article.headline == "Rewritten headline"  # nothing restored by looking
    refused = editor_client.post(url, {"reason": "  "})  # the story is live: a reason is required
    assert refused.status_code == 400 and "cannot be left blank" in refused.content.decode()
    article.refresh_from_db()
    assert article.headline == "Rewritten headline" and Revision.objects.count() == count
    response = editor_client.post(url, {"reason": "The rewrite named the wrong minister."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original wire headline"
    assert article.body == "<p>Original paragraph.</p>"
    assert list(article.persons.all()) == [trump]
    assert article.status == Status.PUBLISHED  # status and schedule are not rolled back
    assert Revision.objects.count() == count + 1
    latest = revisions_of(article)[-1]
    assert latest.created_by == editor and "restored" in latest.note and "wrong minister" in latest.note
    assert {"headline", "body", "persons"} <= set(latest.changed_fields)


def test_restore_of_another_articles_revision_is_404(editor_client):
    article, other = ArticleFactory(status=Status.DRAFT), ArticleFactory(status=Status.DRAFT)
    editor_client.post(change_url(other), article_form_data(other, lead="Other lead"))
    revision = revisions_of(other)[0]
    url = reverse("admin:news_article_restore", args=[article.pk, revision.pk])
    assert editor_client.post(url).status_code == 404


def test_reporter_cannot_restore_on_a_published_article_but_can_on_own_draft(reporter_client, editor_client):
    published = ArticleFactory(headline="Published headline")
    editor_client.post(change_url(published), article_form_data(published, headline="Second headline"))
    editor_client.post(change_url(published), article_form_data(published, headline="Third headline"))
    first = revisions_of(published)[0]
    url = reverse("admin:news_article_restore", args=[published.pk, first.pk])
    assert reporter_client.post(url, {"reason": "Mine is better"}).status_code == 403
    assert reporter_client.get(url).status_code == 403
    published.refresh_from_db()
    assert published.headline == "Third headline"

    draft = ArticleFactory(status=Status.DRAFT, headline="Draft one")
    reporter_client.post(change_url(draft), article_form_data(draft, headline="Draft two"))
    reporter_client.post(change_url(draft), article_form_data(draft, headline="Draft three"))
    url = reverse("admin:news_article_restore", args=[draft.pk, revisions_of(draft)[0].pk])
    assert reporter_client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "Draft two"


def test_revisions_page_hides_restore_buttons_from_a_reporter_on_published(reporter_client):
    article = ArticleFactory()
    page = reporter_client.get(reverse("admin:news_article_revisions", args=[article.pk]))
    assert page.status_code == 200
    assert b"Restore\xe2\x80\xa6</a>" not in page.content


def test_restore_skips_persons_and_topics_deleted_since(editor_client):
    trump, policy = PersonFactory(), TopicFactory()
    article = ArticleFactory(status=Status.DRAFT, headline="First")
    data = article_form_data(article, persons=[str(trump.pk)], topics=[str(policy.pk)])
    editor_client.post(change_url(article), data)
    editor_client.post(
        change_url(article), article_form_data(article, headline="Second", persons=[], topics=[])
    )
    trump.delete()
    url = reverse("admin:news_article_restore", args=[article.pk, revisions_of(article)[0].pk])
    assert editor_client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.headline == "First"
    assert list(article.topics.all()) == [policy] and not article.persons.exists()
