"""Subscriber tokens in the newsroom: made here, the key shown once, revoked by unticking 'active'."""

from django import forms
from django.contrib import admin, messages

from . import services
from .models import SubscriberToken


class SubscriberTokenForm(forms.ModelForm):
    rate_limit_per_minute = forms.IntegerField(
        min_value=1, max_value=1_000_000, initial=600, help_text="Requests per minute; more are answered 429."
    )

    class Meta:
        model = SubscriberToken
        fields = ["name", "rate_limit_per_minute", "is_active"]


@admin.register(SubscriberToken)
class SubscriberTokenAdmin(admin.ModelAdmin):
    form = SubscriberTokenForm
    list_display = ["name", "key_prefix", "rate_limit_per_minute", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix"]
    readonly_fields = ["key_prefix", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, raw_key = services.token_create(name=obj.name, rate_limit_per_minute=obj.rate_limit_per_minute)
        token.is_active = obj.is_active
        token.save(update_fields=["is_active"])
        obj.pk, obj.key_digest, obj.key_prefix, obj.created_at = (
            token.pk,
            token.key_digest,
            token.key_prefix,
            token.created_at,
        )
        obj._state.adding = False
        messages.warning(
            request, f"The key for {token.name} is {raw_key} — copy it now: it is stored only as a digest and "
            "can't be shown again.",
        )  # fmt: skip
