"""The Russian edition's pages in Chromium, through their /ru/ addresses: lang="ru", axe-core clean, and the
scripts' words in Russian (More news and its count, the gallery's "2 из 3", the live notice's plural)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article, Gallery, GalleryPhoto, Section
from newsdesk.newsroom.roles import sync_roles
from tests.factories import ArticleFactory, image_upload, user_with_role
from tests.site.test_browser import _assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def russian_edition():
    politika = Section.objects.create(name="Политика", slug="politika", language="ru", order=1)
    now = timezone.now()
    stories = [
        ArticleFactory(
            section=politika,
            language="ru",
            headline=f"Новость ленты номер {n}",
            slug=f"novost-{n}",
            lead="Замминистра иностранных дел России Сергей Рябков дал интервью.",
            body="<p>Москва обеспокоена отсутствием прорыва в отношениях с США.</p>",
            dateline_place="МОСКВА",
            publish_at=now - dt.timedelta(minutes=5 + n),
            top_story_rank=1 if n == 0 else None,
        )
        for n in range(35)
    ]
    gallery = Gallery.objects.create(title="Лавров отмечает день рождения", slug="lavrov", is_published=True,
                                     section=politika, publish_at=now - dt.timedelta(hours=1))  # fmt: skip
    for n in range(3):
        photo = services.photo_create(image=image_upload(size=(1200, 800)), caption=f"Лавров {n}", credit="© ТАСС",
                                      alt_text=f"Сергей Лавров, снимок {n + 1}")  # fmt: skip
        GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=n)
    return {"story": stories[0], "gallery": gallery, "section": politika}


def test_the_russian_feed_more_news_and_pages_in_russian(live_server, browser_page, russian_edition):
    page = browser_page
    page.goto(f"{live_server.url}/ru/news/")
    assert page.locator("html").get_attribute("lang") == "ru"
    more = page.locator("[data-more]")
    assert more.inner_text() == "Ещё новости"
    _assert_accessible(page, "ru feed")
    more.click()
    status = page.locator("[data-more-status]")
    page.wait_for_function("() => document.querySelector('[data-more-status]').textContent !== ''")
    assert status.inner_text() == "Загружено ещё 5 новостей."
    assert page.locator("[data-feed] .card").count() == 35
    for address in (
        "/ru/",
        russian_edition["story"].get_absolute_url(),
        "/ru/search/?q=Москва",
        "/ru/privacy/",
    ):
        page.goto(live_server.url + address)
        assert page.locator("html").get_attribute("lang") == "ru", address
        _assert_accessible(page, address)


def test_the_gallery_counts_in_russian(live_server, browser_page, russian_edition):
    page = browser_page
    with_prefix = russian_edition["gallery"].get_absolute_url()
    page.goto(live_server.url + ("" if with_prefix.startswith("/ru/") else "/ru") + with_prefix)
    count = page.locator("[data-viewer-count]")
    assert count.inner_text() == "1 из 3"
    page.locator("[data-viewer]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-viewer-count]').textContent === '2 из 3'")
    assert page.title().startswith("Лавров отмечает день рождения (фото 2 из 3)")
    _assert_accessible(page, "ru gallery")


def test_the_live_notice_counts_in_russian(live_server, browser_page, russian_edition, settings):
    settings.NEWSDESK_LIVE_TRANSPORT = "poll"
    settings.NEWSDESK_LIVE_POLL_SECONDS = 0.5
    page = browser_page
    with page.expect_response(lambda response: "/live/events" in response.url):
        page.goto(f"{live_server.url}/ru/news/")
    notice = page.locator("[data-live-notice]")
    sync_roles()  # a transactional test's flush removes what the migrations made
    editor = user_with_role("Editor")
    for n, expected in [(1, "Показать 1 новый материал"), (2, "Показать 2 новых материала")]:
        story = ArticleFactory(section=russian_edition["section"], language="ru", headline=f"Свежая новость {n}",
                               slug=f"svezhaya-{n}", status=Article.Status.DRAFT, publish_at=None,
                               first_published_at=None)  # fmt: skip
        services.article_publish(article=story, by=editor)
        page.wait_for_function(
            "(text) => document.querySelector('[data-live-notice]').textContent === text", arg=expected
        )
    assert notice.is_visible()
