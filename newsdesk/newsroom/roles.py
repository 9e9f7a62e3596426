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
