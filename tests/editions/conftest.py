# The newsroom's users and sections: edition tests post the newsroom's forms too.
import pytest  # noqa: E402

from newsdesk.news.models import Section  # noqa: E402
from tests.newsroom.conftest import (  # noqa: F401
    default_sections,
    editor,
    editor_client,
    newsroom_admin,
    politics,
    reporter,
    reporter_client,
)

# Real Russian Wikinews headlines (the NEREL corpus, CC BY 2.5), for the Russian edition's pages.
RU_HEADLINES = [
    "Обама назначит в Верховный суд латиноамериканку",
    "Мэром Детройта избран бывший игрок НБА",
    "Российские менеджеры отказались возглавлять \u201cгазовую ОПЕК\u201d",
    "Муртаза Рахимов чистит кадры",
]


@pytest.fixture
def ru_sections(db):
    """The Russian edition's sections; its "sport" shares the English section's slug on purpose."""
    return {
        "politika": Section.objects.create(name="Политика", slug="politika", language="ru", order=1),
        "sport": Section.objects.create(name="Спорт", slug="sport", language="ru", order=2),
    }


@pytest.fixture
def ru_article(ru_sections):
    from tests.factories import ArticleFactory

    def make(**fields):
        fields.setdefault("section", ru_sections["politika"])
        fields.setdefault("headline", RU_HEADLINES[0])
        fields.setdefault("lead", "Президент США Барак Обама выбрал кандидата в Верховный суд.")
        fields.setdefault("body", "<p>Президент США Барак Обама выбрал кандидата в Верховный суд.</p>")
        fields.setdefault("dateline_place", "ВАШИНГТОН")
        return ArticleFactory(language="ru", **fields)

    return make
