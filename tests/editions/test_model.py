"""Editions as data: sections per edition, translations between editions, and a migration a large archive can take."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from newsdesk.news.models import Article, Section
from tests.factories import ArticleFactory
from tests.newsroom.helpers import add_url, article_form_data, change_url, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def politika(db):
    return Section.objects.create(name="Политика", slug="politika", language="ru", order=1)


def test_existing_sections_are_the_default_editions():
    assert set(Section.objects.values_list("language", flat=True)) == {"en"}


def test_section_name_and_slug_are_unique_per_edition_not_globally():
    Section.objects.create(name="Sport", slug="sport", language="ru")  # the same words in another edition
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(name="Спорт", slug="sport", language="ru")
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(name="Sport", slug="sport-2", language="ru")


def test_an_articles_section_must_be_of_its_edition(politika):
    article = ArticleFactory.build(language="en", section=politika)
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "section" in caught.value.message_dict
    article.language = "ru"
    article.full_clean()


def test_a_language_that_is_no_edition_is_refused():
    article = ArticleFactory.build(language="de")
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "NEWSDESK_EDITIONS" in " ".join(caught.value.message_dict["language"])


def test_a_translation_links_two_editions(politika):
    original = ArticleFactory(language="en")
    same = ArticleFactory.build(language="en", translation_of=original)
    with pytest.raises(ValidationError) as caught:
        same.full_clean()
    assert "two different editions" in " ".join(caught.value.message_dict["translation_of"])
    russian = ArticleFactory(language="ru", section=politika, translation_of=original)
    russian.full_clean()
    assert list(original.translations.all()) == [russian]
    # A translation of a translation would chain: the link goes to the original.
    third = ArticleFactory.build(language="en", translation_of=russian)
    with pytest.raises(ValidationError) as caught:
        third.full_clean()
    assert str(original.public_id) in " ".join(caught.value.message_dict["translation_of"])


def test_deleting_the_original_keeps_the_translation(politika):
    original = ArticleFactory(language="en")
    russian = ArticleFactory(language="ru", section=politika, translation_of=original)
    original.delete()
    russian.refresh_from_db()
    assert russian.translation_of_id is None


def test_the_newsroom_form_says_what_is_wrong_without_a_500(editor_client, politics, politika):
    before = counts()
    response = editor_client.post(add_url(), article_form_data(section=str(politika.pk), language="en"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "edition" in " ".join(errors["section"])
    assert counts() == before

    original = ArticleFactory(language="en")
    article = ArticleFactory(language="en")
    response = editor_client.post(
        change_url(article), article_form_data(article, translation_of=str(original.pk))
    )
    assert response.status_code == 200
    assert "two different editions" in " ".join(response.context["adminform"].form.errors["translation_of"])
    article.refresh_from_db()
    assert article.translation_of_id is None

    response = editor_client.post(add_url(), article_form_data(section=str(politika.pk), language="xx"))
    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.errors


def test_the_newsroom_links_a_translation(editor_client, politika):
    original = ArticleFactory(language="en")
    data = article_form_data(
        section=str(politika.pk), language="ru", slug="moskva-obespokoena", translation_of=str(original.pk)
    )
    assert editor_client.post(add_url(), data).status_code == 302
    assert Article.objects.get(slug="moskva-obespokoena").translation_of == original


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor runs outside a transaction
def test_the_migration_adds_columns_without_copying_the_article_table(capsys):
    call_command("sqlmigrate", "news", "0009_editions")
    sql = capsys.readouterr().out
    assert 'ALTER TABLE "news_article" ADD COLUMN "translation_of_id"' in sql
    assert "new__news_article" not in sql  # SQLite's table rebuild: a copy of every article
    assert 'WHERE "translation_of_id" IS NOT NULL' in sql  # the index holds the links only
