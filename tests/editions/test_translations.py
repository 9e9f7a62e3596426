"""An article and its translation link to each other: "Read in English" / "Читать на русском", hreflang
alternates both ways with x-default, JSON-LD translationOfWork / workTranslation, sitemap alternates."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from newsdesk.news.models import Article
from tests.factories import ArticleFactory
from tests.syndication.schemas import validate_sitemap

from .conftest import RU_HEADLINES

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "https://news.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.NEWSDESK_SITE_URL = SITE


@pytest.fixture
def pair(ru_article):
    original = ArticleFactory(headline="Obama to nominate Hispanic judge to Supreme Court")
    translation = ru_article(headline=RU_HEADLINES[0], translation_of=original)
    return original, translation


def page(client, article) -> BeautifulSoup:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def json_ld(soup) -> dict:
    return json.loads(soup.find("script", type="application/ld+json").string)


def alternates(soup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.select('head link[rel="alternate"][hreflang]')}


def test_each_page_links_to_the_other_in_its_language(client, pair):
    original, translation = pair
    english, russian = page(client, original), page(client, translation)
    (to_russian,) = english.select(".article__translation a[hreflang]")
    assert (to_russian.text, to_russian["href"]) == ("Читать на русском", translation.get_absolute_url())
    assert to_russian["lang"] == to_russian["hreflang"] == "ru"
    (to_english,) = russian.select(".article__translation a[hreflang]")
    assert (to_english.text, to_english["href"]) == ("Read in English", original.get_absolute_url())
    assert to_english["lang"] == to_english["hreflang"] == "en"


def test_hreflang_alternates_both_ways_with_x_default(client, pair):
    original, translation = pair
    expected = {
        "en": SITE + original.get_absolute_url(),
        "ru": SITE + translation.get_absolute_url(),
        "x-default": SITE + original.get_absolute_url(),
    }
    assert alternates(page(client, original)) == expected
    assert alternates(page(client, translation)) == expected


def test_json_ld_names_the_original_and_its_translations(client, pair):
    original, translation = pair
    english, russian = json_ld(page(client, original)), json_ld(page(client, translation))
    assert english["inLanguage"] == "en" and russian["inLanguage"] == "ru"
    assert russian["translationOfWork"]["@id"] == english["url"] == SITE + original.get_absolute_url()
    assert russian["translationOfWork"]["inLanguage"] == "en"
    assert [work["@id"] for work in english["workTranslation"]] == [russian["url"]]
    assert english["workTranslation"][0]["inLanguage"] == "ru"
    assert "workTranslation" not in russian and "translationOfWork" not in english


def test_a_version_readers_cannot_see_is_not_linked(client, ru_article):
    original = ArticleFactory()
    ru_article(translation_of=original, status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    soup = page(client, original)
    assert not soup.select(".article__translation a[hreflang]") and not alternates(soup)
    assert "workTranslation" not in json_ld(soup)


def test_publishing_a_translation_updates_the_originals_kept_page(client, ru_article):
    """The original's page is kept whole (site.fragments); the translation's publish drops it."""
    from newsdesk.news import services
    from newsdesk.site.fragments import articles_changed

    original = ArticleFactory()
    assert not page(client, original).select(".article__translation a[hreflang]")
    draft = ru_article(
        translation_of=original, status=Article.Status.DRAFT, publish_at=None, first_published_at=None
    )
    services.article_save(article=draft, by=None, status=Article.Status.PUBLISHED)
    articles_changed([draft.pk])  # the pipeline's effect after the publish commits
    assert [a["href"] for a in page(client, original).select(".article__translation a[hreflang]")] == [
        draft.get_absolute_url()
    ]


def test_sitemap_alternates_both_ways_valid_against_the_xsd(client, pair):
    original, translation = pair
    ArticleFactory(headline="Former NBA player elected mayor of Detroit")  # no translation: no alternates
    for path, article in (("/sitemap-articles.xml", original), ("/ru/sitemap-articles.xml", translation)):
        response = client.get(path)
        validate_sitemap(response.content)
        urls = {url.findtext(f"{SM}loc"): url for url in ET.fromstring(response.content).iter(f"{SM}url")}
        links = {
            link.get("hreflang"): link.get("href")
            for link in urls[SITE + article.get_absolute_url()].iter(f"{XHTML}link")
        }
        assert links == {
            "en": SITE + original.get_absolute_url(),
            "ru": SITE + translation.get_absolute_url(),
            "x-default": SITE + original.get_absolute_url(),
        }
        others = [url for loc, url in urls.items() if loc != SITE + article.get_absolute_url()]
        assert all(not list(url.iter(f"{XHTML}link")) for url in others)


def test_sitemap_page_reads_alternates_once(client, pair, ru_article, django_assert_num_queries):
    original, _translation = pair
    for headline in RU_HEADLINES[1:]:
        ru_article(headline=headline, translation_of=ArticleFactory())
    with django_assert_num_queries(3):  # the count, the page, every alternate of the page
        client.get("/ru/sitemap-articles.xml")


# --- The wire: ninjs and NewsML-G2 ------------------------------------------------------------------------------

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def open_api(settings):
    settings.NEWSDESK_API_ANONYMOUS = True
    settings.NEWSDESK_API_ANONYMOUS_RATE = 10_000
    settings.NEWSDESK_API_SETTLE_SECONDS = 0


@pytest.mark.parametrize("version", ["3.1", "2.2"])
def test_ninjs_items_carry_their_language_and_each_other(client, pair, open_api, version):
    from tests.syndication.schemas import validate_ninjs

    original, translation = pair
    accept = f"application/vnd.iptc.ninjs+json; version={version}"
    items = {}
    for article in pair:
        response = client.get(f"/api/v1/items/{article.public_id}", headers={"Accept": accept})
        assert response.status_code == 200
        items[article.language] = data = response.json()
        validate_ninjs(data, version)
    listed = client.get("/api/v1/items", headers={"Accept": accept}).json()["items"]
    for data in listed:
        validate_ninjs(data, version)
    assert {data["language"] for data in listed} == {"en", "ru"}
    english, russian = items["en"], items["ru"]
    assert (english["language"], russian["language"]) == ("en", "ru")
    (to_original,) = [a for a in russian["associations"] if a["uri"] == original.guid]
    assert (to_original["name"], to_original["language"]) == ("original", "en")
    (to_translation,) = [a for a in english["associations"] if a["uri"] == translation.guid]
    assert (to_translation["name"], to_translation["language"]) == ("translation-ru", "ru")
    if version == "3.1":  # 2.x has no rel
        assert (to_original["rel"], to_translation["rel"]) == ("translationOfWork", "workTranslation")
    assert to_translation["renditions"][0]["href"] == SITE + translation.get_absolute_url()


def test_the_api_reads_the_links_once_per_page(client, pair, open_api, django_assert_num_queries):
    from tests.site.conftest import make_articles

    make_articles(5)
    client.get("/api/v1/items")
    with django_assert_num_queries(4):  # the items, their persons, their topics, the page's links in one read
        client.get("/api/v1/items")
    make_articles(5)
    with django_assert_num_queries(4):
        client.get("/api/v1/items")


def test_newsml_items_link_the_original_and_the_translation(client, pair, open_api):
    from tests.syndication.schemas import validate_newsml

    original, translation = pair
    links = {}
    for article in pair:
        response = client.get(f"/api/v1/newsml/items/{article.public_id}")
        validate_newsml(response.content)
        item = ET.fromstring(response.content)
        assert item.get(XML_LANG) == article.language
        assert item.find(f"{NAR}contentMeta/{NAR}language").get("tag") == article.language
        links[article.language] = [
            link
            for link in item.iter(f"{NAR}link")
            if link.get("reluri", "").startswith("https://schema.org/")
        ]
    (to_original,) = links["ru"]
    assert to_original.get("reluri") == "https://schema.org/translationOfWork"
    assert (to_original.get("residref"), to_original.get(XML_LANG)) == (original.guid, "en")
    (to_translation,) = links["en"]
    assert to_translation.get("reluri") == "https://schema.org/workTranslation"
    assert to_translation.get("href") == SITE + translation.get_absolute_url()
    assert to_translation.findtext(f"{NAR}title") == translation.headline
    message = client.get("/api/v1/newsml/items")
    validate_newsml(message.content)
