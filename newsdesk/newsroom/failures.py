"""The newsroom's view of the publishing pipeline: effects that failed, for which article, and a retry.

The pipeline app keeps to its outbox and effects; this view of it is the newsroom's (it names articles)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from newsdesk.news.models import Article
from newsdesk.pipeline import selectors, services
from newsdesk.pipeline.effects import effect_label
from newsdesk.pipeline.models import EffectFailure


@admin.register(EffectFailure)
class EffectFailureAdmin(admin.ModelAdmin):
    list_display = ["effect_name", "article", "kind", "error_line", "attempts", "first_failed_at",
                    "last_failed_at", "next_try", "retry_button"]  # fmt: skip
    list_filter = ["effect"]
    readonly_fields = ("effect_name", "article", "kind", "error", "attempts", "first_failed_at",
                       "last_failed_at", "next_try")  # fmt: skip
    fields = readonly_fields
    actions = ["retry"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        headline = Article.objects.filter(pk=OuterRef("article_id")).values("headline")[:1]
        return selectors.failures().annotate(headline=Subquery(headline))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a failure goes when its effect succeeds, never by hand

    @admin.display(description="Effect", ordering="effect")
    def effect_name(self, obj):
        return effect_label(obj.effect)

    @admin.display(description="Article")
    def article(self, obj):
        url = reverse("admin:news_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.headline or f"article {obj.article_id} (deleted)")

    @admin.display(description="Change")
    def kind(self, obj):
        return obj.change.get_kind_display()

    @admin.display(description="Error")
    def error_line(self, obj):
        return obj.error.splitlines()[0][:200] if obj.error else ""

    @admin.display(description="Next try")
    def next_try(self, obj):
        return obj.change.run_after

    @admin.display(description="")
    def retry_button(self, obj):
        # Inside the change list's own form (which carries the CSRF token); ``formaction`` sends it here.
        url = reverse("admin:pipeline_effectfailure_retry", args=[obj.pk])
        return format_html('<button type="submit" class="button" formaction="{}">Retry now</button>', url)

    @admin.action(description="Retry now", permissions=["change"])
    def retry(self, request, queryset):
        count = services.failures_retry(failure_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _retried(count), messages.SUCCESS)

    def get_urls(self):
        retry = path(
            "<int:pk>/retry/",
            self.admin_site.admin_view(self.retry_view),
            name="pipeline_effectfailure_retry",
        )
        return [retry, *super().get_urls()]

    def retry_view(self, request, pk: int):
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        failure = get_object_or_404(EffectFailure, pk=pk)
        count = services.failures_retry(failure_ids=[failure.pk])
        self.message_user(request, _retried(count), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:pipeline_effectfailure_changelist"))


def _retried(count: int) -> str:
    return (
        f"{count} change(s) queued again; the worker retries them now. A failure that stays here failed again "
        "(see its error)."
    )
