"""Article HTML: an allow-list sanitizer (nh3/ammonia) and the page/paragraph helpers of the reader site."""

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from django.utils.html import escape

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "q", "cite", "ul", "ol", "li", "a", "strong", "em", "b", "i", "sub",
    "sup", "br", "hr", "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "iframe",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "iframe": {"src", "title", "width", "height", "allowfullscreen"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "hr": {"class"},
}
# Embeds only from hosts an editor would embed; everything else is dropped with the iframe's src.
EMBED_HOSTS = ("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")
PAGE_BREAK = '<hr class="page-break">'


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "iframe" and attr == "src" and not value.startswith(EMBED_HOSTS):
        return None
    if tag == "hr" and attr == "class" and value != "page-break":
        return None
    return value


# nh3's output is normalised: lower-case tags, every attribute value in double quotes with '"' escaped, and an
# iframe's content kept as raw text that cannot contain "</iframe>". So this pattern matches it exactly.
_IFRAME = re.compile(r'(?s)<iframe((?:\s+[a-z-]+(?:="[^"]*")?)*)>.*?</iframe>')


def _embed_or_nothing(match: re.Match) -> str:
    """An iframe whose src was not an allowed embed host is dropped whole; fallback content never renders."""
    attrs = match.group(1)
    return f"<iframe{attrs}></iframe>" if re.search(r'\ssrc="', attrs) else ""


def sanitize_html(html: str) -> str:
    """Keep structure (paragraphs, sub-headings, quotes, lists, links, images, embeds); drop scripts, styles,
    event handlers, javascript: URLs and iframes from hosts other than the allowed embed hosts."""
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )
    return _IFRAME.sub(_embed_or_nothing, clean).strip()


# --- Pages and blocks: the top level of sanitized HTML, found by parsing it ---------------------------------
# Phrasing content: at the top level it is a paragraph's text that lost its <p> (ingested RSS bodies often
# have it), so a run of it becomes one paragraph.
INLINE_TAGS = frozenset("a strong em b i sub sup br q cite img span small u s".split())
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class _Node:
    tag: str  # "" for text
    html: str  # exactly as in the source, closing tags added only where the source left an element open
    page_break: bool = False


class _TopLevel(HTMLParser):
    """The top-level nodes of an HTML fragment, each cut from the source at token boundaries, so the markup
    is never rewritten; nesting is followed with a stack, so a list inside a list item is one node."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = html
        self.line_starts = [0] + [match.end() for match in _NEWLINE.finditer(html)]
        self.starts: list[tuple[int, str, bool]] = []  # (offset, tag, page break) of each top-level node
        self.stack: list[str] = []
        self.stray: list[tuple[int, int]] = []  # spans of end tags that close nothing

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _top(self, tag: str, page_break: bool = False) -> None:
        if not self.stack:
            self.starts.append((self._offset(), tag, page_break))

    def handle_starttag(self, tag, attrs):
        self._top(tag, tag == "hr" and ("class", "page-break") in attrs)
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._top(tag, tag == "hr" and ("class", "page-break") in attrs)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        else:  # it closes nothing open: a browser ignores it, and so does the output
            start = self._offset()
            self.stray.append((start, self.source.find(">", start) + 1 or len(self.source)))

    def handle_data(self, data):
        self._top("")

    handle_entityref = handle_charref = handle_data

    def handle_comment(self, data):
        self._top("#comment")

    def nodes(self) -> list[_Node]:
        self.feed(self.source)
        self.close()
        bounds = [offset for offset, _, _ in self.starts] + [len(self.source)]
        found = [
            _Node(tag, self._cut(bounds[n], bounds[n + 1]), page_break)
            for n, (_, tag, page_break) in enumerate(self.starts)
        ]
        if found and self.stack:  # the source left elements open: close them, so every node is balanced
            last = found[-1]
            closing = "".join(f"</{tag}>" for tag in reversed(self.stack))
            found[-1] = _Node(last.tag, last.html.rstrip() + closing, last.page_break)
        return [node for node in found if node.tag != "#comment"]

    def _cut(self, start: int, end: int) -> str:
        text, position = [], start
        for stray_start, stray_end in self.stray:
            if start <= stray_start < end:
                text.append(self.source[position:stray_start])
                position = stray_end
        text.append(self.source[position:end])
        return "".join(text)


# A tag as html5ever (nh3's serializer) writes it: lower-case name, attribute values in double quotes.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)([^">]*(?:"[^"]*"[^">]*)*)>')


def _serialized_nodes(html: str) -> list[_Node] | None:
    """The same nodes as ``_TopLevel``, ~30 times faster, for what every stored body is: the sanitizer's
    output, where each element is closed, every "<" in text is escaped and attribute values are quoted, so
    following the tags with a stack is the whole parse. None when the markup is anything else (a "<" that
    starts no tag, an end tag that closes nothing, an element left open, a comment): the parser decides."""
    starts: list[tuple[int, str, bool]] = []
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(html):
        tag_start = match.start()
        if tag_start > position:
            if html.find("<", position, tag_start) >= 0:
                return None
            if not stack:
                starts.append((position, "", False))
        closing, tag, attrs = match.groups()
        tag = tag.lower()
        if closing:
            if tag not in stack:
                return None
            while stack.pop() != tag:
                pass
        else:
            if not stack:
                starts.append((tag_start, tag, tag == "hr" and 'class="page-break"' in attrs))
            if tag not in VOID_TAGS and not attrs.rstrip().endswith("/"):
                stack.append(tag)
        position = match.end()
    if stack or html.find("<", position) >= 0:
        return None
    if position < len(html) and not stack:
        starts.append((position, "", False))
    bounds = [offset for offset, _, _ in starts] + [len(html)]
    return [_Node(tag, html[bounds[n] : bounds[n + 1]], brk) for n, (_, tag, brk) in enumerate(starts)]


@lru_cache(maxsize=64)  # an article's body is split into pages, then its page into blocks: parse each once
def _top_level(html: str) -> tuple[_Node, ...]:
    nodes = _serialized_nodes(html)
    return tuple(_TopLevel(html).nodes() if nodes is None else nodes)


def split_pages(html: str) -> list[str]:
    """The article's pages: its body cut at top-level ``<hr class="page-break">`` elements."""
    pages: list[str] = []
    current: list[str] = []
    for node in _top_level(html):
        if node.page_break:
            pages.append("".join(current).strip())
            current = []
        else:
            current.append(node.html)
    pages.append("".join(current).strip())
    return [page for page in pages if page] or [""]


def blocks(html: str) -> list[str]:
    """Top-level blocks of sanitized HTML, so the reader page can place "Read also" after paragraph N. Every
    block is balanced, nothing of the source is dropped, and loose text (with its links and emphasis) beside
    the blocks becomes a paragraph of its own."""
    found: list[str] = []
    run: list[str] = []

    def end_run() -> None:
        text = "".join(run).strip()
        if text and _has_text(text):
            found.append(f"<p>{text}</p>")
        elif text:
            found.append(text)  # an image or a line break alone: kept, but no paragraph
        run.clear()

    for node in _top_level(html):
        if node.tag in INLINE_TAGS or node.tag == "":
            run.append(node.html)
        else:
            end_run()
            found.append(node.html.strip())
    end_run()
    return found


def _has_text(fragment: str) -> bool:
    return bool(re.sub(r"<[^>]*>|&nbsp;|&#160;|\s", "", fragment))


_MARKUP = re.compile(r"<[a-zA-Z/!]")
_BLOCK_MARKUP = re.compile(
    r"<(?:p|h[1-6]|ul|ol|li|blockquote|figure|table|hr|div|iframe|pre)\b", re.IGNORECASE
)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


# A block's end (and a line break) separates words: "<p>one</p><p>two</p>" is two words, not "onetwo".
_WORD_BREAK = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|td|th|caption|pre|div)\s*>|<(?:br|hr)\b", re.I
)
# Control characters never reach plain text (the search index marks highlights with \x02/\x03).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=256)  # ingest asks twice per item (the check for text, the duplicate hash)
def html_to_text(markup: str) -> str:
    """The text of HTML as one line of words: tags dropped, entities decoded, whitespace collapsed, control
    characters removed, and block ends keeping the words either side apart. The one HTML-to-text conversion
    (search documents, ninjs word counts, wire checks and duplicate hashes)."""
    text = nh3.clean(_WORD_BREAK.sub(r" \g<0>", markup), tags=set())
    return " ".join(_CONTROL.sub(" ", html.unescape(text)).split())


def paragraphs_from_text(text: str) -> str:
    """Text typed without paragraph markup (a plain textarea, a plain-text paste) → one <p> per blank-line
    separated paragraph. Text with no markup at all is escaped ("A < B" stays text); text with only inline
    markup (bold, links) keeps it, for the sanitizer to judge. Anything with block markup is left as it is."""
    if _BLOCK_MARKUP.search(text) or (_MARKUP.search(text) and not _BLANK_LINE.search(text.strip())):
        return text
    if not _MARKUP.search(text):
        return text_to_html(text)
    return "\n".join(f"<p>{part.strip()}</p>" for part in _BLANK_LINE.split(text) if part.strip())


def text_to_html(text: str) -> str:
    """Plain text with blank lines between paragraphs → escaped <p> paragraphs."""
    return "\n".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())
