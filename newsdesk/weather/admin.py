from django.contrib import admin

from . import services
from .models import City, Reading


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "latitude", "longitude", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.weather_snapshot_store()  # the header reads the snapshot, so edits show at once

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.weather_snapshot_store()


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["city", "temperature", "condition", "provider", "observed_at", "fetched_at"]
    list_select_related = ["city"]

    def has_add_permission(self, request):
        return False  # readings come from the fetch job only

    def has_change_permission(self, request, obj=None):
        return False
