"""Reading a form out of a newsroom page and submitting it as a browser would (hidden fields, checked radios,
the button pressed), for tests over plain HTTP."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.found = form_id, False, False
        self.fields: list[tuple[str, str]] = []
        self.action = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = self.found = True
            self.action = attrs.get("action") or ""
        elif self.inside and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("hidden", "text") or (kind in ("radio", "checkbox") and "checked" in attrs):
                self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_in(html: str, form_id: str) -> tuple[str, dict[str, list[str]]]:
    """(action, data) of the form with ``form_id``: what the browser sends without any change, buttons aside."""
    parser = _Form(form_id)
    parser.feed(html)
    assert parser.found, f"no form #{form_id} on the page"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return parser.action, data
