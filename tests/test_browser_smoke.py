import pytest

from tests.browser import axe_violations
from tests.factories import ArticleFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_article_page_in_chromium_is_accessible(live_server, browser_page):
    article = ArticleFactory()
    browser_page.goto(live_server.url + article.get_absolute_url())
    assert browser_page.locator("h1").inner_text() == article.headline
    violations = axe_violations(browser_page)
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]
