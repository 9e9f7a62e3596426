"""Users and groups in the newsroom: nobody grants more than they hold.

Django's own user admin lets anyone with "change user" tick "superuser status", edit a superuser's password
or put anyone in any group, so an Admin-role account could make itself (or a friend) all-powerful. Here only
superusers set superuser status or direct permissions, and everyone else may edit only accounts and groups
whose rights are within their own, granting only groups (and group permissions) within their own.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q

from .roles import staff_follows_roles

SUPERUSER_ONLY_FIELDS = ["is_superuser", "user_permissions"]
# Staff status follows the roles (roles.staff_follows_roles): shown, never ticked by hand.
ROLE_FOLLOWING_FIELDS = ["is_staff"]
ROLES_HELP = (
    "The person's newsroom roles. Anyone with a role can sign in to the newsroom (Staff status follows the roles); "
    "with no role left, they cannot, unless they are a superuser."
)


def rights(user) -> set[int]:
    """The ids of every permission a user holds through groups or directly, whether or not the account is
    active (an inactive account's rights come back the moment it is reactivated)."""
    return set(
        Permission.objects.filter(Q(group__user=user) | Q(user=user)).values_list("pk", flat=True).distinct()
    )


def within_rights(actor, target) -> bool:
    if actor.is_superuser:
        return True
    return not target.is_superuser and rights(target) <= rights(actor)


def grantable_groups(actor):
    """The groups an actor may hand out: those with no permission the actor lacks."""
    if actor.is_superuser:
        return Group.objects.all()
    return Group.objects.exclude(permissions__in=Permission.objects.exclude(pk__in=rights(actor)))


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj)) + ROLE_FOLLOWING_FIELDS
        if not request.user.is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and request is not None:
            kwargs["queryset"] = grantable_groups(request.user)
            kwargs["help_text"] = ROLES_HELP
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Also when no group changed: a superuser who is no longer one, with no role, can no longer sign in.
        staff_follows_roles(form.instance)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or within_rights(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or within_rights(request.user, obj)


@admin.register(Group)
class NewsroomGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions" and request is not None and not request.user.is_superuser:
            kwargs["queryset"] = Permission.objects.filter(pk__in=rights(request.user))
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def _within_rights(self, request, group) -> bool:
        if request.user.is_superuser:
            return True
        return set(group.permissions.values_list("pk", flat=True)) <= rights(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._within_rights(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._within_rights(request, obj)
