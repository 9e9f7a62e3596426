"""Which of our articles another outlet's story is about: for "In other media" links.

Content-word cosine similarity of headline and standfirst, within two days, plus at least one shared
capitalised name — a cheap, explainable match that errs on the side of no link.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

from django.utils import timezone

from newsdesk.news.models import Article

MIN_SCORE = 0.3
WINDOW = dt.timedelta(days=2)
CANDIDATES = 500
STOPWORDS = set(
    "the a an and or of to in on for with at by from as is are was were be been has have had it its that this "
    "said says will would could should not but after over into about than more also their they he she his her "
    "who which what when where new year years two three first last one may can us mr ms".split()
)


def words(text: str) -> Counter[str]:
    return Counter(t for t in re.findall(r"[^\W\d_][\w\-']{2,}", text.lower()) if t not in STOPWORDS)


def names(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\b[A-ZА-ЯЁ][\w\-]{2,}", text)[1:]}


def cosine(a: Counter[str], b: Counter[str]) -> float:
    common = set(a) & set(b)
    if not common:
        return 0.0
    dot = sum(a[t] * b[t] for t in common)
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def matching_articles(*, headline: str, lead: str, at: dt.datetime | None, limit: int = 3) -> list[Article]:
    at = at or timezone.now()
    theirs, their_names = words(f"{headline} {headline} {lead}"), names(f"{headline}. {lead}")
    nearby = Article.objects.published().filter(publish_at__range=(at - WINDOW, at + WINDOW))
    scored = []
    for article in nearby.only("pk", "headline", "lead", "publish_at")[:CANDIDATES]:
        text = f"{article.headline} {article.headline} {article.lead}"
        score = cosine(theirs, words(text))
        if score >= MIN_SCORE and their_names & names(f"{article.headline}. {article.lead}"):
            scored.append((score, article))
    return [article for _, article in sorted(scored, key=lambda pair: -pair[0])[:limit]]
