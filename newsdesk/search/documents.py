"""What an article contributes to the index: plain text without markup, and its words for spelling."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3

from newsdesk.news.models import Article

from .models import SearchDocument

# \x02/\x03 mark highlights inside snippets; they must never occur in indexed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPELL_WORD = re.compile(r"[^\W\d_]{3,30}")


def clean_text(text: str) -> str:
    """Plain-text fields (headline, lead) as they are, less control characters."""
    return " ".join(_CONTROL.sub(" ", text).split())


def plain_text(markup: str) -> str:
    text = nh3.clean(re.sub(r"</(p|h[1-6]|li|blockquote|figcaption|td|th)>", r" \g<0>", markup), tags=set())
    return " ".join(_CONTROL.sub(" ", html.unescape(text)).split())


def build_document(article: Article) -> SearchDocument:
    """Expects persons and topics prefetched (see ``articles_for_index``)."""
    keywords = [p.name for p in article.persons.all()] + [t.name for t in article.topics.all()]
    if article.dateline_place:
        keywords.append(article.dateline_place.title())
    return SearchDocument(
        article_id=article.pk,
        headline=clean_text(article.headline),
        lead=clean_text(article.lead),
        body=plain_text(article.body),
        keywords=clean_text(" · ".join(keywords)),
        tags=filter_tags(
            section=article.section_id,
            persons=[p.pk for p in article.persons.all()],
            topics=[t.pk for t in article.topics.all()],
        ),
        source_modified_at=article.modified_at,
    )


def filter_tags(
    *, section: int | None = None, persons: Iterable[int] = (), topics: Iterable[int] = ()
) -> str:
    """The index tokens of a section, persons and topics (the same for a document and for a filter)."""
    tokens = [f"xs{section}"] if section else []
    return " ".join(tokens + [f"xp{pk}" for pk in persons] + [f"xt{pk}" for pk in topics])


def articles_for_index(ids: Iterable[int]):
    return Article.objects.filter(pk__in=list(ids)).prefetch_related("persons", "topics").order_by("pk")


def spelling_words(document: SearchDocument) -> set[str]:
    text = " ".join((document.headline, document.lead, document.body, document.keywords))
    return {word.lower() for word in _SPELL_WORD.findall(text)}
