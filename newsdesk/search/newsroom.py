"""What the newsroom (Django admin) shows from search: the article list's search and Read also suggestions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from newsdesk.news.models import Article

from .selectors import newsroom_search, related_articles

SUGGESTIONS = 6


def article_list_search(*, queryset: QuerySet[Article], term: str) -> tuple[QuerySet[Article], bool]:
    """For ``ModelAdmin.get_search_results``: the same engine and query language as readers, over whatever
    the list shows (drafts included for those who may see them); exact public ids still match."""
    if not term.strip():
        return queryset, False
    return newsroom_search(queryset=queryset, q=term), False


def read_also_suggestions_html(article: Article) -> str:
    """The edit form's "Suggested Read also": what the pipeline chose for readers (stored, one query), and a
    link to look for close stories now (``read_also_candidates``: a search of the archive, too slow to make the
    form wait for it on every opening)."""
    if not article.pk:
        return "Suggestions appear once the article is saved."
    stored = [
        suggestion.target
        for suggestion in article.read_also_suggestions.filter(target__in=Article.objects.published())
        .select_related("target")
        .only("target__headline", "target__publish_at", "target__public_id", "article_id")
    ]
    find = format_html(
        '<p><a href="{}">Find close stories now</a> (a search of the whole archive).</p>',
        reverse("admin:news_article_read_also", args=[article.pk]),
    )
    if not stored:
        return format_html(
            "<p>No suggestions are stored for this article yet: they are chosen when it is published or "
            "corrected.</p>{}",
            find,
        )
    return format_html(
        "{}<p>When no link is chosen above, readers get the first three as “Read also”, as they stand when the "
        "article is published or corrected. Add one as a link by its id.</p>{}",
        suggestion_list_html(stored),
        find,
    )


def read_also_candidates(article: Article) -> list[Article]:
    """Close stories across the archive, now (the page behind "Find close stories now")."""
    return related_articles(article=article, limit=SUGGESTIONS)


def suggestion_list_html(items: list[Article]) -> str:
    rows = format_html_join(
        "",
        '<li><a href="{}">{}</a> <small>({}, id {})</small></li>',
        (
            (
                reverse("admin:news_article_change", args=[a.pk]),
                a.headline,
                f"{a.publish_at:%Y-%m-%d}",
                a.public_id,
            )
            for a in items
        ),
    )
    return format_html("<ul>{}</ul>", rows)
