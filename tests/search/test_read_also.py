"""Automatic "Read also": stored when an article is published, shown to readers when the editor chose no link,
and read through the visibility gate (a withdrawn target disappears without recomputing anything)."""

import pytest
from bs4 import BeautifulSoup

from newsdesk.news import services as news
from newsdesk.news.models import Article, ReadAlso, ReadAlsoSuggestion
from tests.factories import ArticleFactory

from .conftest import story

KAMAZ = "<p>Kamaz will supply at least 1,000 trucks to the Philippines by 2020, the company said.</p>"
TWO_PARAGRAPHS = KAMAZ + "<p>The trucks will be assembled locally, the company's head said.</p>"


def read_also(client, article) -> list[str]:
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    return [li.get_text(strip=True) for li in page.select(".article__body aside li")]


@pytest.fixture
def published(backend, django_capture_on_commit_callbacks):
    def publish(article: Article) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return news.article_publish(article=article, by=None)

    return publish


def test_readers_get_suggestions_when_the_editor_chose_none(client, published):
    earlier = story("Kamaz supplies the first trucks to the Philippines", KAMAZ, hours_ago=30)
    also = story("Philippine army orders Kamaz trucks", KAMAZ, hours_ago=20)
    story("Hurricane death toll rises to 14 in Moscow", "<p>The death toll rose to 14.</p>", hours_ago=10)
    article = published(
        ArticleFactory(
            headline="Kamaz to supply at least 1,000 trucks to Philippines by 2020",
            body=TWO_PARAGRAPHS,
            status=Article.Status.DRAFT,
            publish_at=None,
        )
    )
    # Closest first, not newest first: the earlier story shares one more of the headline's words ("supply").
    assert read_also(client, article) == [earlier.headline, also.headline]
    assert not ReadAlsoSuggestion.objects.filter(article=article, target=article).exists()

    story("Kamaz trucks reach Manila", KAMAZ, hours_ago=0.5)  # the page never searches: not added later
    assert read_also(client, article) == [earlier.headline, also.headline]

    news.article_withdraw(article=also, by=None, note="Withdrawn at the source's request.")
    assert read_also(client, article) == [earlier.headline]  # the gate applies when the page is read

    # The editor's choice wins; a title with no visible article behind it is never shown (it could announce
    # a story not published yet), so a link to nothing leaves no block at all.
    ReadAlso.objects.create(article=article, title="Kamaz: the company's statement", order=1)
    assert read_also(client, article) == []
    statement = story("Kamaz: the company's statement", KAMAZ, hours_ago=1)
    ReadAlso.objects.create(article=article, target=statement, order=2)
    assert read_also(client, article) == [statement.headline]


def test_suggestions_never_hold_the_article_and_a_withdrawn_one_keeps_none(
    published, django_capture_on_commit_callbacks
):
    story("Philippine army orders Kamaz trucks", KAMAZ, hours_ago=20)
    article = published(ArticleFactory(headline="Kamaz trucks for the Philippines", body=KAMAZ))
    assert ReadAlsoSuggestion.objects.filter(article=article).count() == 1
    news.read_also_suggestions_set(article_id=article.pk, target_ids=[article.pk])
    assert not ReadAlsoSuggestion.objects.filter(article=article).exists()
    published(article)
    with django_capture_on_commit_callbacks(execute=True):
        news.article_withdraw(article=article, by=None, note="Withdrawn at the source's request.")
    assert not ReadAlsoSuggestion.objects.filter(article=article).exists()


def test_reindex_suggests_for_articles_loaded_in_bulk(backend, capsys):
    from django.core.management import call_command

    older = story("Philippine army orders Kamaz trucks", KAMAZ, hours_ago=20)
    newer = story("Kamaz trucks for the Philippines", KAMAZ, hours_ago=2)  # no hook ran: made in bulk
    chosen = story("Kamaz statement", KAMAZ, hours_ago=1)
    ReadAlso.objects.create(article=chosen, title="The editor's pick", order=1)
    call_command("reindex", "--read-also", "10")
    assert "Read also suggested for 2 articles." in capsys.readouterr().out
    suggested = ReadAlsoSuggestion.objects.filter(article=newer).values_list("target", flat=True)
    assert set(suggested) == {older.pk, chosen.pk}  # a backfill may point to later stories too
    assert not ReadAlsoSuggestion.objects.filter(article=chosen).exists()  # the editor's choice is kept
    with pytest.raises(SystemExit):
        call_command("reindex", "--read-also", "-1")
