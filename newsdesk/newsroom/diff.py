"""What changed between two versions of an article, as an editor reads it: each changed field by its label, its
text as readers see it (the body's paragraphs, not its HTML), and a word-level diff of the two.

Versions are snapshots (news.services.snapshot: the revisions' format), so a revision, the stored article and a
form not saved yet compare the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.news.models import Article, Person, Photo, Section, Topic

# Snapshot keys in the order the form shows them, with the names editors know them by.
LABELS = {
    "headline": "Headline",
    "slug": "Address (slug)",
    "lead": "Lead",
    "body": "Body",
    "section_id": "Section",
    "lead_photo_id": "Lead photo",
    "dateline_place": "Dateline place",
    "dateline_date": "Dateline date",
    "dateline_source": "Dateline source",
    "byline": "Byline",
    "language": "Language",
    "translation_of_id": "Translation of",
    "status": "Status",
    "publish_at": "Publish time",
    "embargoed_until": "Embargoed until",
    "urgency": "Urgency",
    "top_story_rank": "Top story rank",
    "persons": "Persons",
    "topics": "Topics",
    "read_also_after": "Read also after paragraph",
}
# The form field a snapshot key comes from, where the two differ.
FORM_FIELDS = {"section_id": "section", "lead_photo_id": "lead_photo", "translation_of_id": "translation_of"}
# Text a reader reads: diffed word by word. The rest are values, shown whole.
PROSE = {"headline", "lead", "body"}


def form_field(key: str) -> str:
    return FORM_FIELDS.get(key, key)


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def labels(keys) -> list[str]:
    """Revision.changed_fields as editors say them ("Section", not "section_id")."""
    return [label(key) if key != "created" else "Created" for key in keys]


def digest(snapshot: dict) -> str:
    """A short fingerprint of each field of a snapshot, in LABELS order: what a form carries of the version it
    was loaded from, so that after a conflict the newsroom knows which fields this editor changed and which the
    other did — for any article, even one whose first revision is the other person's save."""
    return ".".join(_fingerprint(snapshot.get(key)) for key in LABELS)


def digest_fields(text: str) -> dict[str, str] | None:
    """The fingerprints back by field, or None when the text is not a digest (missing, tampered)."""
    parts = (text or "").split(".")
    if len(parts) != len(LABELS) or not all(re.fullmatch(r"[0-9a-f]{8}", part) for part in parts):
        return None
    return dict(zip(LABELS, parts, strict=True))


def _fingerprint(value) -> str:
    encoded = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.blake2s(encoded, digest_size=4).hexdigest()


def changed_by(base: dict[str, str], snapshot: dict) -> set[str]:
    """The fields of ``snapshot`` that differ from the version ``base`` fingerprints."""
    return {key for key, print_ in base.items() if _fingerprint(snapshot.get(key)) != print_}


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    old: SafeString  # the older (or the other person's) version, removed words marked <del>
    new: SafeString  # the newer (or this person's) version, added words marked <ins>


def compare(old: dict, new: dict, *, keys=None) -> list[FieldDiff]:
    """The fields that differ between two snapshots, in the form's order, each as two rendered texts."""
    wanted = [key for key in LABELS if (keys is None or key in keys) and old.get(key) != new.get(key)]
    names = _Names.of([old, new], wanted)
    rows = []
    for key in wanted:
        before, after = names.text(key, old.get(key)), names.text(key, new.get(key))
        if before == after:  # e.g. the same instant written in two ways
            continue
        old_html, new_html = word_diff(before, after)
        rows.append(FieldDiff(key=key, label=label(key), old=old_html, new=new_html))
    return rows


# --- values as text ------------------------------------------------------------------------------------------


class _Names:
    """The names behind the ids of two snapshots, each kind read in one query."""

    def __init__(self):
        self.sections: dict[int, str] = {}
        self.photos: dict[int, str] = {}
        self.persons: dict[int, str] = {}
        self.topics: dict[int, str] = {}

    @classmethod
    def of(cls, snapshots: list[dict], keys: list[str]) -> _Names:
        names = cls()

        def ids(key):
            found = set()
            for snap in snapshots:
                value = snap.get(key)
                found.update(value if isinstance(value, list) else [value] if value else [])
            return found

        if "section_id" in keys:
            names.sections = dict(Section.objects.filter(pk__in=ids("section_id")).values_list("pk", "name"))
        if "lead_photo_id" in keys:
            names.photos = dict(
                Photo.objects.filter(pk__in=ids("lead_photo_id")).values_list("pk", "caption")
            )
        if "persons" in keys:
            names.persons = dict(Person.objects.filter(pk__in=ids("persons")).values_list("pk", "name"))
        if "topics" in keys:
            names.topics = dict(Topic.objects.filter(pk__in=ids("topics")).values_list("pk", "name"))
        return names

    def text(self, key: str, value) -> str:
        if value in (None, "", []):
            return ""
        if key == "body":
            return body_text(value)
        if key == "section_id":
            return self.sections.get(value, "(a section since deleted)")
        if key == "lead_photo_id":
            return self.photos.get(value, "(a photo since deleted)")
        if key in ("persons", "topics"):
            known = self.persons if key == "persons" else self.topics
            return "\n".join(sorted(known.get(pk, "(since deleted)") for pk in value))
        if key == "status":
            return Article.Status(value).label if value in Article.Status.values else str(value)
        if key in ("publish_at", "embargoed_until"):
            return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M:%S}"
        return str(value)


class _Text(HTMLParser):
    """Sanitized article HTML as the text a reader reads: one line per paragraph, heading, quote or list item;
    images, embeds and page breaks named in brackets."""

    BLOCKS = frozenset("p h2 h3 h4 blockquote li figcaption tr caption ul ol table figure".split())

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []

    def _end_line(self):
        text = re.sub(r"\s+", " ", "".join(self.line)).strip()
        if text:
            self.lines.append(text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self._end_line()
            if tag == "li":
                self.line.append("• ")
        elif tag == "br":
            self._end_line()
        elif tag == "hr":
            self._end_line()
            self.lines.append("[Page break]" if "page-break" in (attrs.get("class") or "") else "[Rule]")
        elif tag == "img":
            self.line.append(f" [Image: {attrs.get('alt') or 'no description'}] ")
        elif tag == "iframe":
            self.line.append(f" [Embed: {attrs.get('title') or attrs.get('src') or ''}] ")
        elif tag in ("td", "th"):
            self.line.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._end_line()

    def handle_data(self, data):
        self.line.append(data)

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines)


def body_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


# --- the diff ------------------------------------------------------------------------------------------------

_TOKENS = re.compile(r"\n|[^\s]+")
# Screen readers do not announce <del> and <ins>: the change is said in words, hidden from sight.
SAID = {"del": "removed:", "ins": "added:"}


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Two texts as HTML paragraphs, words only in the old one inside <del>, words only in the new one inside
    <ins> (changed words are both: the old ones deleted, the new ones inserted)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_parts.extend((word, op != "equal") for word in a[i1:i2])
        new_parts.extend((word, op != "equal") for word in b[j1:j2])
    return _html(old_parts, "del"), _html(new_parts, "ins")


def _html(parts: list[tuple[str, bool]], tag: str) -> SafeString:
    if not parts:
        return mark_safe('<p class="diff-empty">(empty)</p>')
    paragraphs: list[str] = []
    words: list[str] = []
    marked: list[str] = []  # a run of changed words, wrapped once

    def end_run():
        if marked:
            words.append(f'<{tag}><span class="sr-only">{SAID[tag]} </span>{" ".join(marked)}</{tag}>')
            marked.clear()

    def end_paragraph():
        end_run()
        if words:
            paragraphs.append(f"<p>{' '.join(words)}</p>")
            words.clear()

    for word, changed in parts:
        if word == "\n":
            end_paragraph()
            if changed:  # a paragraph break added or removed: shown, so the change has a place
                paragraphs.append(
                    f'<p class="diff-break"><{tag}><span class="sr-only">{SAID[tag]} </span>¶</{tag}></p>'
                )
        elif changed:
            marked.append(escape(word))
        else:
            end_run()
            words.append(escape(word))
    end_paragraph()
    return mark_safe("".join(paragraphs))  # noqa: S308 - every word is escaped above
