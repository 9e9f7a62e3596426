import pytest

from newsdesk.news.models import Article
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_article_page_renders_dateline_and_body(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "PSKOV, May 30. /TASS/." in html
    assert "Moscow did nothing to meddle" in html
    assert Article.objects.published().count() == 1
