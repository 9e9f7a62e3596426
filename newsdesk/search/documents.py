"""What an article contributes to the index: plain text without markup, and its words for spelling."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from newsdesk.news.html import html_to_text
from newsdesk.news.models import Article

from .analysis import ampersand_terms, fold, index_form
from .models import SearchDocument
from .places import dateline_country

# \x02/\x03 mark highlights inside snippets; they must never occur in indexed text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPELL_WORD = re.compile(r"[^\W\d_]{3,30}")
# Indexed as the lead of a story that has none: news says first what a story is about, and the ranking counts
# a word there (backends.base.DEFAULT_RERANK "opening"). About the first sentence or two of wire copy.
OPENING_WORDS = 40
# What the index keeps of a lead and a body, in characters: about 15,000 words of body, five times the longest
# wire story. The newsroom's form takes a body of 5 MB, and a body of 200,000 distinct words (1.4 MB) made more
# words than PostgreSQL's tsvector holds (1 MB of them): the statement that indexed it failed, and with it
# every later sync. Both engines keep the same text, so they find the same stories.
MAX_INDEXED_BODY = 100_000
MAX_INDEXED_LEAD = 5_000


def clean_text(text: str) -> str:
    """Plain-text fields (headline, lead) as the index reads them (``index_form``: "ﬁnance" is "finance"), less
    control characters."""
    return " ".join(_CONTROL.sub(" ", index_form(text)).split())


def indexed_part(text: str, limit: int) -> str:
    """The first ``limit`` characters of a text, cut at a space when there is one to cut at."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def build_document(
    article: Article, persons: list | None = None, topics: list | None = None
) -> SearchDocument:
    """Expects persons and topics prefetched (see ``articles_for_index``), or given."""
    persons = list(article.persons.all()) if persons is None else persons
    topics = list(article.topics.all()) if topics is None else topics
    keywords = [p.name for p in persons] + [t.name for t in topics]
    if article.dateline_place:
        keywords.append(article.dateline_place.title())
        country = dateline_country(article.dateline_place, article.language)  # "PARIS": "France" too
        if country:
            keywords.append(country)
    body = indexed_part(index_form(html_to_text(article.body)), MAX_INDEXED_BODY)
    keywords += ampersand_terms(" ".join((article.headline, article.lead, body)))  # "AT&T" as "atandt"
    return SearchDocument(
        article_id=article.pk,
        headline=clean_text(article.headline),
        lead=indexed_part(clean_text(article.lead), MAX_INDEXED_LEAD) or opening(body),
        body=body,
        keywords=clean_text(" · ".join(keywords)),
        tags=document_tags(
            section=article.section_id,
            persons=[p.pk for p in persons],
            topics=[t.pk for t in topics],
            published=article.publish_at,
            language=article.language,
        ),
        language=article.language,
        source_modified_at=article.modified_at,
    )


def opening(text: str) -> str:
    """The first ``OPENING_WORDS`` words of a text: the lead the index keeps for a story without one."""
    return " ".join(text.split(" ", OPENING_WORDS)[:OPENING_WORDS])


def document_tags(
    *,
    section: int | None = None,
    persons: Iterable[int] = (),
    topics: Iterable[int] = (),
    published: dt.datetime | None = None,
    language: str | None = None,
) -> str:
    """The index tokens of an article: its section, persons, topics, the UTC month of its publish time and,
    outside English, its edition (``xs3 xp120 xt45 xm201705 xl114117``). A filter is matched against the same
    tokens (``filter_groups``)."""
    tokens = [f"xs{section}"] if section else []
    tokens += [f"xp{pk}" for pk in persons] + [f"xt{pk}" for pk in topics]
    if published is not None:
        tokens.append(month_token(published))
    if language and language != UNTAGGED_LANGUAGE:
        tokens.append(language_token(language))
    return " ".join(tokens)


# English documents carry no edition token: they were indexed before editions existed, and a search in the
# English edition is not narrowed by one (other editions' matches of an English word are few). Every other
# edition's documents carry theirs (migration 0009 added it to those indexed before).
UNTAGGED_LANGUAGE = "en"


def language_token(language: str) -> str:
    """An edition's index token: "xl" and each letter's code ("ru" -> "xl114117"). Digits, like every token,
    so that no reader's word can match one (backends.sqlite._token_like)."""
    return "xl" + "".join(f"{ord(letter):03d}" for letter in language)


def token_language(token: str) -> str | None:
    """The language of an edition's index token ("xl114117" -> "ru"), or None for any other token."""
    digits = token[2:]
    if not token.startswith("xl") or not digits.isdigit() or len(digits) % 3:
        return None
    return "".join(chr(int(digits[i : i + 3])) for i in range(0, len(digits), 3))


def month_token(instant: dt.datetime) -> str:
    # UTC, not the site's zone: a token must not go stale when TIME_ZONE changes.
    return instant.astimezone(dt.UTC).strftime("xm%Y%m")


# A date range spanning more months than this is not worth matching in the index: it holds a large share of
# the archive, so walking the newest matches finds candidates soon anyway.
MAX_MONTH_TOKENS = 12


def filter_groups(
    *,
    section: int | None = None,
    persons: Iterable[int] = (),
    topics: Iterable[int] = (),
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
    language: str | None = None,
) -> tuple[tuple[str, ...], ...]:
    """A search filter as index tokens: every group must match one of its tokens. Always a superset of
    what the filter admits (the filter itself is still applied in SQL), so an engine may use or ignore it.
    ``since``/``before`` bound publish times; the months they touch (UTC) become one group. ``language``: an
    edition other than English is a group of its own (English documents carry no token)."""
    groups: list[tuple[str, ...]] = [(f"xs{section}",)] if section else []
    groups += [(f"xp{pk}",) for pk in persons] + [(f"xt{pk}",) for pk in topics]
    if since is not None and before is not None and since < before:
        months = _months_between(since.astimezone(dt.UTC), (before - dt.timedelta(microseconds=1)))
        if len(months) <= MAX_MONTH_TOKENS:
            groups.append(tuple(months))
    if language and language != UNTAGGED_LANGUAGE:
        groups.append((language_token(language),))
    return tuple(groups)


def _months_between(first: dt.datetime, last: dt.datetime) -> list[str]:
    year, month, end = first.year, first.month, month_token(last)
    tokens: list[str] = []
    while len(tokens) <= MAX_MONTH_TOKENS:
        tokens.append(f"xm{year:04d}{month:02d}")
        if tokens[-1] == end:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tokens


def articles_for_index(ids: Iterable[int]):
    return Article.objects.filter(pk__in=list(ids)).prefetch_related("persons", "topics").order_by("pk")


def spelling_words(document: SearchDocument) -> set[str]:
    text = " ".join((document.headline, document.lead, document.body, document.keywords))
    folded = fold(text)  # as queries are (ё read as е)
    if len(folded) == len(text):  # each character folded to one: the same words, found in one pass
        words = set(_SPELL_WORD.findall(folded))
    else:  # a letter that lower-cases to two ("İ"): each word folded on its own, as it always was
        words = {fold(word) for word in _SPELL_WORD.findall(text)}
    return words - set(ampersand_terms(text))  # never "did you mean atandt"
