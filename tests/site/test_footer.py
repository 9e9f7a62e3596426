"""The footer of every reader page links the privacy page (what the site counts of a visit)."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_every_page_links_privacy_from_its_footer(client, soup):
    article = ArticleFactory()
    for url in ("/", "/news/", "/section/world/", article.get_absolute_url(), "/galleries/", "/privacy/"):
        links = soup(client.get(url)).select(".site-footer a[href]")
        assert "/privacy/" in [a["href"] for a in links], url
    page = soup(client.get("/privacy/"))
    assert page.select_one("h1").get_text() == "Privacy: what we count"
