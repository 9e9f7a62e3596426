"""Run as a process of its own on an empty database (tests/ops/test_upgrade.py): build the previous release's
schema from the migration graph, fill it with the models of that schema, migrate to this code's, and check.

The previous release: every app at the migration before its latest (an app with one migration keeps it; a
dependency of another app's target may bring an app further, as it would have in that release too).
"""

import datetime as dt
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

OURS = {config.label for config in apps.get_app_configs() if config.name.startswith("newsdesk.")}
STORIES = [
    ("Moscow concerned over no breakthrough in US administration's relations with Russia", "published"),
    ("Kamaz to supply at least 1,000 trucks to Philippines by 2020", "published"),
    ("Hurricane death toll rises to 14 in Moscow, Moscow Region", "draft"),
]


def previous_release(executor: MigrationExecutor) -> list[tuple[str, str]]:
    graph = executor.loader.graph
    wanted = []
    for app, name in sorted(graph.leaf_nodes()):
        parents = [parent for parent in graph.node_map[(app, name)].parents if parent.key[0] == app]
        ours = app in OURS
        wanted.append(parents[0].key if parents and ours else (app, name))
    # What those need: a target below what another one depends on moves up to it (as in that release).
    needed = set()
    for target in wanted:
        needed |= set(graph.forwards_plan(target))
    targets = []
    for app in sorted({app for app, _ in needed}):
        mine = [node for node in needed if node[0] == app]
        targets.append(max(mine, key=lambda node: len(graph.forwards_plan(node))))
    return targets


def _pending():
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def main() -> None:
    executor = MigrationExecutor(connection)
    targets = previous_release(executor)
    state = executor.migrate(targets)
    old = state.apps
    Section, Article = old.get_model("news", "Section"), old.get_model("news", "Article")
    Person, Revision = old.get_model("news", "Person"), old.get_model("news", "Revision")
    User = old.get_model("auth", "User")
    editor = User.objects.create(username="irina", is_staff=True, password="!")
    section = Section.objects.get(slug="politics")
    person = Person.objects.create(name="Sergey Ryabkov", slug="sergey-ryabkov")
    when = dt.datetime(2017, 5, 30, 9, 15, tzinfo=dt.UTC)
    written = []
    for n, (headline, status) in enumerate(STORIES):
        article = Article.objects.create(
            headline=headline, slug=f"story-{n}", guid=f"urn:newsdesk:upgrade:{n}", lead="The lead.",
            body=f"<p>{headline}. Officials said the talks would go on.</p>", section=section, status=status,
            publish_at=when if status == "published" else None,
            first_published_at=when if status == "published" else None, created_by=editor,
        )  # fmt: skip
        article.persons.add(person)
        Revision.objects.create(article=article, created_by=editor, changed_fields=["created"], snapshot={})
        written.append(
            {"id": article.pk, "public_id": article.public_id, "headline": headline, "status": status}
        )

    executor = MigrationExecutor(connection)  # the graph as this code has it, read again
    executor.migrate(executor.loader.graph.leaf_nodes())

    from newsdesk.news.models import Article as Current
    from newsdesk.news.models import Revision as CurrentRevision

    after = [
        {"id": a.pk, "public_id": a.public_id, "headline": a.headline, "status": a.status}
        for a in Current.objects.order_by("id")
    ]
    checks = {
        "before": [f"{app}.{name}" for app, name in targets],
        "same": after == written,
        "persons": sorted({p.slug for a in Current.objects.all() for p in a.persons.all()}),
        "revisions": CurrentRevision.objects.count(),
        "published": Current.objects.published().count(),
        "pending": [str(migration) for migration, _ in _pending()],
    }
    print(json.dumps(checks))


if __name__ == "__main__":
    sys.exit(main())
