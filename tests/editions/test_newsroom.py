"""The newsroom and editions: withdrawing one of a pair flags the other to the desk; each person's editions are
their desk's and article list's default view; the article list filters by edition; the form links a translation."""

import pytest
from django.urls import reverse

from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.newsroom.models import TranslationFlag
from tests.factories import ArticleFactory

from .conftest import RU_HEADLINES

pytestmark = pytest.mark.django_db
DESK = "/newsroom/desk/"


@pytest.fixture
def pair(ru_article):
    original = ArticleFactory(headline="Obama to nominate Hispanic judge to Supreme Court")
    translation = ru_article(headline=RU_HEADLINES[0], translation_of=original)
    return original, translation


def test_withdrawing_one_of_a_pair_flags_the_other_on_the_desk_and_its_form(
    editor_client, editor, pair, django_capture_on_commit_callbacks
):
    original, translation = pair
    assert "Translations to review" not in editor_client.get(DESK).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the pipeline's effects run after the commit
        services.article_withdraw(article=original, by=editor, note="The nomination was not confirmed.")
    (flag,) = TranslationFlag.objects.filter(resolved_at=None)
    assert (flag.article, flag.withdrawn) == (translation, original)

    desk = editor_client.get(DESK).content.decode()
    assert "Translations to review" in desk
    assert translation.headline in desk and f"its en version “{original.headline}” was withdrawn" in desk
    form = editor_client.get(reverse("admin:news_article_change", args=[translation.pk])).content.decode()
    assert f"Its en version “{original.headline}” was withdrawn" in form

    response = editor_client.post(reverse("newsroom:desk_flag_dismiss", args=[flag.pk]))
    assert response.status_code == 302
    assert "Translations to review" not in editor_client.get(DESK).content.decode()
    flag.refresh_from_db()
    assert flag.resolved_by is not None and flag.resolved_at is not None


def test_withdrawing_the_translation_flags_the_original_once(
    editor, pair, django_capture_on_commit_callbacks
):
    original, translation = pair
    with django_capture_on_commit_callbacks(execute=True):
        services.article_withdraw(article=translation, by=editor, note="Ошибка перевода.")
    from newsdesk.newsroom.editions import flag_versions_of_withdrawn

    flag_versions_of_withdrawn([translation.pk])  # the effect again (after a crash): still one flag
    assert list(TranslationFlag.objects.values_list("article", "withdrawn")) == [
        (original.pk, translation.pk)
    ]
    # Withdrawing the flagged one too settles its flag.
    with django_capture_on_commit_callbacks(execute=True):
        services.article_withdraw(article=original, by=editor, note="Not confirmed.")
    assert not TranslationFlag.objects.filter(resolved_at=None).exists()


def test_a_person_chooses_their_editions_and_the_desk_and_list_follow(editor_client, ru_article, ru_sections):
    english = ArticleFactory(
        headline="English story in review", status=Article.Status.REVIEW, publish_at=None
    )
    russian = ru_article(headline=RU_HEADLINES[1], status=Article.Status.REVIEW, publish_at=None)
    desk = editor_client.get(DESK).content.decode()
    assert english.headline in desk and russian.headline in desk  # nothing chosen: every edition

    response = editor_client.post(reverse("newsroom:my_editions"), {"languages": ["ru"]})
    assert response.status_code == 302
    desk = editor_client.get(DESK).content.decode()
    assert russian.headline in desk and english.headline not in desk
    assert "Editions: ru" in desk and "Политика (ru)" in desk and "Russian Politics" not in desk

    changelist = reverse("admin:news_article_changelist")
    listed = editor_client.get(changelist).content.decode()
    assert russian.headline in listed and english.headline not in listed
    assert "My editions (ru)" in listed
    every = editor_client.get(changelist + "?edition=all").content.decode()
    assert russian.headline in every and english.headline in every
    only_en = editor_client.get(changelist + "?edition=en").content.decode()
    assert english.headline in only_en and russian.headline not in only_en

    # A desk section of another edition is named by its edition too (slugs are unique per edition only).
    sport = editor_client.get(DESK + "?section=ru/sport")
    assert sport.status_code == 200 and "Спорт" in sport.content.decode()


def test_choosing_an_edition_the_site_lacks_is_refused(editor_client):
    response = editor_client.post(reverse("newsroom:my_editions"), {"languages": ["de"]})
    assert response.status_code == 400
    assert "de" in response.content.decode()


def test_the_translation_field_finds_the_original_by_its_public_id(editor_client, pair):
    original, _translation = pair
    url = reverse("admin:autocomplete")
    term = str(original.public_id)
    params = {"app_label": "news", "model_name": "article", "field_name": "translation_of", "term": term}
    response = editor_client.get(url, params)
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(original.pk)]
