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
    if not article.pk:
        return "Suggestions appear once the article is saved."
    items = related_articles(article=article, limit=SUGGESTIONS)
    if not items:
        return "No published article is close to this one yet."
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
    return format_html(
        "<ul>{}</ul><p>When no link is chosen above, readers get the first three as “Read also”, as they "
        "stand when the article is published or corrected. Add one as a link by its id.</p>",
        rows,
    )
