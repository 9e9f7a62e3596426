"""The newsroom's audit log: read-only, filtered by action, person and date, exported as CSV (the filtered list,
or the selected entries). Seen by those with ops.view_auditentry (the Admin role), exported with
ops.export_auditentry."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from . import selectors
from .models import AuditEntry


def _csv_response(entries) -> StreamingHttpResponse:
    name = f"audit-log-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(selectors.audit_csv_lines(entries.iterator(chunk_size=1000)),
                                     content_type="text/csv; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_repr", "detail"]
    list_filter = ["action", "at", "object_type", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_repr", "actor_name", "detail", "object_id", "request_id"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor", "actor_name", "action", "object_type", "object_id", "object_repr",
                       "detail", "request_id"]  # fmt: skip
    fields = list(readonly_fields)
    actions = ["export_selected"]
    list_per_page = 100
    show_full_result_count = False
    change_list_template = "admin/ops/auditentry/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the log is kept whole

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("ops.export_auditentry")

    def get_urls(self):
        own = [path("export/", self.admin_site.admin_view(self.export_view), name="ops_auditentry_export")]
        return own + super().get_urls()

    def export_view(self, request):
        """The list as filtered on screen, all of it, as CSV."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return _csv_response(changelist.get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        extra = {"can_export": self.has_export_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    @admin.action(description="Export selected entries as CSV", permissions=["export"])
    def export_selected(self, request, queryset):
        return _csv_response(queryset)
