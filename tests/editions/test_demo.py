"""The Russian edition's demo: Russian Wikinews from the shared corpora (CC BY 2.5, credited on each story), its
own sections, the one genuine English counterpart linked; a clear message without the shared folder."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsdesk.demo import russian
from newsdesk.demo.management.commands.demo import Command
from newsdesk.news.models import Article, Section

pytestmark = pytest.mark.django_db
SHARED = russian.shared_dir()
needs_shared = pytest.mark.skipif(
    not (SHARED / russian.NEREL).is_dir(),
    reason=f"the shared corpora are not at {SHARED} (beside the checkout)",
)


@pytest.fixture(scope="module")
def stories():
    return russian.read_stories(SHARED / russian.NEREL) if (SHARED / russian.NEREL).is_dir() else []


@needs_shared
def test_the_russian_demo_loads_credited_stories_into_its_own_sections(client, stories):
    report = russian.russian_demo_load()
    assert report.created == len(stories) > 900
    russian_articles = Article.objects.filter(language="ru")
    assert russian_articles.count() == len(stories)
    assert set(Section.objects.filter(language="ru").values_list("slug", flat=True)) == {
        slug for _name, slug in russian.SECTIONS
    }
    assert not russian_articles.exclude(section__language="ru").exists()
    assert not russian_articles.exclude(byline="Русские Викиновости, CC BY 2.5").exists()
    assert not russian_articles.exclude(body__contains=russian.LICENCE_URL).exists()
    # Published now, so the Russian edition's front page has them; the page credits each story with the licence.
    first = russian_articles.order_by("-publish_at", "-id").first()
    page = BeautifulSoup(client.get(first.get_absolute_url()).content.decode(), "html.parser")
    assert page.html["lang"] == "ru"
    assert page.find("a", href=russian.LICENCE_URL) is not None
    assert first.headline in client.get("/ru/").content.decode()
    # Again: nothing new, nothing changed.
    again = russian.russian_demo_load()
    assert (again.created, again.existing, again.pairs) == (0, len(stories), 0)


@needs_shared
def test_only_the_genuine_counterpart_is_linked(stories):
    russian.russian_demo_load()
    linked = Article.objects.filter(translation_of__isnull=False)
    (english,) = linked
    assert english.language == "en" and english.headline == "Apple executive Steve Jobs resigns"
    assert english.translation_of.headline == "Стив Джобс ушел с поста гендиректора Apple"
    assert english.byline == "English Wikinews, CC BY 2.5" and russian.LICENCE_URL in english.body
    # Both quote Jobs's letter of resignation: the same event, the same day.
    assert "the first to let you know" in english.body
    assert "я первым дам вам об этом знать" in english.translation_of.body


def test_sections_by_keyword_rules():
    story = russian.Story(Path("x"), "Сборная России выиграла матч", ["Футболисты победили со счётом 2:1."])
    assert russian.section_for(story) == "sport"
    story = russian.Story(Path("x"), "Путин подписал закон", ["Президент России подписал закон о пенсиях."])
    assert russian.section_for(story) == "politika"
    story = russian.Story(Path("x"), "Обама назначил министра", ["Президент США выбрал кандидата."])
    assert russian.section_for(story) == "v-mire"
    assert russian.latin_slug("Стив Джобс ушел с поста гендиректора Apple") == (
        "stiv-dzhobs-ushel-s-posta-gendirektora-apple"
    )


def test_without_the_shared_folder_the_demo_says_where_to_put_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(russian, "shared_dir", lambda: tmp_path / "shared")
    with pytest.raises(russian.RussianDemoMissing, match="not at"):
        russian.russian_demo_load()
    command = Command()
    command._russian()
    said = command.stdout._out.getvalue() if hasattr(command.stdout, "_out") else capsys.readouterr().out
    assert "shared folder" in said and "run `newsdesk demo` again" in said
    assert not Article.objects.filter(language="ru").exists()
