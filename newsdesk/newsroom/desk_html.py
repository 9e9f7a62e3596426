"""The desk's queues as HTML, written here rather than by a template: the desk shows up to 175 items, each with
six addresses and a few forms, and the template language took most of the page's time for them (about 100 ms
of 150 at 100,000 articles: a tag's lookups per variable, a ``reverse()`` per address). Addresses come from one
``reverse()`` per kind and process; every value goes through ``escape``/``format_html``.
"""

from __future__ import annotations

import functools

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .selectors import DeskItem, Queue

_PK = 987654321987  # a placeholder id, replaced in the reversed address
PUBLISHABLE = {"wire", "review", "drafts", "scheduled"}
SPIKEABLE = {"wire", "review", "drafts", "spiked"}


@functools.cache
def _address(name: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_PK]).partition(str(_PK))
    return head, tail


def address(name: str, pk: int) -> str:
    head, tail = _address(name)
    return f"{head}{pk}{tail}"


def _when(value, *, day: bool = True) -> str:
    local = timezone.localtime(value)
    return f"{local:%H:%M}, {local.day} {local:%b}" if day else f"{local:%H:%M}"


@functools.cache
def _base(name: str) -> str:
    return reverse(name)


class Renderer:
    """Writes the queues for one request: the viewer's rights, the section filter and the CSRF token fixed."""

    def __init__(
        self, *, csrf_token: str, section_slug: str, can_publish: bool, can_change: bool, can_add: bool
    ):
        self.csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
        if section_slug:
            self.csrf += format_html('<input type="hidden" name="desk_section" value="{}">', section_slug)
        self.section_query = f"?section={escape(section_slug)}" if section_slug else ""
        self.can_publish, self.can_change, self.can_add = can_publish, can_change, can_add

    def queue(self, queue: Queue) -> SafeString:
        if not queue.items:
            return format_html('<p class="desk-empty">{}</p>', queue.empty)
        items = "".join(self.item(queue.key, item) for item in queue.items)
        return mark_safe(f'<ol class="desk-list">{items}</ol>')  # noqa: S308 - each item is escaped below

    def item(self, key: str, item: DeskItem) -> str:
        a = item.article
        hid = f"desk-h-{key}-{a.pk}"
        described = f'aria-describedby="{hid}"'
        urgency = item.urgency
        head = (
            format_html(
                '<strong class="desk-urgency desk-urgency--{}">{}</strong> ', urgency.lower(), urgency
            )
            if urgency
            else ""
        )
        edit = address("admin:news_article_change", a.pk)
        parts = [
            f'<li class="desk-item{" desk-item--urgent" if urgency else ""}" data-desk-item="{a.pk}" '
            f'tabindex="-1" aria-labelledby="{hid}">',
            f'<p class="desk-item__head">{head}<a id="{hid}" href="{edit}" data-desk-action="edit">'
            f"{escape(a.headline)}</a></p>",
            f'<p class="desk-item__meta">{self.meta(key, item)}</p>',
            '<div class="desk-item__actions">',
            f'<a href="{address("admin:news_article_preview", a.pk)}" data-desk-action="preview" {described}>'
            "Preview</a>",
        ]
        if key in PUBLISHABLE and self.can_publish and not a.spiked_at:
            if item.embargoed:
                button = (
                    '<input type="hidden" name="at" value="embargo"><button type="submit" class="button" '
                    f'data-desk-action="publish" {described}>Schedule for {_when(a.embargoed_until, day=False)}'
                    "</button>"
                )
            else:
                label = "Publish now" if key == "scheduled" else "Publish"
                button = (
                    f'<button type="submit" class="button default" data-desk-action="publish" {described}>'
                    f"{label}</button>"
                )
            parts.append(self._form("newsroom:desk_publish", a.pk, button))
        if key == "wire" and self.can_add:
            button = f'<button type="submit" class="button" data-desk-action="rewrite" {described}>Rewrite</button>'
            parts.append(self._form("newsroom:desk_rewrite", a.pk, button))
        if key in SPIKEABLE and self.can_change:
            undo = '<input type="hidden" name="undo" value="1">' if key == "spiked" else ""
            label = "Unspike" if key == "spiked" else "Spike"
            button = f'{undo}<button type="submit" class="button" data-desk-action="spike" {described}>{label}</button>'
            parts.append(self._form("newsroom:desk_spike", a.pk, button))
        if key == "published" and self.can_publish:
            take = address("newsroom:desk_take", a.pk) + self.section_query
            parts.append(f'<a href="{take}" data-desk-action="take" {described}>Add take</a>')
            parts.append(f'<a href="{address("admin:news_article_correct", a.pk)}" {described}>Correct</a>')
        if key in ("published", "corrections") and a.status in ("published", "scheduled"):
            parts.append(f'<a href="{escape(a.get_absolute_url())}" {described}>Public page</a>')
        parts.append("</div></li>")
        return "".join(parts)

    def _form(self, name: str, pk: int, button: str) -> str:
        return f'<form method="post" action="{address(name, pk)}">{self.csrf}{button}</form>'

    def meta(self, key: str, item: DeskItem) -> str:
        a = item.article
        if key == "corrections":
            entry = item.correction
            assert entry is not None  # every item of the corrections queue is one (selectors.desk_queues)
            kind = "Withdrawn" if item.withdrawal else entry.get_kind_display()
            note = entry.note if len(entry.note) <= 200 else entry.note[:200] + "…"
            return format_html(
                '<span class="desk-kind">{}</span> {}: {}', kind, _when(entry.created_at), note
            )
        bits: list[str] = [escape(a.section.name)]
        if key == "scheduled":
            bits.append(f'<span class="desk-time">at {_when(a.publish_at)}</span>')
        elif key == "published":
            bits.append(f'<span class="desk-time">{_when(a.publish_at, day=False)}</span>')
            if a.version > 1:
                bits.append(f"version {a.version}")
        else:
            bits.append(f'<span class="desk-time">{_when(a.created_at)}</span>')
        origin = item.origin
        if origin is not None:
            guid = origin.guid if len(origin.guid) <= 60 else origin.guid[:59] + "…"
            rewritten = "rewritten from " if origin.rewritten_from_id else ""
            bits.append(
                format_html(
                    '<span class="desk-origin">{}{}, {}, version {}</span>',
                    rewritten,
                    origin.source or "wire",
                    guid,
                    origin.version,
                )
            )
        if item.embargoed:
            bits.append(f'<strong class="desk-embargo">Embargoed until {_when(a.embargoed_until)}</strong>')
        if item.lock is not None and not item.lock.mine:
            bits.append(format_html('<span class="edit-lock-note">{}</span>', item.lock.label))
        return " · ".join(bits)
