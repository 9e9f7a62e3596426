"""The newsroom's audit log: ``audit_record`` (called by the services that publish, withdraw, correct and
restore) and the signals that log changes to people and roles however they are made.

Who did it: the ``by`` a service is given, else the newsroom user of the request being served (the ops
middleware makes it known here), else nobody (a command, the system).
"""

from __future__ import annotations

import contextvars
import logging

from django.db import transaction

from .logs import request_id

logger = logging.getLogger("newsdesk.audit")

# The request being served in the newsroom, for whoever records an action without being told who did it.
current_request: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "newsdesk_request", default=None
)


def _actor(by):
    if by is None:
        request = current_request.get()
        by = getattr(request, "user", None) if request is not None else None
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    return by


def audit_record(*, action: str, obj=None, object_type: str = "", object_id: str = "", object_repr: str = "",
                 detail: str = "", by=None) -> None:  # fmt: skip
    """Log one action, in the caller's transaction: it is kept exactly when the action is."""
    from .models import AuditEntry

    actor = _actor(by)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    entry = AuditEntry.objects.create(
        actor=actor, actor_name=actor.get_username() if actor else "", action=action,
        object_type=object_type, object_id=object_id, object_repr=object_repr[:300], detail=detail,
        request_id=request_id.get(),
    )  # fmt: skip
    transaction.on_commit(lambda: logger.info(
        "audit", extra={"action": action, "object": f"{object_type}:{object_id}",
                        "actor": entry.actor_name or "-"}
    ))  # fmt: skip


# People and roles ---------------------------------------------------------------------------------------------
def _user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        audit_record(action="user_create", obj=instance, object_repr=instance.get_username(),
                     detail="superuser" if instance.is_superuser else "")  # fmt: skip
    elif getattr(instance, "_audit_was_superuser", instance.is_superuser) != instance.is_superuser:
        audit_record(action="superuser", obj=instance, object_repr=instance.get_username(),
                     detail=f"superuser: {instance.is_superuser}")  # fmt: skip


def _user_loaded(sender, instance, **kwargs):
    instance._audit_was_superuser = instance.__dict__.get("is_superuser")


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    verb = {"post_add": "added to", "post_remove": "removed from", "pre_clear": "removed from"}[action]
    if not reverse:  # user.groups.add(...)
        ids = pk_set if action != "pre_clear" else set(instance.groups.values_list("pk", flat=True))
        names = sorted(Group.objects.filter(pk__in=ids).values_list("name", flat=True))
        if names:
            audit_record(action="roles", obj=instance, object_repr=instance.get_username(),
                         detail=f"{verb} {', '.join(names)}")  # fmt: skip
        return
    ids = pk_set if action != "pre_clear" else set(instance.user_set.values_list("pk", flat=True))
    for user in get_user_model().objects.filter(pk__in=ids or ()):
        audit_record(
            action="roles", obj=user, object_repr=user.get_username(), detail=f"{verb} {instance.name}"
        )


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse or action not in ("post_add", "post_remove"):
        return
    from django.contrib.auth.models import Permission

    if current_request.get() is None:
        return  # roles synced by migrate (newsroom/roles.py) follow the code: not a person's action
    perms = Permission.objects.filter(pk__in=pk_set).select_related("content_type")
    names = sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)
    verb = "granted" if action == "post_add" else "revoked"
    audit_record(action="group_permissions", obj=instance, detail=f"{verb} {', '.join(names)}")


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_init, post_save

    user = get_user_model()
    post_init.connect(_user_loaded, sender=user, dispatch_uid="newsdesk.audit.user_loaded")
    post_save.connect(_user_saved, sender=user, dispatch_uid="newsdesk.audit.user_saved")
    m2m_changed.connect(_groups_changed, sender=user.groups.through, dispatch_uid="newsdesk.audit.groups")
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="newsdesk.audit.group_permissions")  # fmt: skip


# Articles -----------------------------------------------------------------------------------------------------
STATUS_ACTIONS = {"published": "publish", "scheduled": "schedule", "withdrawn": "withdraw"}


def article_status_changed(*, article, old_status: str, by) -> None:
    """A person moved an article between statuses (news.services.article_save): publish, schedule, withdraw,
    or take it back from readers (unpublish). Ingest and scheduled releases (no person) are not newsroom acts."""
    if by is None or article.status == old_status:
        return
    action = STATUS_ACTIONS.get(article.status)
    if action is None:
        if old_status not in ("published", "scheduled"):
            return  # draft <-> review: the desk's own workflow, in the revisions
        action = "unpublish"
    audit_record(action=action, obj=article, object_repr=article.headline, detail=f"{old_status} -> {article.status}",
                 by=by)  # fmt: skip
