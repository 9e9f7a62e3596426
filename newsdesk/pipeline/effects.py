"""The effects a change has, registered by the apps that own them (in their ``AppConfig.ready()``).

An effect takes a batch of changes and does its work for all of them at once (one index write, one purge, one
live write). It must be idempotent: after a crash it runs again for changes it may already have handled. It
returns ``{change id: when}`` for changes it could not finish yet (a debounce), or nothing; it raises when it
failed, and the pipeline then finds out for which changes by running it for them one by one.

Per-article functions appended to ``after_publish_hooks`` are effects too: each runs in
the pipeline for every changed article, with the same retries and the same newsroom list when it fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .models import Change

Deferred = dict[int, dt.datetime]


@dataclass(frozen=True)
class Effect:
    name: str  # stable: stored in the outbox and in failures
    label: str  # what the newsroom calls it
    run: Callable[[list[Change]], object]  # Deferred, or anything else (a count, None): nothing deferred
    applies: Callable[[Change], bool] = field(default=lambda change: True)
    order: int = 50  # lower runs first: the search index before Read also, which reads it


_registry: dict[str, Effect] = {}
# Per-article functions run after a change commits, with the article id, each as an effect of its own (in the
# worker, retried when it fails); an app with work that is cheaper for many articles at once registers a batch
# effect instead.
after_publish_hooks: list[Callable[[int], object]] = []


def register(effect: Effect) -> None:
    """Add (or replace, by name) an effect; apps call this from ``ready()``."""
    _registry[effect.name] = effect


def unregister(name: str) -> None:
    _registry.pop(name, None)


def all_effects() -> list[Effect]:
    """The registered effects and the news app's per-article hooks, in running order."""
    hooks = [_per_article(hook) for hook in after_publish_hooks]
    return sorted([*_registry.values(), *hooks], key=lambda effect: effect.order)


def effect_label(name: str) -> str:
    found = next((effect for effect in all_effects() if effect.name == name), None)
    return found.label if found else name


def article_ids(changes: Iterable[Change]) -> list[int]:
    """The batch's articles, each once, in the order of their first change."""
    return list(dict.fromkeys(change.article_id for change in changes))


def _per_article(hook: Callable[[int], object]) -> Effect:
    name = f"{hook.__module__}.{hook.__qualname__}"
    doc = (hook.__doc__ or "").strip().splitlines()

    def run(changes: list[Change]) -> None:
        for article_id in article_ids(changes):
            hook(article_id)

    return Effect(name=name, label=doc[0] if doc else name, run=run, order=90)
