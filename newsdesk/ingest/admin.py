"""Wire ingest in the newsroom: sources and their routing, what arrived, and the quarantine with retry."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from newsdesk.worker.jobs import enqueue_on_commit

from . import services
from .forms import IngestSourceForm
from .models import IngestedItem, IngestLog, IngestSource
from .tasks import source_poll_job


@admin.register(IngestSource)
class IngestSourceAdmin(admin.ModelAdmin):
    form = IngestSourceForm
    list_display = ["name", "kind", "location", "mode", "default_section", "default_status", "enabled",
                    "last_polled_at", "last_result"]  # fmt: skip
    list_filter = ["kind", "enabled"]
    list_select_related = ["default_section"]
    search_fields = ["name", "location"]
    readonly_fields = ["last_polled_at", "last_result", "next_poll_at", "etag", "last_modified"]
    actions = ["poll_now"]

    @admin.action(description="Poll now (in the background)")
    def poll_now(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            enqueue_on_commit(source_poll_job, pk, True)
        self.message_user(request, f"{queryset.count()} source(s) queued; results show in “last result”.")


@admin.register(IngestLog)
class IngestLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "last_seen_at", "count", "status", "source", "origin", "ref", "reason"]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    search_fields = ["ref", "origin", "reason"]
    # The excerpt, not the item: a page never holds more than 4 KB of what a provider sent.
    readonly_fields = ["source", "origin", "ref", "reason", "excerpt", "size", "digest", "count", "status",
                       "created_at", "last_seen_at", "resolved_at"]  # fmt: skip
    exclude = ["item"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("item")  # up to an item's size a row; never shown here

    actions = ["retry", "dismiss"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry with the source's routing as it is now")
    def retry(self, request, queryset):
        outcomes = []
        for pk in queryset.values_list("pk", flat=True):
            try:
                outcomes.append(services.quarantine_retry(entry_id=pk))
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.WARNING)
        refused = outcomes.count("rejected")
        level = messages.WARNING if refused else messages.SUCCESS
        self.message_user(
            request, f"{len(outcomes) - refused} imported, {refused} still refused (see reason).", level
        )

    @admin.action(description="Dismiss (keep in the log, stop offering retry)")
    def dismiss(self, request, queryset):
        count = queryset.filter(status=IngestLog.Status.QUARANTINED).update(
            status=IngestLog.Status.DISMISSED, resolved_at=timezone.now()
        )
        self.message_user(request, f"{count} entries dismissed.")


@admin.register(IngestedItem)
class IngestedItemAdmin(admin.ModelAdmin):
    list_display = ["guid", "version", "source", "article_link", "duplicate_of", "received_at", "updated_at"]
    list_filter = ["source"]
    list_select_related = ["source", "article", "duplicate_of"]
    search_fields = ["guid"]
    readonly_fields = [f.name for f in IngestedItem._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Article")
    def article_link(self, obj):
        if not obj.article_id:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:news_article_change", args=[obj.article_id]), obj.article
        )
