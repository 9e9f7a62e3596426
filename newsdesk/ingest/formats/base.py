"""What every wire format is parsed into: one ``WireItem`` per story, or a ``Rejected`` with its reason."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


class FormatError(ValueError):
    """The whole document is unusable (not the format it claims, broken, too large); the message says why."""


class ItemRejected(ValueError):
    """One item is unusable; the others in its document go on."""


@dataclass
class WireItem:
    guid: str
    version: int = 1
    kind: str = "text"  # text | picture | feed (copy or link, per source) | link (always "In other media")
    headline: str = ""
    lead: str = ""
    body_html: str = ""
    byline: str = ""
    language: str = ""
    dateline_place: str = ""
    urgency: int | None = None
    pubstatus: str = "usable"  # usable | canceled | withdrawn
    versioncreated: dt.datetime | None = None
    firstcreated: dt.datetime | None = None
    embargoed: dt.datetime | None = None  # not to be published before (ninjs "embargoed"/"embargoedUntil")
    subjects: list[str] = field(default_factory=list)  # codes: "medtop:20000056", "reuters:acq"
    topics: list[str] = field(default_factory=list)  # names of subjects that carry no code
    section: str = ""  # the section the provider files it under (our own exports say it)
    dateline_date: dt.date | None = None  # when the dateline says a day ("PSKOV, May 30. /TASS/.")
    persons: list[str] = field(default_factory=list)  # names as the provider wrote them
    url: str = ""  # the story on the provider's site
    outlet: str = ""
    image_path: str = ""  # pictures: a local file beside the document
    caption: str = ""
    credit: str = ""
    photo_guids: list[str] = field(default_factory=list)  # packages: pictures that go with this text

    def to_json(self) -> dict:
        data = dataclasses.asdict(self)
        for name in ("versioncreated", "firstcreated", "embargoed", "dateline_date"):
            if data[name]:
                data[name] = data[name].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> WireItem:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in ("versioncreated", "firstcreated", "embargoed"):
            if values.get(name):
                values[name] = dt.datetime.fromisoformat(values[name])
        if values.get("dateline_date"):
            values["dateline_date"] = dt.date.fromisoformat(values["dateline_date"])
        return cls(**values)


@dataclass
class Rejected:
    """An item that could not be read; ``ref`` names it (its guid, or its position) for the log."""

    ref: str
    reason: str
    item: WireItem | None = None


def parse_datetime(value, *, what: str) -> dt.datetime | None:
    """ISO 8601 (what ninjs and NewsML-G2 use); a value without zone is read as UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ItemRejected(f"{what} {value!r} is not a date-time string")
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ItemRejected(f"{what} {value!r} is not an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_version(value, *, what: str = "version") -> int:
    if value in (None, ""):
        return 1
    try:
        version = int(str(value).strip())
    except ValueError:
        raise ItemRejected(f"{what} {value!r} is not a whole number") from None
    if version < 0:
        raise ItemRejected(f"{what} {value!r} is negative")
    return version
