"""IPTC NewsML-G2 2.35 (Power conformance): a newsItem per article and a newsMessage of recent items."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET  # noqa: S405 - we build XML here, never parse untrusted XML

from django.conf import settings
from django.utils import timezone

from newsdesk.news.models import Article

from . import items as wire
from .xhtml import XHTML_NS, html_into

NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_ORG = "https://schema.org/"
IPTC_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"
ET.register_namespace("", NAR)
ET.register_namespace("html", XHTML_NS)


def _q(name: str) -> str:
    return f"{{{NAR}}}{name}"


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _stamp(value) -> str:
    return value.isoformat(timespec="seconds")


class NewsMLG2:
    content_type = "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"
    message_content_type = "application/vnd.iptc.g2.newsmessage+xml; charset=utf-8"

    def news_item(self, article: Article) -> ET.Element:
        item = ET.Element(
            _q("newsItem"),
            {
                "guid": article.guid,
                "version": str(article.version),
                "standard": "NewsML-G2",
                "standardversion": "2.35",
                "conformance": "power",
                XML_LANG: article.language,
            },
        )
        _add(item, "catalogRef", href=IPTC_CATALOG)
        self._rights(item)
        self._item_meta(item, article)
        if not wire.is_withdrawn(article):
            self._content_meta(item, article)
            self._content_set(item, article)
        return item

    def item_bytes(self, article: Article) -> bytes:
        return ET.tostring(self.news_item(article), encoding="utf-8", xml_declaration=True)

    def message_bytes(self, articles: Sequence[Article]) -> bytes:
        message = ET.Element(_q("newsMessage"))
        header = _add(message, "header")
        _add(header, "sent", _stamp(timezone.now()))
        _add(header, "sender", settings.NEWSDESK_GUID_AUTHORITY)
        item_set = _add(message, "itemSet")
        for article in articles:
            item_set.append(self.news_item(article))
        return ET.tostring(message, encoding="utf-8", xml_declaration=True)

    def _rights(self, item: ET.Element) -> None:
        rights = _add(item, "rightsInfo")
        holder = _add(rights, "copyrightHolder", uri=settings.NEWSDESK_SITE_URL + "/")
        _add(holder, "name", settings.NEWSDESK_SITE_NAME)
        _add(rights, "copyrightNotice", f"Copyright {settings.NEWSDESK_SITE_NAME}")

    def _item_meta(self, item: ET.Element, article: Article) -> None:
        meta = _add(item, "itemMeta")
        _add(meta, "itemClass", qcode="ninat:text")
        provider = _add(meta, "provider", uri=settings.NEWSDESK_SITE_URL + "/")
        _add(provider, "name", settings.NEWSDESK_SITE_NAME)
        _add(meta, "versionCreated", _stamp(wire.version_created(article)))
        _add(meta, "firstCreated", _stamp(wire.first_published(article)))
        _add(meta, "pubStatus", qcode="stat:canceled" if wire.is_withdrawn(article) else "stat:usable")
        if wire.is_withdrawn(article):
            _add(
                meta,
                "edNote",
                "This item has been withdrawn. Do not use it; remove it where it was published.",
            )
        _add(meta, "link", rel="irel:seeAlso", href=wire.article_url(article), contenttype="text/html")
        for version in getattr(article, "versions", ()):
            # The article in another edition: the relation by its schema.org IRI (as the pages' JSON-LD names it),
            # the target by its guid and its page, in its language.
            original = version.pk == article.translation_of_id
            link = _add(
                meta,
                "link",
                reluri=SCHEMA_ORG + ("translationOfWork" if original else "workTranslation"),
                residref=version.guid,
                href=wire.article_url(version),
                contenttype="text/html",
                **{XML_LANG: version.language},
            )
            _add(link, "title", version.headline)

    def _content_meta(self, item: ET.Element, article: Article) -> None:
        meta = _add(item, "contentMeta")
        _add(meta, "urgency", str(article.urgency))
        _add(meta, "contentCreated", _stamp(wire.first_published(article)))
        if article.updated_at:
            _add(meta, "contentModified", _stamp(article.updated_at))
        if article.dateline_place:
            located = _add(meta, "located", type="loctype:City")
            _add(located, "name", article.dateline_place.title())
        if article.byline:
            creator = _add(meta, "creator", role="crol:author")
            _add(creator, "name", article.byline)
        _add(meta, "language", tag=article.language)
        self._subjects(meta, article)
        _add(meta, "headline", article.headline)
        if article.dateline:
            _add(meta, "dateline", article.dateline)
        if article.byline:
            _add(meta, "by", article.byline)
        _add(meta, "creditline", article.dateline_source or settings.NEWSDESK_SITE_NAME)
        if article.lead:
            _add(meta, "description", article.lead, role="drol:summary")

    def _subjects(self, meta: ET.Element, article: Article) -> None:
        for topic in article.topics.all():
            attrs = {"type": "cpnat:abstract"}
            if wire.mediatopic_uri(topic.mediatopic_code):
                attrs["qcode"] = topic.mediatopic_code
            subject = _add(meta, "subject", **attrs)
            _add(subject, "name", topic.name)
        for person in article.persons.all():
            subject = _add(meta, "subject", type="cpnat:person", uri=wire.absolute(person.get_absolute_url()))
            _add(subject, "name", person.name)

    def _content_set(self, item: ET.Element, article: Article) -> None:
        content_set = _add(item, "contentSet")
        inline = _add(content_set, "inlineXML", contenttype="application/xhtml+xml")
        html = ET.SubElement(inline, f"{{{XHTML_NS}}}html")
        head = ET.SubElement(html, f"{{{XHTML_NS}}}head")
        ET.SubElement(head, f"{{{XHTML_NS}}}title").text = article.headline
        html_into(ET.SubElement(html, f"{{{XHTML_NS}}}body"), article.body)
        photo = wire.photo_info(article.lead_photo)
        if photo is not None:
            # The lead photo travels by reference: subscribers fetch the picture from our server.
            attrs = {"href": photo.url, "contenttype": photo.mime_type, "rendition": "rnd:highRes"}
            if photo.width and photo.height:
                attrs |= {"width": str(photo.width), "height": str(photo.height)}
            if photo.length:
                attrs["size"] = str(photo.length)
            _add(content_set, "remoteContent", **attrs)
