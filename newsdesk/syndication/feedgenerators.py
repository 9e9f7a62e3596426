"""Django's feed writers, extended: full text, Media RSS for the lead photo, WebSub hub links, and JSON Feed 1.1."""

from __future__ import annotations

import json

from django.utils import feedgenerator

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _media_content(handler, photo) -> None:
    attrs = {"url": photo.url, "type": photo.mime_type, "medium": "image"}
    if photo.width and photo.height:
        attrs |= {"width": str(photo.width), "height": str(photo.height)}
    if photo.length:
        attrs["fileSize"] = str(photo.length)
    handler.startElement("media:content", attrs)
    handler.addQuickElement("media:description", photo.caption)
    handler.addQuickElement("media:credit", photo.credit)
    handler.endElement("media:content")


class NewsRss(feedgenerator.Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)  # includes <atom:link rel="self"> from feed_url
        if self.feed.get("hub_url"):
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        if item.get("photo"):
            _media_content(handler, item["photo"])


class NewsAtom(feedgenerator.Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("hub_url"):
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        if item.get("photo"):
            _media_content(handler, item["photo"])


class JsonFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from the same feed and item data as RSS and Atom."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.document(), ensure_ascii=False).encode(encoding))

    def document(self) -> dict:
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self._item(item) for item in self.items],
        }
        if self.feed.get("hub_url"):
            feed["hubs"] = [{"type": "WebSub", "url": self.feed["hub_url"]}]
        return feed

    def _item(self, item: dict) -> dict:
        data = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["summary_text"],
            "date_published": item["pubdate"].isoformat(),
            "date_modified": item["updateddate"].isoformat(),
            "tags": list(item["categories"]),
            "language": item["language"],
        }
        if item.get("content_html"):
            data["content_html"] = item["content_html"]
        else:
            data["content_text"] = item["summary_text"] or item["title"]
        if item.get("author_name"):
            data["authors"] = [{"name": item["author_name"]}]
        if item.get("photo"):
            data["image"] = item["photo"].url
            data["attachments"] = [
                {
                    "url": item["photo"].url,
                    "mime_type": item["photo"].mime_type,
                    "title": item["photo"].caption,
                }
                | ({"size_in_bytes": item["photo"].length} if item["photo"].length else {})
            ]
        return data
