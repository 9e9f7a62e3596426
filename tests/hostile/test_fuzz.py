"""Fuzz every public endpoint with generated query strings, form bodies, headers and path segments: whatever a
reader, a crawler or an attacker sends, the answer is never a 5xx (issue "Hostile users and bad luck").

Each test runs a fixed number of hypothesis examples (asserted: the quotas add up to more than 2,000 requests),
derandomized so that every run, here and in CI, sends the same requests. Requests go through Django's test
client, which raises a view's exception instead of answering 500: a failure names the request and shows the
traceback. The database holds published articles (with persons, topics, a gallery, an infographic), a draft, a
withdrawn item, exchange rates and weather cities, so the requests reach the code behind the happy paths too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from newsdesk.analytics import services as analytics_services
from newsdesk.markets import services as markets_services
from newsdesk.markets.backends import RateRecord
from newsdesk.news import services as news_services
from newsdesk.news.defaults import DEFAULT_SECTIONS
from newsdesk.news.models import Article, Gallery, GalleryPhoto, Infographic, Section
from newsdesk.search.services import search_index_articles
from newsdesk.weather.models import City
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload, user_with_role

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(
    deadline=None,  # a slow example is not a failure here (timings go in benchmarks/)
    derandomize=True,  # the same requests on every run and machine
    database=None,  # nothing carried between runs: derandomized examples are the whole story
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Values that have broken web applications before: overflow, NaN, separators, markup, traversal, encodings.
NASTY = [
    "", " ", "0", "-1", "1.5", "1e309", "nan", "NaN", "inf", "-inf", "+1", "0x10", "٣", "²",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
    "9" * 40, "0" * 30 + "1", "teh", "thw", "the", "and", "a", "OR", "NOT", "NEAR", "*", "\"", "'", "''",
    "\"unterminated", "(", ")", "-", "--", "^", ":", "a:b", "{}", "[]", "\\", "%", "%%", "%00", "%ZZ",
    "\x00", "\x00abc", "\x1b[31m", "\r\n", "\t", "\u200b", "\ufeff", "\U0001f600", "☃", "Москва", "日本",
    "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "1; DROP TABLE news_article", "../../etc/passwd",
    "javascript:alert(1)", "//evil.example", "https://evil.example/", "a" * 3000, "x " * 600,
    "1970-01-01", "0001-01-01", "9999-12-31", "2017-02-30", "2017-13-01", "2017-5-30", "30.05.2017",
    "1900-01-01", "1899-12-31", "3000-01-01", "2017-05-30T10:00:00", "0-0", "1-1", "-1-1", "1--1",
    "1496133660000000-42", "99999999999999999-1", "1-99999999999999", "0000000000000000-0",
    "true", "false", "null", "None", "undefined", "[object Object]",
]  # fmt: skip
VALUE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"\A[0-9]{1,20}-[0-9]{1,20}\Z"),
    st.floats().map(str),
)
# A whole query string as typed or mangled: broken percent-escapes, repeated keys, stray separators.
RAW_QUERY = st.text(alphabet="abcdefqstxyz0123456789%&=+;-_.~[]", max_size=60)
# Conditional and content-negotiation headers, as caches and feed readers send them (and as they garble them).
HEADER_VALUE = st.one_of(
    st.sampled_from(
        ['"abc"', 'W/"abc"', "*", "Tue, 30 May 2017 10:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "0", "-1"]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
CONDITIONAL = st.fixed_dictionaries(
    {},
    optional={
        "if-none-match": HEADER_VALUE,
        "if-modified-since": HEADER_VALUE,
        "accept-encoding": st.sampled_from(["gzip", "br", "identity;q=0", "*;q=0", ""]),
        "cookie": HEADER_VALUE,
    },
)
SLUGLIKE = st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z")


def query(params: list[str], extra_values: list[str] = (), specific: dict | None = None):
    """A query string over ``params`` (plus unknown keys): values generic, from ``extra_values``, or for a
    key named in ``specific``, also from its own strategy."""
    generic = st.one_of(VALUE, st.sampled_from(extra_values)) if extra_values else VALUE
    specific = specific or {}

    def pair(key: str):
        return st.tuples(st.just(key), st.one_of(specific[key], generic) if key in specific else generic)

    pairs = st.lists(st.sampled_from([*params, "junk", "utm_source"]).flatmap(pair), max_size=6)
    encoded = pairs.map(lambda items: urlencode(items))
    return st.one_of(encoded, encoded, encoded, RAW_QUERY)


def segment(real: list[str]):
    """One path segment: a real slug or id, something slug-shaped, or anything at all (percent-encoded)."""
    return st.one_of(st.sampled_from(real), SLUGLIKE, VALUE.map(lambda value: quote(value, safe="")))


def run(quota: int, strategy, send, explicit=()) -> None:
    """Send ``quota`` generated requests, after the ``explicit`` ones (failures found before, kept as
    regressions); each must be answered below 500 (a view's exception fails the test too)."""
    seen = []

    @fuzz_settings(FUZZ, max_examples=quota)
    @given(strategy)
    def probe(case):
        seen.append(case)
        response = send(case)
        assert response.status_code < 500, f"{case!r} answered {response.status_code}"

    for case in explicit:
        probe = example(case)(probe)
    probe()
    assert len(seen) >= quota, f"only {len(seen)} of {quota} requests were sent"


def get(client: Client, path: str, qs: str = "", **headers):
    response = client.get(f"{path}?{qs}" if qs else path, headers=headers)
    if response.streaming:
        b"".join(
            response.streaming_content
        )  # read to the end: the test client then closes it as a server does
    return response


@pytest.fixture
def site(settings):
    """The published site the fuzzer browses, and the names in it."""
    settings.NEWSDESK_API_ANONYMOUS_RATE = (
        10**9
    )  # the API's limit is tested elsewhere; here it would hide paths
    settings.ANALYTICS = {**settings.ANALYTICS, "BACKEND": "database", "FLUSH_INTERVAL": 0}
    settings.ANALYTICS["RATE_LIMIT_PER_MINUTE"] = 0
    settings.NEWSDESK_LIVE_WSGI_STREAM_SECONDS = 0  # the stream's first frame, then its end
    analytics_services.reset_state()
    for order, (name, slug) in enumerate(DEFAULT_SECTIONS, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    sections = list(Section.objects.values_list("slug", flat=True))
    persons = [PersonFactory(), PersonFactory(name="Sergey Lavrov")]
    topics = [TopicFactory(), TopicFactory()]
    now = timezone.now()
    articles = []
    for n in range(14):
        at = now - dt.timedelta(hours=3 * n + 1)
        article = ArticleFactory(
            section=Section.objects.get(slug=sections[n % len(sections)]),
            publish_at=at,
            first_published_at=at,
        )
        article.persons.add(persons[n % 2])
        article.topics.add(topics[n % 2])
        articles.append(article)
    ArticleFactory(status=Article.Status.DRAFT, publish_at=None, first_published_at=None)
    ArticleFactory(status=Article.Status.WITHDRAWN)
    search_index_articles(article_ids=[a.pk for a in articles])

    gallery = Gallery.objects.create(
        title="Russia's top diplomat Sergey Lavrov celebrates his birthday",
        slug="lavrov-birthday",
        is_published=True,
        publish_at=now - dt.timedelta(hours=1),
    )
    for n in range(2):
        photo = news_services.photo_create(
            image=image_upload(size=(640, 400)),
            caption="Russian Foreign Minister Sergey Lavrov at a news conference in Moscow",
            credit="© Valery Sharifulin/TASS",
            alt_text="Sergey Lavrov",
        )
        GalleryPhoto.objects.create(gallery=gallery, photo=photo, order=n)
    Infographic.objects.create(
        title="Gas pipelines",
        slug="gas-pipelines-2018",
        image=image_upload(name="pipelines.png", size=(64, 64), fmt="PNG"),
        text_alternative="Nord Stream and TurkStream",
        is_published=True,
        publish_at=now - dt.timedelta(hours=1),
    )

    today = timezone.localdate()
    for day in (today, today - dt.timedelta(days=2)):
        markets_services.rates_save(
            provider="cbr",
            records=[
                RateRecord(date=day, currency=code, units=Decimal(units), price=Decimal(price))
                for code, units, price in (
                    ("USD", "1", "93.2801"),
                    ("EUR", "1", "98.4365"),
                    ("JPY", "100", "61.65"),
                )
            ],
        )
    City.objects.get_or_create(
        slug="moscow",
        defaults={"name": "Moscow", "zone": "Europe/Moscow", "latitude": 55.75, "longitude": 37.62},
    )
    yield {
        "sections": sections,
        "persons": [p.slug for p in persons],
        "topics": [t.slug for t in topics],
        "ids": [str(a.public_id) for a in articles],
        "slugs": [a.slug for a in articles],
        "days": [timezone.localtime(a.publish_at).date().isoformat() for a in articles],
    }
    analytics_services.reset_state()


# --- Reader pages ----------------------------------------------------------------------------------------------


def test_feed_pages_and_their_cursors(client, site):
    feeds = [
        "/news/",
        "/press-review/",
        *(f"/section/{slug}/" for slug in site["sections"][:3]),
        f"/persons/{site['persons'][0]}/",
        f"/topics/{site['topics'][0]}/",
        *(f"/news/{day.replace('-', '/')}/" for day in site["days"][:2]),
    ]
    strategy = st.tuples(
        st.sampled_from(feeds),
        query(["before", "section", "page"], [*site["sections"], "1496133660000000-42"]),
        CONDITIONAL,
    )
    run(350, strategy, lambda case: get(client, case[0], case[1], **case[2]))


def test_feed_paths_with_any_slug_or_date(client, site):
    slug_paths = st.tuples(
        st.sampled_from(["section", "persons", "topics", "galleries", "infographics"]),
        segment(
            [*site["sections"], *site["persons"], *site["topics"], "lavrov-birthday", "gas-pipelines-2018"]
        ),
    ).map(lambda parts: f"/{parts[0]}/{parts[1]}/")
    day_paths = st.tuples(
        st.integers(min_value=0, max_value=99999), st.integers(min_value=0, max_value=99), st.integers(0, 99)
    ).map(lambda ymd: f"/news/{ymd[0]:04d}/{ymd[1]:02d}/{ymd[2]:02d}/")
    archive = query(["date"], site["days"]).map(lambda qs: f"/news/archive/?{qs}")
    run(200, st.one_of(slug_paths, day_paths, archive), lambda path: get(client, path))


def test_article_pages(client, site):
    ids = st.one_of(
        st.sampled_from(site["ids"]),
        st.integers(min_value=0, max_value=2**70).map(str),
        st.sampled_from(["9223372036854775807", "9223372036854775808", "0", "00012"]),
    )
    path = st.tuples(ids, st.one_of(st.just(""), segment(site["slugs"]).map(lambda s: s + "/"))).map(
        lambda parts: f"/news/{parts[0]}/{parts[1]}"
    )
    huge = [("/news/9223372036854775808/", ""), (f"/news/{2**64}/any-slug/", "page=2")]  # issue finding 8
    run(
        150,
        st.tuples(path, query(["page"], ["1", "2", "3"])),
        lambda case: get(client, case[0], case[1]),
        huge,
    )


def test_home_galleries_infographics_and_the_feed_filter(client, site):
    pages = [
        "/",
        "/galleries/",
        "/galleries/lavrov-birthday/",
        "/galleries/lavrov-birthday/1/",
        "/galleries/lavrov-birthday/2/",
        "/galleries/lavrov-birthday/99999999999999999999/",
        "/infographics/",
        "/infographics/gas-pipelines-2018/",
        "/privacy/",
        "/news/filter/",
        "/news/mine/",
    ]
    strategy = st.tuples(st.sampled_from(pages), query(["section"], site["sections"]), VALUE)

    def send(case):
        path, qs, cookie = case
        client.cookies["feed_sections"] = quote(cookie, safe=".")  # what /news/mine/ reads
        return get(client, path, qs)

    run(200, strategy, send)


# --- Search --------------------------------------------------------------------------------------------------

SEARCH_PARAMS = ["q", "section", "person", "topic", "from", "to", "date_from", "date_to", "sort", "page"]


# Words as readers mistype them: "Did you mean" runs on each, and it once suggested a stop word (issue finding 3).
WORD = st.one_of(
    st.sampled_from(
        ["teh", "thw", "tge", "nad", "wsa", "abd", "ont", "nan", "Moskow", "Rybkov", "trucks", "the"]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6),
)
OPERATORS = st.sampled_from(["AND", "OR", "NOT", "NEAR", "-", "*", '"', "(", ")"])
SEARCH_TERMS = st.one_of(WORD, st.lists(st.one_of(WORD, OPERATORS), max_size=5).map(" ".join))
TYPOS = [f"q={word}" for word in ("teh", "thw", "tge", "nad", "wsa", "abd", "ont", "nan")]


def search_extras(site) -> list[str]:
    return [
        *site["sections"],
        *site["persons"],
        *site["days"],
        "relevance",
        "date",
        "Moscow",
        "Ryabkov trucks",
    ]


def test_search_page(client, site):
    strategy = query(SEARCH_PARAMS, search_extras(site), {"q": SEARCH_TERMS})
    run(300, strategy, lambda qs: get(client, "/search/", qs), TYPOS)


def test_search_api(client, site):
    run(
        200,
        query([*SEARCH_PARAMS, "limit"], search_extras(site), {"q": SEARCH_TERMS}),
        lambda qs: get(client, "/api/v1/search", qs),
        TYPOS,
    )


# --- Subscriber API ------------------------------------------------------------------------------------------

ACCEPT = st.one_of(
    st.sampled_from(
        [
            "",
            "*/*",
            "application/json",
            "application/vnd.iptc.ninjs+json; version=2.2",
            "application/vnd.iptc.ninjs+json; version=9",
            'application/vnd.iptc.ninjs+json; version="3.1"',
            "application/vnd.iptc.ninjs+json;;;=",
            "text/html, application/xml;q=0.9",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)


def test_wire_api(client, site):
    paths = st.one_of(
        st.sampled_from(["/api/v1/items", "/api/v1/newsml/items", "/api/v1/openapi.json", "/api/v1/nothing"]),
        st.tuples(st.sampled_from(["items", "newsml/items"]), segment(site["ids"])).map(
            lambda parts: f"/api/v1/{parts[0]}/{parts[1]}"
        ),
    )
    params = ["since", "limit", "version", "section", "person", "topic"]
    extras = [*site["sections"], *site["persons"], *site["topics"], "3.1", "2.2", "0-0", "20", "100", "101"]
    strategy = st.tuples(paths, query(params, extras), ACCEPT)

    def send(case):
        path, qs, accept = case
        return get(client, path, qs, **({"accept": accept} if accept else {}))

    run(300, strategy, send)


# --- Live feed -----------------------------------------------------------------------------------------------


def test_live_events_and_stream(client, site):
    headers = st.one_of(st.just(None), VALUE.filter(lambda v: v.isprintable() and v == v.strip()))
    strategy = st.tuples(
        st.sampled_from(["/live/events", "/live/stream"]),
        query(["section", "after", "since"], [*site["sections"], "0", "0-0", "1496142000000"]),
        headers,
    )

    def send(case):
        path, qs, last_event_id = case
        extra = {"last-event-id": last_event_id} if last_event_id is not None else {}
        return get(client, path, qs, **extra)

    run(150, strategy, send)


# --- Read beacon ---------------------------------------------------------------------------------------------


def test_read_beacon_bodies_and_pixels(client, site):
    body = st.one_of(
        query(["a", "r"], [*site["ids"], "news.google.com", "www.tass.com", "127.0.0.1"]),
        st.binary(max_size=600).map(lambda data: data.decode("latin-1")),
    )
    content_type = st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/json",
            "",
        ]
    )
    fetch = st.fixed_dictionaries(
        {},
        optional={
            "origin": st.sampled_from(["http://testserver", "https://evil.example", "null", ""]),
            "sec-fetch-site": st.sampled_from(["same-origin", "cross-site", "none"]),
            "sec-fetch-dest": st.sampled_from(["empty", "image", "document"]),
            "sec-purpose": st.sampled_from(["prefetch", "prerender"]),
        },
    )
    posts = st.tuples(st.just("POST"), body, content_type, fetch)
    pixels = st.tuples(st.just("GET"), segment(site["ids"]), st.just(""), fetch)

    def send(case):
        method, data, ctype, headers = case
        if method == "GET":
            return get(client, f"/analytics/read/{data}.gif", **headers)
        return client.post(
            "/analytics/read", data=data.encode("latin-1"), content_type=ctype, headers=headers
        )

    run(250, st.one_of(posts, posts, pixels), send)


# --- Markets and weather --------------------------------------------------------------------------------------


def test_currency_converter_and_history(client, site):
    params = ["amount", "from", "to", "date", "provider", "swap"]
    today = timezone.localdate()
    extras = ["USD", "EUR", "JPY", "RUB", "usd", "cbr", "ecb", "1 000,50", "1,000.50", "-5", "1e6", "0"]
    extras += [(today - dt.timedelta(days=n)).isoformat() for n in range(9)]
    pages = st.tuples(st.sampled_from(["/markets/", "/markets/convert.json"]), query(params, extras))
    history = st.tuples(
        st.tuples(segment(["cbr", "ecb"]), segment(["USD", "EUR", "JPY", "usd"])).map(
            lambda parts: f"/markets/history/{parts[0]}/{parts[1]}/"
        ),
        st.just(""),
    )
    run(200, st.one_of(pages, pages, history), lambda case: get(client, case[0], case[1]))


def test_weather_city_selector(client, site):
    strategy = st.tuples(
        st.sampled_from(["/weather/", "/weather/cities.json"]), query(["city", "times"], ["moscow", "city"])
    )
    run(100, strategy, lambda case: get(client, case[0], case[1]))


# --- Feeds, sitemaps, robots ---------------------------------------------------------------------------------


def test_feeds_and_sitemaps(client, site):
    feeds = st.tuples(
        st.sampled_from(["section", "person", "topic"]),
        segment([*site["sections"], *site["persons"], *site["topics"]]),
        st.sampled_from(["rss", "atom", "json"]),
    ).map(lambda parts: f"/feeds/{parts[0]}/{parts[1]}.{parts[2]}")
    fixed = st.sampled_from(
        [
            "/feeds/news.rss",
            "/feeds/news.atom",
            "/feeds/news.json",
            "/sitemap.xml",
            "/sitemap-news.xml",
            "/sitemap-articles.xml",
            "/sitemap-sections.xml",
            "/sitemap-nothing.xml",
            "/robots.txt",
        ]
    )
    strategy = st.tuples(st.one_of(fixed, feeds), query(["p", "page"], ["1", "2", "0"]), CONDITIONAL)
    run(150, strategy, lambda case: get(client, case[0], case[1], **case[2]))


# --- The one public form of the newsroom -----------------------------------------------------------------------


def test_newsroom_login_form(site):
    user_with_role("Editor", username="editor")
    form = st.fixed_dictionaries(
        {},
        optional={
            "username": st.one_of(st.just("editor"), VALUE),
            "password": st.one_of(st.just("correct-horse-battery"), VALUE),
            "next": st.one_of(st.sampled_from(["/newsroom/", "/news/", "//evil.example/"]), VALUE),
        },
    )
    address = st.sampled_from(["203.0.113.7", "198.51.100.20", "2001:db8::1", "", "not-an-address"])

    def send(case):
        data, remote_addr = case
        return Client(REMOTE_ADDR=remote_addr).post("/newsroom/login/", data)

    run(100, st.tuples(form, address), send)
