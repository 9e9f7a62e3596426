"""How deep HTML nests, found in one linear pass that gives up past a limit.

Our sanitizer (nh3, on html5ever) spends time in proportion to the depth for each element it opens, so its cost
grows with the square of the nesting: measured, 10,000 nested <div>s take 0.9 s to clean, 100,000 (600 KB, well
within an item's size limit) two minutes. Article bodies nest a handful of levels; one nested deeper than
MAX_DEPTH is refused before it is sanitized.

The count follows the HTML parsing rules only where it must not to refuse real copy: void elements open nothing;
an end tag closes up to its element when nothing that bounds its scope (a table, a cell …) lies between; a new
<p>, <li>, <td> … closes an open one of its kind as the parser does (the end tags HTML lets authors omit). Where
it simplifies, it errs towards more levels than a browser builds, never fewer: markup cannot slip past it.
"""

from __future__ import annotations

import re

MAX_DEPTH = 200
VOID = frozenset(
    "area base basefont bgsound br col embed hr img input keygen link meta param source track wbr".split()
)
# The HTML standard's "special" elements: where an implied end tag's search stops.
SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup "
    "dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head "
    "header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed noframes "
    "noscript object ol p param plaintext pre script search section select source style summary table tbody td "
    "template textarea tfoot th thead title tr track ul wbr xmp".split()
)
DEFAULT_SCOPE = frozenset("applet caption html table td th marquee object template".split())
TABLE_SCOPE = frozenset("html table template".split())
TABLE_PARTS = frozenset("table caption colgroup tbody thead tfoot tr td th".split())
# A start tag that closes an open element of its kind (the kinds it closes), and where that search stops.
IMPLIED_END = {
    "li": (frozenset({"li"}), SPECIAL - {"address", "div", "p"}),
    **dict.fromkeys(("dd", "dt"), (frozenset({"dd", "dt"}), SPECIAL - {"address", "div", "p"})),
    "p": (frozenset({"p"}), DEFAULT_SCOPE | {"button"}),
    **dict.fromkeys(("td", "th"), (frozenset({"td", "th"}), TABLE_SCOPE)),
    "tr": (frozenset({"tr"}), TABLE_SCOPE),
    **dict.fromkeys(("tbody", "thead", "tfoot"), (frozenset({"tbody", "thead", "tfoot"}), TABLE_SCOPE)),
    **dict.fromkeys(("caption", "colgroup"), (frozenset({"caption", "colgroup"}), TABLE_SCOPE)),
}
IMPLIED_AT_TOP = frozenset("option optgroup rt rp".split())  # closed by a sibling only when open right above
REACH = 16  # steps up the stack a search takes at most: a longer one counts as not found (more levels)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")


def too_deep(html: str, limit: int = MAX_DEPTH) -> bool:
    """True when elements may nest more than ``limit`` levels deep somewhere in ``html``."""
    if html.count("<") <= limit:
        return False  # too few tags to nest that deep: the common case costs one count
    stack: list[str] = []
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            _close(stack, frozenset({name}), _end_tag_scope(name))
            continue
        if name in VOID or match.group(0).endswith("/>"):
            continue
        if name in IMPLIED_END:
            _close(stack, *IMPLIED_END[name])
        elif name in IMPLIED_AT_TOP and stack and stack[-1] == name:
            stack.pop()
        stack.append(name)
        if len(stack) > limit:
            return True
    return False


def _end_tag_scope(name: str) -> frozenset[str]:
    if name in TABLE_PARTS:
        return TABLE_SCOPE
    if name == "li":
        return DEFAULT_SCOPE | {"ol", "ul"}
    if name == "p":
        return DEFAULT_SCOPE | {"button"}
    return DEFAULT_SCOPE


def _close(stack: list[str], names: frozenset[str], stops: frozenset[str]) -> None:
    """Close the nearest open element of ``names`` (and what is open inside it), unless a ``stops`` element
    comes first or it is not within REACH of the top."""
    window = stack[-REACH:]
    if names.isdisjoint(window):
        return  # the common case for a stray end tag, without a walk
    for index in range(len(stack) - 1, len(stack) - 1 - len(window), -1):
        if stack[index] in names:
            del stack[index:]
            return
        if stack[index] in stops:
            return
