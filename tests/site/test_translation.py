"""The reader interface in Russian: every page type rendered with Russian active shows no English interface
string of the catalogue; Russian plurals and dates; the catalogue complete and the .mo compiled from it.

Russian is activated the way an edition's URL activates it: ``reverse()`` under ``translation.override("ru")``
gives the Russian edition's address (``/ru/…`` once the editions' URLs exist), requested with Russian active.
The pages are filled with Russian content (a Russian section, Russian headlines and names), so any English word
of the catalogue left on the page is interface that was not translated.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from newsdesk.analytics.backends import Read, get_backend
from newsdesk.news import services
from newsdesk.news.models import Article, Correction, Gallery, GalleryPhoto, OtherMediaLink, ReadAlso, Section
from newsdesk.search.services import search_sync_pending
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload
from tests.markets.test_converter import store_cbr
from tests.site.test_pages import make_infographic

pytestmark = pytest.mark.django_db
PO = Path(settings.BASE_DIR) / "newsdesk" / "locale" / "ru" / "LC_MESSAGES" / "django.po"
BODY = (
    "<p>Москва обеспокоена отсутствием прорыва в российско-американских отношениях, заявил замминистра "
    "иностранных дел России Сергей Рябков.</p><p>Дипломат отметил, что при прежней администрации США отношения "
    'опустились до низшей точки.</p><hr class="page-break"><p>Следующий раунд консультаций ожидается в '
    "Санкт-Петербурге.</p>"
)
# Attributes whose values readers (or their screen readers) get as text.
TEXT_ATTRIBUTES = ("aria-label", "aria-roledescription", "alt", "title", "placeholder", "content")


def _fragments(text: str) -> list[str]:
    """A catalogue string's literal phrases: placeholders and markup removed, cut at punctuation; only those
    long enough to be surely English interface (two words or more, or one of five letters or more)."""
    text = re.sub(r"%\(\w+\)s|<[^>]+>", "|", text)
    phrases = (p.strip() for p in re.split(r"[|.,:;!?()“”\"«»—–…*/=]", text))
    return [p for p in phrases if (" " in p and len(p) >= 5) or (len(p) >= 5 and p.isalpha())]


def english_phrases() -> dict[str, str]:
    """Each English phrase of the catalogue's strings, with its string; phrases the Russian text keeps
    (names: Telegram, JavaScript, a command) are not English interface."""
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    phrases = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, list | tuple) else [message.id]
        strings = message.string if isinstance(message.string, list | tuple) else [message.string]
        russian = " ".join(strings)
        for english in ids:
            for phrase in _fragments(english):
                if phrase not in russian:
                    phrases[phrase] = english
    return phrases


def interface_text(html: str) -> str:
    """What a reader gets as text: the text nodes, the attributes read aloud or shown, and the data attributes
    scripts show (their words, in the page's language); not scripts or style sheets."""
    page = BeautifulSoup(html, "html.parser")
    for element in page(["script", "style"]):
        for name, value in element.attrs.items():
            if name.startswith("data-"):
                element.insert_after(page.new_string(f" {value} "))
        element.clear()
    parts = [page.get_text(" ")]
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            # not addresses or zones: "/media/photos/… 400w" and "Europe/Moscow" are no English words on the page
            address = value.startswith(("/", "http")) or re.fullmatch(r"\S*/\S*", value)
            if (name in TEXT_ATTRIBUTES or name.startswith("data-")) and not address:
                parts.append(value)
    return "\n".join(parts)


MONTHS = "January February March April May June July August September October November December".split()


def english_left(html: str, phrases: dict[str, str]) -> list[str]:
    """The catalogue's English phrases on the page, and English month names (Django's catalogue has those)."""
    text = interface_text(html)
    return sorted(
        [
            f"{phrase!r} (from {english!r})"
            for phrase, english in phrases.items()
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
        ]
        + [f"{month!r} (a month)" for month in MONTHS if re.search(rf"\b{month}\b", text)]
    )


def _reads(article: Article, at: dt.datetime, count: int) -> list[Read]:
    return [Read(article.pk, article.section_id, at, f"{article.pk}-{at}-{n}".encode()) for n in range(count)]


def russian_site() -> dict[str, tuple]:
    """A Russian edition with every page type's blocks; the pages as (URL name, args, query)."""
    now = timezone.now()
    politika = Section.objects.create(name="Политика", slug="politika", language="ru", order=1)
    person = PersonFactory(name="Сергей Рябков", slug="sergey-ryabkov", description="Заместитель министра")
    topic = TopicFactory(name="Российско-американские отношения", slug="rossiya-ssha")

    def story(**fields) -> Article:
        fields.setdefault("lead", "Замминистра иностранных дел России Сергей Рябков дал интервью.")
        fields.setdefault("body", "<p>Текст новости.</p>")
        return ArticleFactory(section=politika, language="ru", dateline_place="МОСКВА", **fields)

    photo = services.photo_create(
        image=image_upload(), caption="Белый дом", credit="© ТАСС", alt_text="Белый дом"
    )
    article = story(
        headline="Москва обеспокоена отсутствием прорыва в отношениях с США",
        body=BODY,
        lead_photo=photo,
        urgency=1,
        top_story_rank=1,
        byline="Иван Петров",
        updated_at=now,
        read_also_after=1,
    )
    article.persons.add(person)
    article.topics.add(topic)
    related = story(headline="В Госдуме считают, что говорить об оттепели рано")
    ReadAlso.objects.create(article=article, target=related, order=1)
    OtherMediaLink.objects.create(
        article=article,
        title="Россия не видит прорыва",
        outlet="РИА Новости",
        url="https://ria.example/1",
        published_on=dt.date(2017, 5, 30),
    )
    Correction.objects.create(
        article=article, note="В предыдущей версии было неверно указано название форума."
    )
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, note="Добавлены слова Рябкова.")
    for n in range(2, 5):
        story(headline=f"Главная новость номер {n}", top_story_rank=n)
    for n in range(35):  # more than a feed page: "More news"
        story(headline=f"Новость ленты {n}", publish_at=now - dt.timedelta(minutes=30 + n))
    story(headline="КАМАЗ поставит грузовики на Филиппины", body="<p>КАМАЗ поставит грузовики.</p>")
    withdrawn = story(headline="Кремль опроверг сообщение о письме")
    services.article_withdraw(article=withdrawn, by=None, note="Сообщение основывалось на поддельном письме.")
    search_sync_pending()
    board = list(Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-publish_at")[:6])
    get_backend().write(
        [read for n, item in enumerate(board) for read in _reads(item, now - dt.timedelta(minutes=5), 9 - n)]
    )
    gallery = Gallery.objects.create(  # in a Russian section: the Russian edition's gallery
        title="Сергей Лавров отмечает день рождения", slug="lavrov", is_published=True, publish_at=now,
        section=politika,
    )  # fmt: skip
    for n in range(3):
        picture = services.photo_create(
            image=image_upload(), caption="Лавров", credit="© ТАСС", alt_text="Лавров"
        )
        GalleryPhoto.objects.create(gallery=gallery, photo=picture, order=n)
    infographic = make_infographic()
    infographic.title, infographic.source = "Газопроводы России", "Газпром"
    infographic.text_alternative = "Северный поток: 55 млрд кубометров в год."
    infographic.section = politika
    infographic.save()
    today = timezone.localdate()
    # The lead story's day, which has stories whatever the hour: in the first hour after midnight (Moscow)
    # "today" had none yet, and its archive page was a 404.
    day = timezone.localdate(article.publish_at)
    store_cbr(today, scale=Decimal(1))
    store_cbr(today - dt.timedelta(days=1), scale=Decimal("1.01"))
    return {
        "home": ("site:home", [], ""),
        "feed": ("site:latest", [], ""),
        "feed continued": ("site:latest", [], "MORE"),
        "section": ("site:section", [politika.slug], ""),
        "person": ("site:person", [person.slug], ""),
        "topic": ("site:topic", [topic.slug], ""),
        "archive": ("site:archive_day", [day.year, f"{day.month:02d}", f"{day.day:02d}"], ""),
        "empty archive": ("site:archive_day", [2001, "01", "02"], ""),
        "article": ("site:article", [article.public_id, article.slug], ""),
        "article page 2": ("site:article", [article.public_id, article.slug], "?page=2"),
        "withdrawn": ("site:article", [withdrawn.public_id, withdrawn.slug], ""),
        "gallery": ("site:gallery", [gallery.slug], ""),
        "galleries": ("site:galleries", [], ""),
        "infographic": ("site:infographic", [infographic.slug], ""),
        "infographics": ("site:infographics", [], ""),
        "search": ("search:page", [], "?q=КАМАЗ"),
        "search nothing found": ("search:page", [], "?q=ничегонет"),
        "search empty": ("search:page", [], ""),
        "search error": ("search:page", [], "?q=a&from=2020-01-02&to=2020-01-01"),
        "privacy": ("analytics:privacy", [], ""),
        "not found": ("site:article", [999_999_999, "nothing"], ""),
        "bad request": ("site:archive_jump", [], "?date=tomorrow"),
    }


def _address(name: str, args: list, query: str, client: Client) -> str:
    url = reverse(name, args=args)
    if query == "MORE":
        page = BeautifulSoup(client.get(url).content.decode(), "html.parser")
        return page.select_one("[data-more]")["href"]
    return url + query


def test_every_page_type_in_russian_has_no_english_interface_string(client):
    phrases = english_phrases()
    assert len(phrases) > 150, "the catalogue's phrases were not read"
    pages = russian_site()
    left, statuses = {}, {}
    with translation.override("ru"):
        for label, (name, args, query) in pages.items():
            response = client.get(_address(name, args, query, client))
            html = response.content.decode()
            statuses[label] = response.status_code
            assert '<html lang="ru">' in html, label
            found = english_left(html, phrases)
            if found:
                left[label] = found
    assert left == {}, f"English interface strings on Russian pages: {left}"
    assert statuses["not found"] == 404 and statuses["bad request"] == 400 and statuses["withdrawn"] == 410
    ok = (
        "home",
        "feed",
        "section",
        "person",
        "topic",
        "archive",
        "article",
        "galleries",
        "infographics",
        "search",
    )
    assert {label: statuses[label] for label in ok} == dict.fromkeys(ok, 200)
    # The gallery and the infographic are the Russian edition's (in a Russian section): their pages answer.
    assert statuses["gallery"] == statuses["infographic"] == 200


@pytest.mark.parametrize(
    ("view", "query"),
    [
        ("newsdesk.weather.views.cities", {}),
        ("newsdesk.weather.views.cities", {"city": "atlantis"}),
        ("newsdesk.markets.views.converter_page", {}),
        ("newsdesk.markets.views.converter_page", {"amount": "abc", "from": "USD", "to": "EUR"}),
        ("newsdesk.markets.views.history_page", {}),
    ],
)
def test_the_unprefixed_pages_templates_in_russian(rf, view, query):
    """/weather/ and /markets/ have one address for every edition (served in the default one); their templates
    are translated all the same, for an edition that serves them in its language."""
    from django.utils.module_loading import import_string

    store_cbr(timezone.localdate())
    phrases = english_phrases()
    request = rf.get("/", query)
    with translation.override("ru"):
        args = ("cbr", "USD") if view.endswith("history_page") else ()
        html = import_string(view)(request, *args).content.decode()
    assert '<html lang="ru">' in html
    assert english_left(html, phrases) == []


def test_the_server_error_page_in_russian():
    phrases = english_phrases()
    template = engines["jinja2"].get_template("site/500.html")
    with translation.override("ru"):
        html = template.render({"site_name": "Newsdesk"})
    assert '<html lang="ru">' in html and "Произошла ошибка на нашей стороне" in html
    assert english_left(html, phrases) == []


def test_the_check_finds_english_left_on_a_page():
    """The detector itself: an untranslated heading and an untranslated aria-label are found."""
    phrases = english_phrases()
    html = '<h2>Read also</h2><nav aria-label="Result pages"></nav><p>Москва</p>'
    found = english_left(html, phrases)
    assert "'Read also' (from 'Read also')" in found and "'Result pages' (from 'Result pages')" in found
    assert not any("Москва" in line for line in found)


def test_the_english_pages_keep_their_words(client, soup):
    """The default edition is unchanged: English interface, English dates."""
    ArticleFactory(top_story_rank=1)
    page = soup(client.get("/"))
    assert page.html["lang"] == "en"
    assert page.select_one("#top-stories").get_text() == "Top stories"
    assert page.select_one(".skip-link").get_text() == "Skip to content"
    footer = page.select_one(".site-footer")
    for other in footer.select("[lang]"):  # the link to another edition is in its own language
        other.decompose()
    assert footer.get_text(" ", strip=True).startswith("All news") and not re.search(
        "[а-яА-ЯёЁ]", footer.get_text()
    )


# --- Plurals and dates --------------------------------------------------------------------------------------


PLURALS = {
    1: "1 фотография",
    2: "2 фотографии",
    5: "5 фотографий",
    11: "11 фотографий",
    21: "21 фотография",
    22: "22 фотографии",
    25: "25 фотографий",
    111: "111 фотографий",
}


@pytest.mark.parametrize(("count", "expected"), PLURALS.items())
def test_russian_plurals_in_a_template(count, expected):
    template = engines["jinja2"].env.from_string(
        "{% trans count=n %}{{ count }} photo{% pluralize %}{{ count }} photos{% endtrans %}"
    )
    with translation.override("ru"):
        assert template.render(n=count) == expected
    with translation.override("en"):
        assert template.render(n=count) == f"{count} photo{'' if count == 1 else 's'}"


@pytest.mark.parametrize(
    ("count", "results", "more"),
    [
        (1, "1 результат", "Загружена ещё 1 новость."),
        (2, "2 результата", "Загружены ещё 2 новости."),
        (5, "5 результатов", "Загружено ещё 5 новостей."),
        (21, "21 результат", "Загружена ещё 21 новость."),
        (22, "22 результата", "Загружены ещё 22 новости."),
        (25, "25 результатов", "Загружено ещё 25 новостей."),
        (111, "111 результатов", "Загружено ещё 111 новостей."),
    ],
)
def test_russian_plurals_from_python(count, results, more):
    with translation.override("ru"):
        assert (
            translation.ngettext("%(count)s result", "%(count)s results", count) % {"count": count} == results
        )
        single, plural = "%(count)s more news item loaded.", "%(count)s more news items loaded."
        assert translation.ngettext(single, plural, count) % {"count": count} == more


def test_scripts_get_every_plural_form_of_the_pages_language():
    """site.js and live.js pick a form with Intl.PluralRules: the server writes one per category."""
    from newsdesk.site.jinja import plural_data

    with translation.override("ru"):
        html = str(
            plural_data("more", "%(count)s more news item loaded.", "%(count)s more news items loaded.")
        )
    assert 'data-more-one="Загружена ещё {count} новость."' in html
    assert 'data-more-few="Загружены ещё {count} новости."' in html
    assert 'data-more-many="Загружено ещё {count} новостей."' in html
    with translation.override("en"):
        html = str(
            plural_data("more", "%(count)s more news item loaded.", "%(count)s more news items loaded.")
        )
    assert 'data-more-one="{count} more news item loaded."' in html
    assert 'data-more-other="{count} more news items loaded."' in html


def test_the_russian_day_headings_and_archive_titles(client):
    from newsdesk.site.presenters import day_label

    today = dt.date(2017, 5, 30)
    with translation.override("ru"):
        assert day_label(today, today=today) == "Сегодня"
        assert day_label(dt.date(2017, 5, 29), today=today) == "Вчера"
        assert day_label(dt.date(2016, 3, 8), today=today) == "8 марта 2016"
    assert day_label(dt.date(2016, 3, 8), today=today) == "8 March 2016"


def test_the_catalogue_is_complete_and_compiled():
    """``newsdesk translations check`` (make lint): every marked string translated, the .po up to date with the
    templates and code, the .mo compiled from the .po."""
    call_command("translations", "check")


def test_the_check_fails_on_a_string_without_translation(tmp_path, monkeypatch):
    from newsdesk.site.management.commands import translations

    template = translations.extract()
    template.add("A string nobody translated")
    problems = translations.problems("ru", template)
    assert any("A string nobody translated" in line and "translations update" in line for line in problems)
    monkeypatch.setattr(translations, "LOCALE", tmp_path)
    assert "is missing" in translations.problems("ru", template)[0]


def test_the_converter_through_its_address_in_russian(client):
    """/markets/ has one address for every edition: the Russian pages' header links to /markets/?lang=ru, and
    the form, its script's answers, Swap and the history links keep the language."""
    today = timezone.localdate()
    store_cbr(today)
    store_cbr(today - dt.timedelta(days=1), scale=Decimal("1.01"))
    phrases = english_phrases()
    home = client.get("/ru/").content.decode()
    assert 'class="header-converter" href="/markets/?lang=ru"' in home
    page = client.get("/markets/?lang=ru")
    html = page.content.decode()
    assert '<html lang="ru">' in html and '<input type="hidden" name="lang" value="ru">' in html
    assert "Доллар США" in html and english_left(html, phrases) == []
    answer = client.get(
        "/markets/convert.json", {"amount": "abc", "from": "USD", "to": "EUR", "lang": "ru"}
    ).json()
    assert answer["errors"]["amount"].startswith("«abc» — не сумма")
    swap = client.get("/markets/", {"from": "USD", "to": "EUR", "swap": "1", "lang": "ru"})
    assert "lang=ru" in swap["Location"]
    history = client.get(reverse("markets:history", args=["cbr", "USD"]) + "?lang=ru").content.decode()
    assert '<html lang="ru">' in history and english_left(history, phrases) == []
    english = client.get("/markets/").content.decode()
    assert '<html lang="en">' in english and 'name="lang"' not in english and "US dollar" in english


def test_the_city_page_through_its_address_in_russian(client):
    """The clock on Russian pages links to /weather/?lang=ru: names, form and messages in Russian."""
    phrases = english_phrases()
    home = client.get("/ru/").content.decode()
    assert 'class="city-clock__city" href="/weather/?lang=ru"' in home
    html = client.get("/weather/?lang=ru").content.decode()
    assert '<html lang="ru">' in html and '<input type="hidden" name="lang" value="ru">' in html
    assert "Москва" in html and english_left(html, phrases) == []
    unknown = client.get("/weather/", {"city": "atlantis", "lang": "ru"})
    assert unknown.status_code == 400 and "Города «atlantis» нет в списке" in unknown.content.decode()
    assert '<html lang="en">' in client.get("/weather/").content.decode()


def test_the_access_denied_page_in_both_languages(rf):
    from newsdesk.site.views import permission_denied

    with translation.override("ru"):
        response = permission_denied(rf.get("/ru/"))
    html = response.content.decode()
    assert response.status_code == 403 and '<html lang="ru">' in html and "Доступ закрыт" in html
    assert english_left(html, english_phrases()) == []
    english = permission_denied(rf.get("/")).content.decode()
    assert '<html lang="en">' in english and "<h1>Access denied</h1>" in english
