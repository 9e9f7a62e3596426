"""The Russian edition's demo content: Russian Wikinews stories (CC BY 2.5) from the NEREL corpus, read from the
project's shared folder beside the checkout (``../shared/corpora/ru/nerel/NEREL-v1.1/*/*.txt``: line 1 the title,
then the text), each credited to Russian Wikinews with a link to the licence; and the one pair of Russian and
English Wikinews stories of the same event found in the shared corpora, linked as translations.

Idempotent: what exists (by public id) is left as it is; all or nothing per run.

Sections are chosen from each story's title and first paragraph by simple keyword rules (``SECTION_RULES``): a
rough guess an editor would correct, said so in docs/demo.md. NEREL keeps no dates, so the stories are published
at load time, one every few minutes back from now, in the corpus's order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from newsdesk import editions
from newsdesk.news.models import Article, Section

LANGUAGE = "ru"
NEREL = Path("corpora") / "ru" / "nerel" / "NEREL-v1.1"
MEANTIME = Path("corpora") / "entities-en" / "meantime" / "GOLD"
LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/"
RU_CREDIT = "Русские Викиновости, CC BY 2.5"
EN_CREDIT = "English Wikinews, CC BY 2.5"
# Public ids of the demo's Russian stories (and the English counterpart): below the random range of new
# articles (news.models.new_public_id), above the agency's legacy ids.
FIRST_PUBLIC_ID = 90_000_000
STEP_MINUTES = 7
TOP_STORIES = 5

# The Russian edition's sections, in its order: (name, slug).
SECTIONS = [
    ("Политика", "politika"),
    ("В мире", "v-mire"),
    ("Экономика", "ekonomika"),
    ("Общество", "obshchestvo"),
    ("Происшествия", "proisshestviya"),
    ("Наука", "nauka"),
    ("Культура", "kultura"),
    ("Спорт", "sport"),
]
# Keyword rules, first match wins, over the lower-cased title and first paragraph (word beginnings).
SECTION_RULES = [
    ("sport", "футбол хоккей теннис чемпионат чемпион олимпи матч турнир спортсмен сборная сборной кубок фифа "
              "уефа биатлон шахмат гонщик формул боксер боксёр нападающ тренер"),
    ("kultura", "фильм кино фестивал музык альбом певец певиц актёр актер актрис театр музе выставк писател "
                "книг режиссёр режиссер оскар концерт группа рок"),
    ("nauka", "учёны ученые учен наса космос космическ планет астроном спутник исследован наук биолог физик "
              "археолог марс луны луна"),
    ("proisshestviya", "погиб гибел дтп авари катастроф пожар взрыв убит убийств землетрясен крушени теракт "
                       "задержан арест разбил утонул стрельб"),
    ("ekonomika", "акци бирж рубл доллар банк нефт газпром компани рынк рынок инфляц ввп экономи налог бюджет "
                  "цен торгов инвест продаж"),
]  # fmt: skip
POLITICS = (
    "президент выбор министр правительств парламент госдум партии партия депутат губернатор премьер санкци "
    "кремл путин медведев мэр посол дипломат"
)
RUSSIA = "росси москв госдум кремл путин медведев губернатор федерац рф "
ABROAD = (
    "сша американ китай кнр украин герман франц британ оон нато евросоюз ес обама трамп израил ирак сири япон "
    "иран грузи киргиз кыргыз белорус казахстан турци польш индонез кндр корея вашингтон"
)


@dataclass(frozen=True)
class Story:
    path: Path
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Pair:
    """A Russian story and the English Wikinews story of the same event and date (checked by hand: the same
    letter quoted, the same day)."""

    russian: str  # the NEREL file, relative to NEREL-v1.1
    english: str  # the MEANTIME file, relative to GOLD
    english_date: dt.date  # as the English story gives it


# The only counterparts found between NEREL's 933 Russian stories and the English Wikinews of
# ../shared/corpora/entities-en (GUM's 24 news documents, MEANTIME's 120): Steve Jobs resigns as Apple's chief
# executive (24 August 2011; English Wikinews dated 25 August). Other stories on the same subjects are later
# events (his death and funeral, Apple's shares the day after), not counterparts, and are not linked.
PAIRS = [Pair("train/384.txt", "Apple/279494_Apple_executive_Steve.naf", dt.date(2011, 8, 25))]


@dataclass
class RussianReport:
    created: int = 0
    existing: int = 0
    pairs: int = 0
    sections: dict[str, int] = field(default_factory=dict)


class RussianDemoMissing(RuntimeError):
    """The shared corpora are not beside the checkout: the message says where they are looked for."""


def shared_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared"


def read_stories(root: Path) -> list[Story]:
    """Every NEREL story, in a fixed order (split, then file name)."""
    stories = []
    for path in sorted(root.glob("*/*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        title, rest = lines[0], [line for line in lines[1:] if line]
        if title and rest:
            stories.append(Story(path=path, title=title, paragraphs=rest))
    return stories


def section_for(story: Story) -> str:
    """The section's slug by keyword rules over the title and first paragraph (see the module's docstring)."""
    text = " " + re.sub(r"[^\w]+", " ", f"{story.title} {story.paragraphs[0]}".lower()) + " "

    def mentions(words: str) -> bool:
        return any(f" {word}" in text for word in words.split())

    for slug, words in SECTION_RULES:
        if mentions(words):
            return slug
    if mentions(POLITICS):
        return "politika" if mentions(RUSSIA) or not mentions(ABROAD) else "v-mire"
    return "v-mire" if mentions(ABROAD) else "obshchestvo"


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
        strict=True,
    )
) | {"ъ": "", "ь": ""}


def latin_slug(text: str, *, limit: int = 180) -> str:
    """A Russian title as an ASCII address ("Стив Джобс ушел" -> "stiv-dzhobs-ushel")."""
    out = "".join(_TRANSLIT.get(ch, ch) if ch in _TRANSLIT else ch for ch in text.lower())
    out = re.sub(r"[^a-z0-9]+", "-", out.replace("-", " ")).strip("-")
    return out[:limit].rstrip("-") or "story"


def english_story(path: Path) -> tuple[str, list[str]]:
    """An English Wikinews story of MEANTIME (NAF): its title and paragraphs from the raw text, whose first line
    is the title and the date ("Apple executive Steve Jobs resigns August 25 , 2011 Steve Jobs , …")."""
    raw = re.search(r"<raw><!\[CDATA\[(.*?)\]\]></raw>", path.read_text(encoding="utf-8"), re.S)
    if raw is None:
        raise RussianDemoMissing(f"{path} has no raw text; the shared corpora may be damaged.")
    text = raw.group(1)
    # MEANTIME's raw text is tokenised ("Jobs , the"): put the punctuation back where English writes it.
    text = re.sub(r" ([,.;:!?)%’])", r"\1", text)
    text = re.sub(r"([(“$]) ", r"\1", text).replace(" 's", "'s").replace("`` ", "“").replace(" ''", "”")
    first, _, body = text.partition("\n")
    match = re.match(r"(.*?)\s+([A-Z][a-z]+ \d{1,2}, \d{4})\s+(.*)", first + " " + body, re.S)
    if match is None:
        raise RussianDemoMissing(f"{path}: the title and date could not be read.")
    title, _date, rest = match.groups()
    sentences = re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", " ".join(rest.split()))
    paragraphs = [" ".join(sentences[n : n + 3]) for n in range(0, len(sentences), 3)]
    return title.strip(), paragraphs


def _body(paragraphs: list[str], credit: str) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs) + "\n" + credit


def _ru_credit() -> str:
    return (
        '<p>Источник: <a href="https://ru.wikinews.org/">Русские Викиновости</a>, лицензия '
        f'<a href="{LICENCE_URL}">CC BY 2.5</a> (корпус NEREL).</p>'
    )


def _en_credit() -> str:
    return (
        '<p>Source: <a href="https://en.wikinews.org/">English Wikinews</a>, licensed '
        f'<a href="{LICENCE_URL}">CC BY 2.5</a> (MEANTIME corpus).</p>'
    )


def russian_sections() -> dict[str, Section]:
    existing = {s.slug: s for s in Section.objects.filter(language=LANGUAGE)}
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        if slug not in existing:
            existing[slug] = Section.objects.create(name=name, slug=slug, language=LANGUAGE, order=order)
    return existing


def russian_demo_load(*, shared: Path | None = None) -> RussianReport:
    """Load the Russian edition's demo from the shared corpora (RussianDemoMissing when they are not there)."""
    if LANGUAGE not in editions.codes():
        raise RussianDemoMissing("the site has no Russian edition (NEWSDESK_EDITIONS lacks ru)")
    shared = shared or shared_dir()
    root = shared / NEREL
    if not root.is_dir():
        raise RussianDemoMissing(f"the Russian Wikinews corpus is not at {root}")
    stories = read_stories(root)
    now = timezone.now().replace(second=0, microsecond=0)
    report = RussianReport()
    with transaction.atomic():
        sections = russian_sections()
        ids = [FIRST_PUBLIC_ID + n for n in range(len(stories))]
        existing = set(Article.objects.filter(public_id__in=ids).values_list("public_id", flat=True))
        used = set(Article.objects.values_list("slug", flat=True).iterator())
        new = []
        for n, story in enumerate(stories):
            public_id = ids[n]
            if public_id in existing:
                report.existing += 1
                continue
            slug = section_for(story)
            report.sections[slug] = report.sections.get(slug, 0) + 1
            at = now - dt.timedelta(minutes=STEP_MINUTES * n)
            new.append(
                _article(
                    public_id=public_id,
                    headline=story.title,
                    lead=story.paragraphs[0][:600],
                    body=_body(story.paragraphs, _ru_credit()),
                    slug=_unique(latin_slug(story.title), used),
                    section=sections[slug],
                    language=LANGUAGE,
                    byline=RU_CREDIT,
                    source="Викиновости",
                    at=at,
                )
            )
        Article.objects.bulk_create(new, batch_size=200)
        report.created = len(new)
        report.pairs = _link_pairs(shared, root, stories, ids, used, now)
        _set_top_stories()
    return report


def _unique(slug: str, used: set[str]) -> str:
    base, n = slug, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _article(*, public_id, headline, lead, body, slug, section, language, byline, source, at) -> Article:
    article = Article(
        public_id=public_id,
        headline=headline[:300],
        slug=slug,
        lead=lead,
        body=body,
        byline=byline,
        dateline_source=source,
        language=language,
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=at,
        first_published_at=at,
        created_at=at,
    )
    article.guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:{public_id}"
    return article


def _link_pairs(shared: Path, root: Path, stories: list[Story], ids: list[int], used: set[str], now) -> int:
    """Each of ``PAIRS``: the English Wikinews story loaded into the default edition and linked to its Russian
    counterpart as the Russian story's version in English (``translation_of``: the agency publishes in Russian
    first). The two were written separately, one per language, about the same event on the same day."""
    default_sections = Section.objects.filter(language=editions.default())
    english = (
        default_sections.filter(slug__in=["economy", "business", "world"]).order_by("slug").first()
        or default_sections.first()
    )
    if english is None or editions.default() == LANGUAGE:
        return 0
    by_path = {story.path: ids[n] for n, story in enumerate(stories)}
    linked = 0
    for number, pair in enumerate(PAIRS, start=1):
        russian_id = by_path.get(root / pair.russian)
        path = shared / MEANTIME / pair.english
        if russian_id is None or not path.exists():
            continue
        russian = Article.objects.filter(public_id=russian_id).first()
        public_id = FIRST_PUBLIC_ID - number
        if russian is None or Article.objects.filter(public_id=public_id).exists():
            continue
        title, paragraphs = english_story(path)
        article = _article(
            public_id=public_id,
            headline=title,
            lead=paragraphs[0][:600],
            body=_body(paragraphs, _en_credit()),
            slug=_unique(re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), used),
            section=english,
            language=editions.default(),
            byline=EN_CREDIT,
            source="Wikinews",
            at=russian.publish_at,
        )
        article.dateline_date = pair.english_date
        article.translation_of = russian
        article.save()
        linked += 1
    return linked


def _set_top_stories() -> None:
    if Article.objects.filter(language=LANGUAGE, top_story_rank__isnull=False).exists():
        return  # the editors' order is theirs once set
    latest = Article.objects.published().filter(language=LANGUAGE, section__slug__in=["politika", "v-mire"])
    ranked = latest.order_by("-publish_at").values_list("pk", flat=True)[:TOP_STORIES]
    for rank, pk in enumerate(ranked, start=1):
        Article.objects.filter(pk=pk).update(top_story_rank=rank)
