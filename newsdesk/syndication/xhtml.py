"""Sanitized article HTML → well-formed XHTML elements, for NewsML-G2's inlineXML."""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree import ElementTree as ET  # noqa: S405 - we build XML here, never parse untrusted XML

XHTML_NS = "http://www.w3.org/1999/xhtml"
VOID = {"br", "hr", "img", "wbr", "col", "source"}


class _Builder(HTMLParser):
    """Builds an element tree from HTML that nh3 already reduced to an allow-list of tags."""

    def __init__(self, root: ET.Element):
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.stack[-1], f"{{{XHTML_NS}}}{tag}")
        for name, value in attrs:
            element.set(name, value if value is not None else name)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag (none open) is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == f"{{{XHTML_NS}}}{tag}":
                del self.stack[depth:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def html_into(parent: ET.Element, html: str) -> ET.Element:
    builder = _Builder(parent)
    builder.feed(html)
    builder.close()
    return parent
