"""Least-privilege newsroom roles as Django groups. The permission lists are the contract; tests read them."""

REPORTER = "Reporter"
EDITOR = "Editor"
ADMIN = "Admin"

_CONTENT = ["person", "topic", "photo", "readalso", "othermedialink"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    REPORTER: [
        "news.view_article", "news.add_article", "news.change_article",
        "news.view_section", "news.view_revision", "news.view_correction",
        "news.view_person", "news.view_topic", "news.add_person", "news.add_topic",
        "news.view_photo", "news.add_photo",
        "news.view_readalso", "news.add_readalso", "news.change_readalso", "news.delete_readalso",
        "news.view_othermedialink", "news.add_othermedialink", "news.change_othermedialink",
        "news.delete_othermedialink",
    ],
    EDITOR: [
        "news.publish_article", "news.withdraw_article", "news.order_top_stories",
        "news.add_correction", "news.change_correction",
        *[f"news.{action}_{model}" for model in [*_CONTENT, "article", "gallery", "galleryphoto", "infographic"]
          for action in ("view", "add", "change")],
        "news.delete_readalso", "news.delete_othermedialink", "news.delete_galleryphoto",
        "news.view_section", "news.view_revision", "news.view_correction",
    ],
    ADMIN: [],  # filled below: editors' rights plus users and sections
}  # fmt: skip
# The wire, audience and widget apps: editors watch ingest and the audience; admins configure the rest.
ROLE_PERMISSIONS[EDITOR] += [
    "ingest.view_ingestsource", "ingest.view_ingestlog", "ingest.change_ingestlog", "ingest.view_ingesteditem",
    "pipeline.view_effectfailure", "pipeline.change_effectfailure",  # failed effects of a publish, and retry
    "analytics.view_hourreads",
]  # fmt: skip
ROLE_PERMISSIONS[ADMIN] = [
    *ROLE_PERMISSIONS[EDITOR],
    *[f"ingest.{a}_ingestsource" for a in ("add", "change", "delete")],
    *[f"syndication.{a}_subscribertoken" for a in ("view", "add", "change", "delete")],
    *[f"weather.{a}_city" for a in ("view", "add", "change", "delete")],
    "weather.view_reading",
    "markets.view_rate",
    *[f"news.{a}_section" for a in ("add", "change", "delete")],
    *[f"auth.{a}_{m}" for m in ("user", "group") for a in ("view", "add", "change", "delete")],
    # Login throttling (newsroom/login.py): see failed and successful log-ins; delete an attempt to unlock.
    "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog",
    "ops.view_auditentry", "ops.export_auditentry",  # the audit log of newsroom actions: browse, export CSV
]  # fmt: skip


def sync_roles() -> None:
    """Create or update the role groups to exactly ROLE_PERMISSIONS (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in dict.fromkeys(perms):
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def staff_follows_roles(user) -> bool:
    """Make "Staff status" (Django's right to sign in to the admin) follow the roles: a person in any role group
    can sign in to the newsroom; a person in none cannot — except a superuser, whose status is left as it is.
    Every group here is a newsroom role (the three above, or one an Admin made within their own rights).

    Called wherever groups change (the user admin, and ``groups_changed`` for every other path); returns the
    status it settled on. Without it, putting someone in Reporter was not enough to let them sign in."""
    if user.groups.exists():
        staff = True
    elif user.is_superuser:
        return user.is_staff
    else:
        staff = False
    # Against the stored row, not this object's copy: another copy of the same person may have changed it.
    type(user).objects.filter(pk=user.pk).exclude(is_staff=staff).update(is_staff=staff)
    user.is_staff = staff
    return staff


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed on User.groups: someone added to or removed from a group, from either side."""
    from django.contrib.auth import get_user_model

    if reverse and action == "pre_clear":  # group.user_set.clear(): who is in it, before they are not
        instance._members_before_clear = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # user.groups.add(...) and the like
        staff_follows_roles(instance)
        return
    ids = pk_set if action != "post_clear" else getattr(instance, "_members_before_clear", [])
    for user in get_user_model().objects.filter(pk__in=ids):
        staff_follows_roles(user)
