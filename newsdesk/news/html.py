"""Article HTML: an allow-list sanitizer (nh3/ammonia) and the page/paragraph helpers of the reader site."""

import re

import nh3

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


def split_pages(html: str) -> list[str]:
    pages = [page.strip() for page in re.split(r"<hr class=\"page-break\"\s*/?>", html)]
    return [page for page in pages if page] or [""]


_BLOCK = re.compile(r"(?s)<(p|h2|h3|h4|blockquote|ul|ol|figure|table|iframe)\b.*?</\1>|<hr[^>]*>")


def blocks(html: str) -> list[str]:
    """Top-level blocks of sanitized HTML, so the reader page can place "Read also" after paragraph N."""
    found = [m.group(0) for m in _BLOCK.finditer(html)]
    return found or ([html] if html else [])


def text_to_html(text: str) -> str:
    """Plain text with blank lines between paragraphs → escaped <p> paragraphs."""
    from django.utils.html import escape

    return "\n".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())
