from django.contrib import admin

from .models import Rate


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["date", "provider", "currency", "units", "price", "fetched_at"]
    list_filter = ["provider", "currency"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False  # rates come from the providers only (fetch_rates)

    def has_change_permission(self, request, obj=None):
        return False
