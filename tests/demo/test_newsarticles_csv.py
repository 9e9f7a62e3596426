import datetime as dt

import pytest

from newsdesk.ingest.formats.newsarticles_csv import CsvFormatError, read_rows, split_paragraphs, tass_item


def test_all_tass_rows_become_items_with_sections_ids_and_datelines(news_csv):
    rows = list(read_rows(news_csv))
    assert len(rows) == 3824
    items = [tass_item(r) for r in rows if r.outlet == "TASS"]
    assert len(items) == 485 and all(items)
    by_id = {i.public_id: i for i in items}
    lapshin = by_id[929606]
    assert lapshin.section_slug == "world"
    assert lapshin.headline == "Russian blogger Lapshin extradited to Baku - media"
    assert (lapshin.dateline_place, lapshin.dateline_date, lapshin.dateline_source) == (
        "BAKU",
        dt.date(2017, 2, 7),
        "TASS",
    )
    assert lapshin.paragraphs[0].startswith("Russian citizen Alexander Lapshin was extradited")
    with_dateline = sum(1 for i in items if i.dateline_place)
    assert with_dateline >= 440  # a few items really have none (press releases, interviews)
    assert not any("/TASS/" in i.paragraphs[0] for i in items if i.dateline_place and i.paragraphs)


def test_broken_dashes_in_headlines_are_repaired(news_csv):
    titles = {r.title for r in read_rows(news_csv)}
    assert "Russia's foreign trade down 11.9%, to $470 bln in 2016 — Economy Ministry" in titles
    assert not any(' "?' in t for t in titles)


def test_long_text_is_split_into_readable_paragraphs_never_inside_a_quote():
    text = (
        'Ryabkov said. "We want to change the negative trend. We will work in this direction. '
        'It is important," he stressed. The diplomat added more. Moscow is open.'
    )
    paragraphs = split_paragraphs(text, sentences_per_paragraph=2)
    assert all(p.count('"') % 2 == 0 for p in paragraphs)
    assert " ".join(paragraphs) == text


@pytest.mark.parametrize(
    "csv_text, message",
    [
        ("title,text\nx,y\n", "missing columns"),
        (
            "article_id,publish_date,article_source_link,title,subtitle,text\n1,yesterday,http://tass.com/world/1,t,s,x\n",
            "line 2",
        ),
    ],
)
def test_malformed_csv_is_rejected_with_a_precise_message(csv_text, message):
    with pytest.raises(CsvFormatError, match=message):
        list(read_rows(csv_text))


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        (
            'US ��not seeking to interfere "? with ties with Russia "? diplomat',
            'US "not seeking to interfere" with ties with Russia — diplomat',
        ),  # noqa: E501
        ("apologies from Bill O��Reilly in 2023", "apologies from Bill O’Reilly in 2023"),
        ('approved by Cyprus"?population', "approved by Cyprus’ population"),
        ('"Today, 17 "�chum"?(dwelling) kindergartens"', '"Today, 17 "chum" (dwelling) kindergartens"'),
        ('described as "Good chemistry."?Over the months', 'described as "Good chemistry." Over the months'),
        ('come ""probably from the Obama administration""', 'come "probably from the Obama administration"'),
    ],
)
def test_lost_characters_are_put_back(damaged, repaired):
    from newsdesk.ingest.formats.newsarticles_csv import repair_characters

    assert repair_characters(damaged) == repaired
