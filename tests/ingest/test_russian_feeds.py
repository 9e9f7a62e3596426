"""Russian feeds in their real encodings land intact in the Russian edition: windows-1251 (oren.ru), UTF-8
(lenta.ru), KOI8-R (lenta.ru re-encoded here), UTF-8 labelled as windows-1251 or KOI8-R; invalid bytes in a
declared encoding reject the items they touch, with the reason, and store nothing damaged."""

import html

import pytest

from newsdesk.ingest.formats import FormatError, Rejected, WireItem, parse_document
from newsdesk.ingest.formats.feeds import language_of
from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news.models import Article, Section

from .conftest import corpus

CP1251 = "providers/feeds/ru_oren_ru_news_cp1251_yandex.xml"
LENTA = "providers/feeds/ru_lenta_ru_news_2022-12-03.xml"


def parsed(data: bytes, **kwargs) -> tuple[list[WireItem], list[Rejected]]:
    out = list(parse_document(data, **kwargs))
    return [o for o in out if isinstance(o, WireItem)], [o for o in out if isinstance(o, Rejected)]


def lenta_in(encoding: str, *, declared: str | None = None) -> bytes:
    """lenta.ru's feed re-encoded (characters the encoding lacks, like «», as '?'), declared as ``declared``."""
    text = corpus(LENTA).read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', f'encoding="{declared or encoding}"', 1)
    return text.encode(encoding, errors="replace")


def test_windows_1251_feed_is_read_intact_and_russian():
    data = corpus(CP1251).read_bytes()
    items, rejected = parsed(data)
    assert len(items) == 10 and rejected == []
    # Each headline exactly as the bytes say in windows-1251 (the feed declares it, without <language>).
    expected = [html.unescape(t.split("</title>")[0]) for t in data.decode("cp1251").split("<title>")[3:]]
    assert [item.headline for item in items] == [" ".join(t.split()) for t in expected]
    assert items[0].headline.startswith("В Бузулуке главные стройплощадки")
    assert {item.language for item in items} == {"ru"}  # undeclared: most letters are Cyrillic


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [("koi8-r", None), ("utf-8", "windows-1251"), ("utf-8", "KOI8-R"), ("cp1251", None)],
)
def test_the_same_feed_in_other_encodings_reads_the_same(encoding, declared):
    reference, _ = parsed(lenta_in(encoding))  # what the characters the encoding has read as
    items, rejected = parsed(lenta_in(encoding, declared=declared))
    assert rejected == [] and len(items) == 200
    assert [item.headline for item in items] == [item.headline for item in reference]
    utf8, _ = parsed(corpus(LENTA).read_bytes())
    same = [a.headline == b.headline for a, b in zip(items, utf8, strict=True)]
    assert sum(same) > 150  # all but the headlines with characters KOI8-R / windows-1251 lack ('?')
    assert items[0].headline == "Стало известно о задержании бизнесмена Михаила Фридмана в Лондоне"
    assert {item.language for item in items} == {"ru"}  # the feed's <language>ru</language>


def test_invalid_bytes_in_a_declared_encoding_reject_only_the_items_they_touch():
    data = corpus(CP1251).read_bytes()
    broken = data.replace("Оренбурге избили".encode("cp1251"), b"\x98\x98 \x98", 1)  # 0x98: not in cp1251
    items, rejected = parsed(broken)
    assert len(items) == 9 and len(rejected) == 1
    assert "not windows-1251" in rejected[0].reason and "byte" in rejected[0].reason
    assert all("\ufffd" not in item.headline + item.lead + item.body_html for item in items)
    assert all(item.headline.isprintable() and "Ã" not in item.headline for item in items)
    with pytest.raises(FormatError, match="unknown"):
        parsed(data.replace(b'encoding="windows-1251"', b'encoding="x-klingon"', 1))


def test_language_from_the_text_when_undeclared():
    assert language_of("Путин провёл совещание в Кремле") == "ru"
    assert language_of("Putin held a meeting (Путин)") == ""
    assert language_of("") == ""


@pytest.mark.django_db
def test_russian_items_land_in_the_russian_edition_and_section():
    politics = Section.objects.get_or_create(slug="politics", language="en", defaults={"name": "Politics"})[0]
    russian = Section.objects.create(slug="politika", name="Политика", language="ru", order=politics.order)
    Section.objects.create(slug="ekonomika", name="Экономика", language="ru", order=politics.order + 1)
    data = corpus(CP1251).read_bytes()
    broken = data.replace("Оренбурге избили".encode("cp1251"), b"\x98\x98 \x98", 1)
    report = ingest_document(
        data=broken, origin="oren.xml", routing=Routing(section=politics, status=Article.Status.PUBLISHED)
    )
    stored = list(Article.objects.all())
    assert len(stored) == 9, report
    assert {(a.language, a.section_id) for a in stored} == {("ru", russian.pk)}
    assert all("\ufffd" not in a.headline + a.body for a in stored)
    assert Article.objects.filter(headline__startswith="В Бузулуке главные стройплощадки").exists()


@pytest.mark.django_db
def test_without_sections_of_its_edition_an_item_stays_in_the_routed_one():
    politics = Section.objects.get_or_create(slug="politics", language="en", defaults={"name": "Politics"})[0]
    Section.objects.filter(language="ru").delete()
    ingest_document(
        data=corpus(CP1251).read_bytes(),
        origin="oren.xml",
        routing=Routing(section=politics, status=Article.Status.PUBLISHED),
    )
    assert Article.objects.count() == 10
    assert set(Article.objects.values_list("language", "section")) == {("en", politics.pk)}


@pytest.mark.parametrize(("encoding", "declared"), [("cp1251", "KOI8-R"), ("koi8-r", "windows-1251")])
def test_a_russian_feed_labelled_with_the_other_russian_encoding_is_read_as_russian(encoding, declared):
    reference, _ = parsed(lenta_in(encoding))
    items, rejected = parsed(lenta_in(encoding, declared=declared))
    assert rejected == [] and [item.headline for item in items] == [item.headline for item in reference]
    assert items[0].headline == "Стало известно о задержании бизнесмена Михаила Фридмана в Лондоне"
