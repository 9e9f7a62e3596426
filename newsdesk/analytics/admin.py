"""Puts "Audience" on the newsroom's index page; the view itself is views.audience."""

from django.contrib import admin
from django.shortcuts import redirect

from .models import HourReads


@admin.register(HourReads)
class AudienceAdmin(admin.ModelAdmin):
    # Audience figures are for everyone in the newsroom; no one edits counters by hand.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

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
