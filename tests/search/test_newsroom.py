"""The newsroom's article list searches with the same engine (drafts included) and the edit form suggests
Read also links."""

import pytest
from django.test import Client

from newsdesk.news.models import Article
from newsdesk.newsroom.roles import EDITOR
from newsdesk.search.services import read_also_suggest_many, search_sync_pending
from tests.factories import ArticleFactory, TopicFactory, user_with_role

from .conftest import story
from .test_contract import KAMAZ, RYABKOV

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(user_with_role(EDITOR))
    return client


def test_article_list_search_uses_the_engine_and_finds_drafts(editor_client):
    draft = ArticleFactory(
        headline="Draft: Kamaz trucks for Vietnam", status=Article.Status.DRAFT, publish_at=None
    )
    published = story("Kamaz supplies trucks to Philippines", KAMAZ)
    other = story("Moscow concerned over no breakthrough", RYABKOV)
    search_sync_pending()  # the worker's job indexes drafts too
    html = editor_client.get("/newsroom/news/article/", {"q": "kamaz truck*"}).content.decode()
    assert draft.headline in html and published.headline in html and other.headline not in html
    by_id = editor_client.get("/newsroom/news/article/", {"q": str(other.public_id)}).content.decode()
    assert other.headline in by_id and published.headline not in by_id
    hostile = editor_client.get("/newsroom/news/article/", {"q": '"; DROP TABLE news_article; -- NEAR(*'})
    assert hostile.status_code == 200


def test_edit_form_lists_read_also_suggestions(editor_client):
    topic = TopicFactory(name="Russia-US relations")
    article = story("Moscow concerned over no breakthrough in US relations with Russia", RYABKOV)
    article.topics.add(topic)
    close = story(
        "Kremlin mum on prospects of Russia-US relations", "<p>Peskov declined to comment.</p>", hours_ago=3
    )
    draft = ArticleFactory(
        headline="Russia-US relations: draft", status=Article.Status.DRAFT, publish_at=None
    )
    search_sync_pending()
    form = f"/newsroom/news/article/{article.pk}/change/"
    html = editor_client.get(
        form
    ).content.decode()  # nothing chosen yet: the form says so and links the search
    assert "Suggested Read also" in html and "No suggestions are stored" in html
    assert close.headline not in html
    page = editor_client.get(f"/newsroom/news/article/{article.pk}/read-also/").content.decode()
    assert close.headline in page and f"id {close.public_id}" in page and draft.headline not in page

    read_also_suggest_many(article_ids=[article.pk])  # what the pipeline does when it is published
    html = editor_client.get(form).content.decode()
    assert close.headline in html and f"id {close.public_id}" in html and draft.headline not in html
    assert "No suggestions are stored" not in html


def test_close_stories_page_needs_the_right_to_see_the_article(editor_client):
    article = story("Moscow concerned over no breakthrough in US relations with Russia", RYABKOV)
    anonymous = Client().get(f"/newsroom/news/article/{article.pk}/read-also/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert editor_client.get("/newsroom/news/article/999999/read-also/").status_code == 404
