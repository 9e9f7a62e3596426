"""A failing effect never stops the others, never fails the editor's save, is retried, and shows in the
newsroom until it succeeds (issue "Publishing at wire speed"; finding 16 of the outside probe)."""

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsdesk.live.models import LiveEvent
from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR, REPORTER
from newsdesk.pipeline.effects import Effect, register, unregister
from newsdesk.pipeline.models import Change, EffectFailure
from newsdesk.pipeline.services import pipeline_drain_all
from newsdesk.search.models import SearchDocument
from tests.factories import ArticleFactory, user_with_role
from tests.newsroom.helpers import add_url, article_form_data

from .conftest import purged_keys

FAILURES = "admin:pipeline_effectfailure_changelist"


@pytest.fixture
def editor_client(client, sections):
    client.force_login(user_with_role(EDITOR))
    return client


# transaction=True: the save commits for real, so the pipeline drains inside the request (immediate mode)
# exactly as the worker would after it — the request must still answer as a successful save.
@pytest.mark.django_db(transaction=True)
def test_a_failing_effect_stops_nothing_and_shows_in_the_newsroom_until_a_retry_succeeds(
    editor_client, sections, flaky, purger
):
    data = article_form_data(section=str(sections["politics"].pk), status="published")
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302, response.content[:500]  # saved: not a 500 for a save that committed
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED

    # The effects before and after the failing one all ran.
    assert SearchDocument.objects.filter(pk=article.pk).exists()
    assert f"article:{article.public_id}" in purged_keys(purger)
    assert LiveEvent.objects.filter(key=f"article:{article.public_id}").count() == 1
    failure = EffectFailure.objects.get()
    assert (failure.effect, failure.article_id, failure.attempts) == ("flaky", article.pk, 1)
    change = Change.objects.get()
    assert change.run_after > timezone.now()  # retried after a backoff, not at once

    # The newsroom lists it: which effect, for which article, the error, a retry button.
    page = BeautifulSoup(editor_client.get(reverse(FAILURES)).content, "html.parser").get_text(" ")
    for shown in ("Flaky test effect", article.headline, "the hub is down", "Retry now"):
        assert shown in page

    # When the backoff has passed the worker tries again; still failing, it stays listed and counted.
    Change.objects.update(run_after=timezone.now())
    pipeline_drain_all()
    failure.refresh_from_db()
    assert failure.attempts == 2 and len(flaky.calls) == 2
    assert LiveEvent.objects.count() == 1  # what succeeded is not run again

    # Fixed at its end; the editor presses Retry: it runs at once, and the list empties.
    flaky.fail = False
    response = editor_client.post(reverse("admin:pipeline_effectfailure_retry", args=[failure.pk]))
    assert response.status_code == 302
    assert len(flaky.calls) == 3
    assert not EffectFailure.objects.exists() and not Change.objects.exists()
    assert "Flaky test effect" not in editor_client.get(reverse(FAILURES)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_is_tried_one_by_one_so_only_the_failing_article_waits(sections):
    drafts = [
        ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None) for _ in "abc"
    ]
    bad, calls = drafts[1], []

    def fails_for_one(changes):
        calls.append([change.article_id for change in changes])
        if any(change.article_id == bad.pk for change in changes):
            raise ValueError(f"cannot handle article {bad.pk}")

    register(Effect(name="picky", label="Picky test effect", run=fails_for_one, order=25))
    try:
        with transaction.atomic():  # one commit: one batch
            for draft in drafts:
                services.article_publish(article=draft, by=None)
    finally:
        unregister("picky")
    assert calls[0] == [draft.pk for draft in drafts]  # the batch at once, then one by one
    assert sorted(calls[1:]) == sorted([draft.pk] for draft in drafts)
    assert list(EffectFailure.objects.values_list("article_id", flat=True)) == [bad.pk]
    assert list(Change.objects.values_list("article_id", flat=True)) == [bad.pk]  # the others are done


@pytest.mark.django_db
def test_reporters_do_not_see_the_failures(client, sections):
    client.force_login(user_with_role(REPORTER))
    assert client.get(reverse(FAILURES)).status_code == 403
