"""A reader site as an agency's looks: articles over every section with persons, topics and lead photos, urgent
items, five top stories with photos, galleries, infographics and a week of Most read reads.

Run inside the project (``newsdesk shell -c "from benchmarks._reader_data import build; build(500)"``) on a
freshly migrated database. Real tass.com text, cycled with a serial number.
"""

from __future__ import annotations

import datetime as dt
import io
import random

FIRST_ID = 400_000_000
PERSONS = 300
TOPICS = 120
PHOTOS = 8
GALLERIES = 8
INFOGRAPHICS = 8
READ_ARTICLES = 300


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def build(count: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from newsdesk.analytics.backends import get_backend
    from newsdesk.analytics.backends.base import Read
    from newsdesk.news import services
    from newsdesk.news.models import Article, Gallery, GalleryPhoto, Infographic, Person, Section, Topic
    from tests.factories import HEADLINES, image_upload
    from tests.site.conftest import MORE_HEADLINES
    from tests.site.test_article import SEED_BODY

    rng = random.Random(7)
    heads = HEADLINES + MORE_HEADLINES
    lead = (
        "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral "
        "relations hit their lowest point"
    )
    sections = list(Section.objects.all())
    persons = Person.objects.bulk_create(
        Person(name=f"Sergey Lavrov {n}", slug=f"sergey-lavrov-{n}", description="Russia's Foreign Minister")
        for n in range(PERSONS)
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"Foreign policy {n}", slug=f"foreign-policy-{n}", mediatopic_code="medtop:20000640")
        for n in range(TOPICS)
    )
    photos = [
        services.photo_create(
            image=image_upload(size=(1600, 900)),
            caption="Russian Foreign Minister Sergey Lavrov",
            credit="© Valery Sharifulin/TASS",
            alt_text="Sergey Lavrov at a news conference",
        )
        for _ in range(PHOTOS)
    ]
    now = timezone.now()
    rows = []
    for n in range(count):
        at = now - dt.timedelta(minutes=3 * n + 1)
        rows.append(
            Article(
                public_id=FIRST_ID + n,
                guid=f"urn:newsml:bench:{n}",
                slug=f"bench-{n}",
                headline=f"{heads[n % len(heads)]} ({n})",
                lead=lead,
                body=SEED_BODY,
                dateline_place="MOSCOW",
                section=sections[(n * 7) % len(sections)],
                urgency=2 if n % 17 == 0 else 5,
                status="published",
                publish_at=at,
                first_published_at=at,
                lead_photo=photos[n % PHOTOS] if n % 5 == 0 else None,
                top_story_rank=(n // 3 + 1) if n % 3 == 0 and n < 15 else None,
            )
        )
    articles = Article.objects.bulk_create(rows, batch_size=2000)
    by_person, by_topic = Article.persons.through, Article.topics.through
    person_links, topic_links = [], []
    for n, article in enumerate(articles):
        person_links.append(by_person(article_id=article.id, person_id=persons[n % PERSONS].id))
        topic_links.append(by_topic(article_id=article.id, topic_id=topics[n % TOPICS].id))
        if n % 3 == 0:
            person_links.append(by_person(article_id=article.id, person_id=persons[(n * 7 + 1) % PERSONS].id))
    by_person.objects.bulk_create(person_links, batch_size=5000)
    by_topic.objects.bulk_create(topic_links, batch_size=5000)
    for g in range(GALLERIES):
        gallery = Gallery.objects.create(
            title=f"Russia's top diplomat Sergey Lavrov celebrates his birthday ({g})",
            slug=f"lavrov-birthday-{g}",
            lead="Sergey Lavrov, Russia's Foreign Minister since 2004, turns 67.",
            section=sections[g % len(sections)],
            is_published=True,
            publish_at=now - dt.timedelta(hours=g + 1),
        )
        GalleryPhoto.objects.bulk_create(
            GalleryPhoto(gallery=gallery, photo=photos[(g + k) % PHOTOS], order=k) for k in range(6)
        )
    for i in range(INFOGRAPHICS):
        Infographic.objects.create(
            title=f"Russia's gas pipelines to Europe by 2018 ({i})",
            slug=f"gas-pipelines-{i}",
            image=SimpleUploadedFile("pipelines.png", _png(40, 30), content_type="image/png"),
            text_alternative="Nord Stream: 55 bcm a year.\n\nTurkStream: 31.5 bcm a year, from 2019.",
            source="Gazprom",
            section=sections[i % len(sections)],
            is_published=True,
            publish_at=now - dt.timedelta(hours=i + 1),
        )
    read = articles[: min(READ_ARTICLES, len(articles))]
    reads = [
        Read(
            article_id=a.id,
            section_id=a.section_id,
            at=now - dt.timedelta(minutes=rng.randrange(0, 7 * 24 * 60)),
            reader=rng.randbytes(16),
        )
        for a in read
        for _ in range(rng.randrange(1, 6))
    ]
    get_backend().write(reads)
