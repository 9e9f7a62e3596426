"""Building the newsroom's change-form POSTs (articles, users) exactly as the browser sends them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from newsdesk.news.models import Article, Revision
from newsdesk.news.services import edit_base

INLINES = ("read_also", "other_media", "corrections")


def add_url() -> str:
    return reverse("admin:news_article_add")


def change_url(article: Article) -> str:
    return reverse("admin:news_article_change", args=[article.pk])


def article_form_data(article: Article | None = None, **overrides) -> dict:
    """The fields of the change form, from an article (or a fresh seed-like story), then ``overrides``."""
    if article is None:
        data = {
            "headline": "Moscow concerned over no breakthrough in US administration's relations with Russia",
            "slug": "moscow-concerned-over-no-breakthrough",
            "lead": "Deputy Foreign Minister Sergey Ryabkov noted bilateral relations hit their lowest point",
            "body": "<p>Moscow is concerned as no serious breakthrough has been seen in relations.</p>",
            "section": "",
            "lead_photo": "",
            "dateline_place": "PSKOV",
            "dateline_date": "2017-05-30",
            "dateline_source": "TASS",
            "byline": "",
            "language": "en",
            "status": "draft",
            "publish_at_0": "",
            "publish_at_1": "",
            "urgency": "5",
            "top_story_rank": "",
            "persons": [],
            "topics": [],
            "read_also_after": "2",
        }
    else:
        local = timezone.localtime(article.publish_at) if article.publish_at else None
        data = {
            "headline": article.headline,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "section": str(article.section_id),
            "lead_photo": str(article.lead_photo_id or ""),
            "dateline_place": article.dateline_place,
            "dateline_date": article.dateline_date.isoformat() if article.dateline_date else "",
            "dateline_source": article.dateline_source,
            "byline": article.byline,
            "language": article.language,
            "translation_of": str(article.translation_of_id or ""),
            "status": article.status,
            "publish_at_0": f"{local:%Y-%m-%d}" if local else "",
            "publish_at_1": f"{local:%H:%M:%S.%f}" if local else "",
            "urgency": str(article.urgency),
            "top_story_rank": str(article.top_story_rank or ""),
            "persons": [str(pk) for pk in article.persons.values_list("pk", flat=True)],
            "topics": [str(pk) for pk in article.topics.values_list("pk", flat=True)],
            "read_also_after": str(article.read_also_after),
            # The version the form was loaded from, as the newsroom puts it in the form: the article as it is
            # stored now (a test that wants a stale form passes its own).
            "edit_base": str(edit_base(article_id=article.pk)),
        }
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def counts() -> tuple[int, int]:
    return Article.objects.count(), Revision.objects.count()


def user_form(user, **overrides) -> dict:
    """The user change form as the browser sends it (Staff status is shown, not sent: it is read-only)."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
    }
    return data | overrides
