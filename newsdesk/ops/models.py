"""What operations keep in the database: the newsroom's audit log and the worker's heartbeats. Data only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One newsroom action: who did what to which object, when. Written by the services that do the action
    (news/services.py) and by signals on people and roles (audit.py); never edited."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNPUBLISH = "unpublish", "Unpublished"
        WITHDRAW = "withdraw", "Withdrawn"
        CORRECT = "correct", "Corrected"
        RESTORE = "restore", "Revision restored"
        USER_CREATE = "user_create", "User created"
        ROLES = "roles", "Roles changed"
        GROUP_PERMISSIONS = "group_permissions", "Role permissions changed"
        SUPERUSER = "superuser", "Superuser status changed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Kept when the person is deleted: the log outlives accounts (their name is kept beside it).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")  # fmt: skip
    actor_name = models.CharField(max_length=150, blank=True, help_text="Empty: a command or the system.")
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    detail = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        permissions = [("export_auditentry", "Can export the audit log")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.get_action_display()} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """A running `newsdesk worker` says it is alive every NEWSDESK_WORKER_HEARTBEAT_SECONDS (heartbeat.py);
    /readyz reads the newest beat."""

    worker = models.CharField(max_length=200, primary_key=True, help_text="host:pid")
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%H:%M:%S}"
