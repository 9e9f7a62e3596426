"""IPTC ninjs (News in JSON): 3.1, the current version, and 2.2 for subscribers that have not moved on."""

from __future__ import annotations

import re

from django.conf import settings

from newsdesk.news.html import html_to_text
from newsdesk.news.models import Article

from . import items as wire


def _iso(value) -> str:
    return value.isoformat()


class Ninjs31:
    version = "3.1"
    schema_uri = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"

    def item(self, article: Article) -> dict:
        if wire.is_withdrawn(article):
            return self._withdrawn(article)
        data = {
            **self._envelope(article, pub_status="usable"),
            "contentCreated": _iso(wire.first_published(article)),
            "urgency": article.urgency,
            "headlines": [{"role": "main", "value": article.headline}],
            "descriptions": [{"role": "summary", "contentType": "text/plain", "value": article.lead}]
            if article.lead
            else [],
            "bodies": [self._body(article)],
            "by": article.byline,
            "located": article.dateline_place.title(),
            "subjects": self._subjects(article),
            "people": [self._person(person) for person in article.persons.all()],
            "renditions": [{"name": "web", "href": wire.article_url(article), "contentType": "text/html"}],
            "associations": self._associations(article),
        }
        return {key: value for key, value in data.items() if value not in ("", [], None)}

    def _envelope(self, article: Article, *, pub_status: str) -> dict:
        return {
            "uri": article.guid,
            "type": "text",
            "representationType": "full",
            "version": str(article.version),
            "firstCreated": _iso(wire.first_published(article)),
            "versionCreated": _iso(wire.version_created(article)),
            "pubStatus": pub_status,
            "language": article.language,
            "copyrightHolder": settings.NEWSDESK_SITE_NAME,
            "altIds": [{"role": "publicId", "value": str(article.public_id)}],
            "standard": {"name": "ninjs", "version": self.version, "schema": self.schema_uri},
        }

    def _withdrawn(self, article: Article) -> dict:
        """A withdrawal announces itself: canceled, with the headline so desks can find what to take down."""
        return {
            **self._envelope(article, pub_status="canceled"),
            "headlines": [{"role": "main", "value": article.headline}],
            "edNote": "This item has been withdrawn. Do not use it; remove it where it was published.",
        }

    def _body(self, article: Article) -> dict:
        text = html_to_text(article.body)
        return {
            "role": "main",
            "contentType": "text/html",
            "value": article.body,
            "charCount": len(text),
            "wordCount": len(re.findall(r"\S+", text)),
        }

    def _subjects(self, article: Article) -> list[dict]:
        subjects = [
            {
                "name": article.section.name,
                "rel": "section",
                "uri": wire.absolute(article.section.get_absolute_url()),
            }
        ]
        for topic in article.topics.all():
            subject = {"name": topic.name, "rel": "about"}
            uri = wire.mediatopic_uri(topic.mediatopic_code)
            if uri:
                subject["uri"] = uri
            subjects.append(subject)
        return subjects

    def _person(self, person) -> dict:
        data = {"name": person.name, "rel": "subject", "uri": wire.absolute(person.get_absolute_url())}
        if person.wikidata_id:
            data["literal"] = person.wikidata_id
        return data

    def _associations(self, article: Article) -> list[dict]:
        return [*self._photo(article), *(self._version(article, v) for v in getattr(article, "versions", ()))]

    def _version(self, article: Article, version: Article) -> dict:
        """The article in another edition: the original it translates (rel "translationOfWork") or a translation
        of it ("workTranslation"), the relations named as schema.org names them (JSON-LD on the pages)."""
        original = version.pk == article.translation_of_id
        return {
            "name": "original" if original else f"translation-{version.language}",
            "rel": "translationOfWork" if original else "workTranslation",
            "uri": version.guid,
            "type": "text",
            "language": version.language,
            "headlines": [{"role": "main", "value": version.headline}],
            "renditions": [{"name": "web", "href": wire.article_url(version), "contentType": "text/html"}],
        }

    def _photo(self, article: Article) -> list[dict]:
        photo = wire.photo_info(article.lead_photo)
        if photo is None:
            return []
        rendition: dict[str, str | int] = {
            "name": "original",
            "href": photo.url,
            "contentType": photo.mime_type,
        }
        if photo.width and photo.height:
            rendition |= {"width": photo.width, "height": photo.height}
        if photo.length:
            rendition["sizeInBytes"] = photo.length
        return [
            {
                "name": "featureimage",
                "uri": photo.uri,
                "type": "picture",
                "headlines": [{"role": "main", "value": photo.caption}],
                "descriptions": [{"role": "alt", "contentType": "text/plain", "value": photo.alt_text}],
                "by": photo.credit,
                "copyrightNotice": photo.credit,
                "renditions": [rendition],
            }
        ]


# ninjs 2.x spells every property in lower case; these few were also renamed in 3.0.
_RENAMED_FOR_22 = {"embargoedUntil": "embargoed"}


class Ninjs22(Ninjs31):
    version = "2.2"
    schema_uri = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"

    def item(self, article: Article) -> dict:
        data = super().item(article)
        for association in data.get("associations", []):
            association.pop(
                "rel", None
            )  # not in 2.x: the association's name says it ("original", "translation-ru")
        return _lower_keys(data)


def _lower_keys(value):
    if isinstance(value, dict):
        return {_RENAMED_FOR_22.get(k, k).lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


SERIALIZERS = {"3.1": Ninjs31(), "2.2": Ninjs22()}
