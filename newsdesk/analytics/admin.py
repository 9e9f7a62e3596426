"""Puts "Audience" on the newsroom's index page; the view itself is views.audience."""

from django.contrib import admin
from django.shortcuts import redirect

from .models import HourReads
from .views import AUDIENCE_PERMISSION


@admin.register(HourReads)
class AudienceAdmin(admin.ModelAdmin):
    # Audience figures are for the roles given analytics.view_hourreads (Editor, Admin); no one edits counters.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(AUDIENCE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("analytics:audience")
