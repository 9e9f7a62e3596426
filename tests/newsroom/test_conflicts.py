"""No lost edits: a save checks the version its form was loaded from; when someone saved meanwhile, nothing is
saved and the editor sees both versions, what differs, and chooses. Soft locks say who else has a story open."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.news.models import Article
from newsdesk.newsroom.models import EditLock
from newsdesk.newsroom.roles import EDITOR
from newsdesk.newsroom.selectors import desk_position, lock_for
from tests.factories import ArticleFactory, user_with_role

from .forms_in_html import form_in
from .helpers import article_form_data, change_url

pytestmark = pytest.mark.django_db
Status = Article.Status

HEADLINE = "Kamaz to supply at least 1,000 trucks to Philippines by 2020"
THEIR_HEADLINE = "Kamaz to supply 2,000 trucks to Philippines by 2021"
MY_LEAD = "The Russian truck maker signed the contract in Manila on Tuesday."


def person(role: str, username: str, first: str, last: str) -> Client:
    user = user_with_role(role, username=username)
    user.first_name, user.last_name = first, last
    user.save()
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def anna():
    return person(EDITOR, "anna", "Anna", "Petrova")


@pytest.fixture
def boris():
    return person(EDITOR, "boris", "Boris", "Ivanov")


def loaded_form(client: Client, article: Article) -> dict:
    """The change form as this person's browser has it: its fields as they were when the page was served."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    _, fields = form_in(response.content.decode(), "article_form")
    data = article_form_data(article)
    data["edit_base"] = fields["edit_base"][0]  # the version the page was served at
    data["edit_digest"] = fields["edit_digest"][0]
    return data


def test_second_save_of_a_stale_form_shows_the_conflict_and_keeps_the_first(anna, boris):
    article = ArticleFactory(headline=HEADLINE)
    annas, boriss = loaded_form(anna, article), loaded_form(boris, article)

    assert (
        anna.post(change_url(article), {**annas, "headline": THEIR_HEADLINE, "_save": "Save"}).status_code
        == 302
    )
    revisions = article.revisions.count()
    response = boris.post(change_url(article), {**boriss, "lead": MY_LEAD, "_save": "Save"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "not saved yet" in html and "Anna Petrova saved this article" in html
    article.refresh_from_db()
    assert article.headline == THEIR_HEADLINE  # Anna's headline intact
    assert article.lead != MY_LEAD and article.revisions.count() == revisions  # Boris's lead not saved (yet)
    # Both versions of what differs, by the names editors know, words marked; no markup or column names.
    assert re.search(r"<h2[^>]*>Headline</h2>", html) and re.search(r"<h2[^>]*>Lead</h2>", html)
    assert re.search(r'<ins><span class="sr-only">added: </span>truck maker signed', html)
    assert "2,000" in html and "1,000" in html
    shown = re.sub(r'<input type="hidden"[^>]*>', "", html)  # what the editor reads, not the form's own copy
    assert "section_id" not in shown and "&lt;p&gt;" not in shown
    assert not re.search(r"<h2[^>]*>Body</h2>", html)  # the same in both: not listed

    # The defaults keep Anna's headline (only she changed it) and Boris's lead (only he did): saving merges.
    action, data = form_in(html, "conflict-form")
    assert data["_pick_headline"] == ["theirs"] and data["_pick_lead"] == ["mine"]
    saved = boris.post(action, {**data, "_resolve": "picked"})
    assert saved.status_code == 302 and saved["Location"].endswith(reverse("admin:news_article_changelist"))
    article.refresh_from_db()
    assert article.headline == THEIR_HEADLINE and article.lead == MY_LEAD
    latest = article.revisions.first()
    assert latest.created_by == boris.user and latest.changed_fields == ["lead"]


def test_keeping_mine_overwrites_only_on_the_second_explicit_submit(anna, boris):
    article = ArticleFactory(headline=HEADLINE)
    annas, boriss = loaded_form(anna, article), loaded_form(boris, article)
    anna.post(change_url(article), {**annas, "headline": THEIR_HEADLINE})
    response = boris.post(change_url(article), {**boriss, "headline": "Kamaz trucks for Manila"})
    assert response.status_code == 409
    article.refresh_from_db()
    assert article.headline == THEIR_HEADLINE

    action, data = form_in(response.content.decode(), "conflict-form")
    assert data["_pick_headline"] == ["mine"]  # both changed it: nothing of Boris's is dropped by default
    assert boris.post(action, {**data, "_resolve": "mine"}).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Kamaz trucks for Manila"
    assert article.revisions.first().created_by == boris.user


def test_taking_theirs_field_by_field(anna, boris):
    article = ArticleFactory(headline=HEADLINE)
    annas, boriss = loaded_form(anna, article), loaded_form(boris, article)
    anna.post(change_url(article), {**annas, "headline": THEIR_HEADLINE, "urgency": "2"})
    response = boris.post(
        change_url(article), {**boriss, "headline": "Kamaz trucks for Manila", "lead": MY_LEAD}
    )
    action, data = form_in(response.content.decode(), "conflict-form")
    assert re.search(r"<h2[^>]*>Urgency</h2>", response.content.decode())
    data["_pick_headline"] = ["theirs"]
    assert boris.post(action, {**data, "_resolve": "picked"}).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.lead, article.urgency) == (THEIR_HEADLINE, MY_LEAD, 2)


def test_a_resolution_made_against_an_older_version_is_itself_a_conflict(anna, boris, editor_client):
    article = ArticleFactory(headline=HEADLINE)
    annas, boriss = loaded_form(anna, article), loaded_form(boris, article)
    anna.post(change_url(article), {**annas, "headline": THEIR_HEADLINE})
    response = boris.post(change_url(article), {**boriss, "lead": MY_LEAD})
    action, data = form_in(response.content.decode(), "conflict-form")
    article.refresh_from_db()
    # A third person saves while Boris reads the conflict screen.
    editor_client.post(change_url(article), article_form_data(article, byline="Viktor Sokolov"))
    again = boris.post(action, {**data, "_resolve": "mine"})
    assert again.status_code == 409 and re.search(r"<h2[^>]*>Byline</h2>", again.content.decode())
    article.refresh_from_db()
    assert article.byline == "Viktor Sokolov" and article.lead != MY_LEAD


def test_a_save_that_would_change_nothing_of_theirs_goes_through(anna, boris):
    article = ArticleFactory(headline=HEADLINE)
    annas, boriss = loaded_form(anna, article), loaded_form(boris, article)
    anna.post(change_url(article), {**annas, "headline": THEIR_HEADLINE})
    # Boris made the very same change: nothing of Anna's would be lost.
    assert boris.post(change_url(article), {**boriss, "headline": THEIR_HEADLINE}).status_code == 302


@pytest.mark.parametrize("base", [None, "", "abc", "99999999", "-1"])
def test_a_form_without_a_valid_version_is_never_saved_blindly(editor_client, base):
    article = ArticleFactory(headline=HEADLINE)
    data = article_form_data(article, headline="Overwritten by a script")
    if base is None:
        del data["edit_base"]
    else:
        data["edit_base"] = base
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 409  # the conflict screen, never a 500, never a silent save
    article.refresh_from_db()
    assert article.headline == HEADLINE


def test_new_articles_need_no_version(editor_client, politics):
    data = article_form_data(section=str(politics.pk))
    assert editor_client.post(reverse("admin:news_article_add"), data).status_code == 302


# --- soft locks ----------------------------------------------------------------------------------------------


def lock_url(article) -> str:
    return reverse("admin:news_article_lock", args=[article.pk])


def page_token(html: str) -> str:
    return re.search(r'data-token="([0-9a-f]{32})"', html).group(1)


def test_opening_the_form_shows_who_else_is_editing_on_the_form_and_the_list(anna, boris):
    article = ArticleFactory(headline=HEADLINE)
    opened = timezone.localtime()
    assert "Being edited by" not in anna.get(change_url(article)).content.decode()  # nobody else: no notice
    lock = EditLock.objects.get(article=article)
    assert lock.user == anna.user

    html = boris.get(change_url(article)).content.decode()
    label = f"Being edited by Anna Petrova since {timezone.localtime(lock.since):%H:%M}"
    assert label in html and "Take over editing" in html
    assert EditLock.objects.get(article=article).user == anna.user  # opening never takes someone's lock
    assert label in boris.get(reverse("admin:news_article_changelist")).content.decode()
    assert abs(timezone.localtime(lock.since) - opened) < dt.timedelta(minutes=1)


def test_the_heartbeat_keeps_the_lock_and_reports_a_take_over(anna, boris):
    article = ArticleFactory()
    token = page_token(anna.get(change_url(article)).content.decode())
    beat = {"action": "refresh", "token": token}
    assert anna.post(lock_url(article), beat, HTTP_ACCEPT="application/json").json() == {
        "mine": True,
        "label": "",
    }

    boris_token = page_token(boris.get(change_url(article)).content.decode())
    taken = boris.post(lock_url(article), {"action": "take", "token": boris_token})  # the button, without JS
    assert taken.status_code == 302 and taken["Location"].endswith(change_url(article))
    assert EditLock.objects.get(article=article).user == boris.user

    state = anna.post(lock_url(article), beat, HTTP_ACCEPT="application/json").json()
    assert state["mine"] is False and state["label"].startswith("Being edited by Boris Ivanov since")
    assert EditLock.objects.get(article=article).user == boris.user  # Anna's heartbeat does not take it back


def test_a_lock_expires_without_its_heartbeat_and_a_closed_tab_releases_only_its_own(anna, boris, settings):
    article = ArticleFactory()
    first = page_token(anna.get(change_url(article)).content.decode())
    second = page_token(
        anna.get(change_url(article)).content.decode()
    )  # the form shown again (Save and continue)
    anna.post(lock_url(article), {"action": "release", "token": first})  # the first page's tab closing
    assert EditLock.objects.get(article=article).user == anna.user
    anna.post(lock_url(article), {"action": "release", "token": second})
    assert lock_for(article_id=article.pk, user=boris.user) is None  # nobody holds it

    anna.get(change_url(article))
    EditLock.objects.filter(article=article).update(
        seen=timezone.now() - dt.timedelta(seconds=settings.NEWSDESK_EDIT_LOCK_SECONDS + 1)
    )
    assert "Being edited by" not in boris.get(reverse("admin:news_article_changelist")).content.decode()
    assert "Being edited by" not in boris.get(change_url(article)).content.decode()
    assert EditLock.objects.get(article=article).user == boris.user  # an expired lock is free


def test_a_heartbeat_answered_after_its_page_was_closed_takes_nothing(anna, boris):
    """Boris's last heartbeat left before his tab closed and was answered after the tab's release: it took the
    story again, and Anna's form showed "Being edited by Boris" for minutes after he had gone."""
    article = ArticleFactory()
    anna_token = page_token(anna.get(change_url(article)).content.decode())
    boris_token = page_token(boris.get(change_url(article)).content.decode())
    boris.post(lock_url(article), {"action": "take", "token": boris_token})
    position = desk_position()
    boris.post(lock_url(article), {"action": "release", "token": boris_token})  # his tab closes
    assert desk_position() != position  # the desk sees the story given back
    late = {"action": "refresh", "token": boris_token}
    assert boris.post(lock_url(article), late, HTTP_ACCEPT="application/json").json() == {
        "mine": False,
        "label": "",
    }
    assert lock_for(article_id=article.pk, user=anna.user) is None
    beat = {"action": "refresh", "token": anna_token}
    assert anna.post(lock_url(article), beat, HTTP_ACCEPT="application/json").json()["mine"] is True

    # Anna's page shown again from the browser's page cache after her tab's release takes it again, if free.
    anna.post(lock_url(article), {"action": "release", "token": anna_token})
    assert anna.post(lock_url(article), beat, HTTP_ACCEPT="application/json").json()["mine"] is False
    again = {"action": "reopen", "token": anna_token}
    assert anna.post(lock_url(article), again, HTTP_ACCEPT="application/json").json()["mine"] is True


def test_only_an_editor_takes_over_and_saving_releases_the_lock(reporter_client, reporter, editor_client):
    draft = ArticleFactory(status=Status.DRAFT)
    editor_client.get(change_url(draft))
    html = reporter_client.get(change_url(draft)).content.decode()
    assert "Being edited by editor" in html and "Take over editing" not in html
    refused = reporter_client.post(lock_url(draft), {"action": "take", "token": "0" * 32})
    assert refused.status_code == 403
    assert EditLock.objects.get(article=draft).user.username == "editor"

    saved = editor_client.post(change_url(draft), article_form_data(draft, lead=MY_LEAD))
    assert saved.status_code == 302
    assert not EditLock.objects.filter(article=draft).exists()


def test_lock_endpoint_refuses_get_and_people_who_may_not_change_the_article(reporter_client, editor_client):
    published = ArticleFactory()
    assert editor_client.get(lock_url(published)).status_code == 405
    assert reporter_client.post(lock_url(published), {"action": "refresh"}).status_code == 403
    assert not EditLock.objects.exists()
