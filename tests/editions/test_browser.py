"""The Russian edition in a browser: axe-core clean on its home page and on an article linked to its English
original, with lang="ru" on the page and lang="en" on the English link."""

import pytest

from newsdesk.news.models import Section
from tests.browser import axe_violations
from tests.factories import ArticleFactory

from .conftest import RU_HEADLINES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _summary(violations) -> list[str]:
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]


def test_the_russian_home_and_article_are_accessible(live_server, browser_page, default_sections):
    politika = Section.objects.create(name="Политика", slug="politika", language="ru", order=1)
    original = ArticleFactory(headline="Obama to nominate Hispanic judge to Supreme Court", top_story_rank=1)
    russian = ArticleFactory(
        language="ru",
        section=politika,
        headline=RU_HEADLINES[0],
        lead="Президент США Барак Обама выбрал кандидата в Верховный суд.",
        body="<p>Президент США Барак Обама выбрал кандидата в Верховный суд.</p>",
        dateline_place="ВАШИНГТОН",
        translation_of=original,
        top_story_rank=1,
    )
    for headline in RU_HEADLINES[1:]:
        ArticleFactory(language="ru", section=politika, headline=headline, body=f"<p>{headline}.</p>")
    page = browser_page
    page.goto(live_server.url + "/ru/")
    assert page.get_attribute("html", "lang") == "ru"
    assert page.locator("h1, h2").first.is_visible()
    assert RU_HEADLINES[1] in page.content()
    assert _summary(axe_violations(page)) == []

    page.goto(live_server.url + russian.get_absolute_url())
    assert page.get_attribute("html", "lang") == "ru"
    link = page.locator(".article__translation a[hreflang='en']")
    assert link.inner_text() == "Read in English"
    assert link.get_attribute("lang") == "en"
    assert _summary(axe_violations(page)) == []
    link.click()
    page.wait_for_url(live_server.url + original.get_absolute_url())
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(".article__translation a[hreflang='ru']").get_attribute("lang") == "ru"
    assert _summary(axe_violations(page)) == []
