"""The search page and GET /api/v1/search: shape, validation (400 with a precise message), hostile input,
constant query counts. Run on whichever database the suite runs on (its matching back end)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from newsdesk.search.services import search_sync_pending
from tests.factories import PersonFactory, TopicFactory

from .conftest import story
from .test_contract import HOSTILE, KAMAZ, RYABKOV

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    trump = PersonFactory(name="Donald Trump", slug="donald-trump")
    topic = TopicFactory(name="Russia-US relations", slug="russia-us")
    ryabkov = story("Moscow concerned over no breakthrough in US relations with Russia", RYABKOV)
    ryabkov.persons.add(trump)
    ryabkov.topics.add(topic)
    kamaz = story(
        "Kamaz to supply at least 1,000 trucks to Philippines by 2020", KAMAZ, hours_ago=2, section="economy"
    )
    search_sync_pending()  # the worker's job: what the factories wrote reaches the index
    return {"ryabkov": ryabkov, "kamaz": kamaz}


def test_api_returns_total_hits_highlights_facets(client, articles):
    response = client.get("/api/v1/search", {"q": "Moscow OR trucks"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2 and data["total_exact"] and data["page"] == 1 and data["page_count"] == 1
    kamaz = next(hit for hit in data["hits"] if hit["id"] == articles["kamaz"].public_id)
    assert kamaz["url"] == articles["kamaz"].get_absolute_url()
    assert "<mark>trucks</mark>" in kamaz["highlight"]["headline"]
    assert kamaz["section"] == {"slug": "economy", "name": "Business & Economy"}
    assert dt.datetime.fromisoformat(kamaz["published_at"]) == articles["kamaz"].publish_at
    assert {f["value"]: f["count"] for f in data["facets"]["section"]} == {"politics": 1, "economy": 1}
    assert data["facets"]["person"] == [{"value": "donald-trump", "label": "Donald Trump", "count": 1}]
    assert data["facets"]["topic"][0]["value"] == "russia-us"
    assert data["facets"]["month"][0]["count"] == 2
    assert data["did_you_mean"] is None


def test_api_filters_sort_and_did_you_mean(client, articles):
    def hit_ids(**params):
        return [hit["id"] for hit in client.get("/api/v1/search", params).json()["hits"]]

    assert hit_ids(q="Moscow OR trucks", section="economy") == [articles["kamaz"].public_id]
    assert hit_ids(q="Moscow OR trucks", person="donald-trump") == [articles["ryabkov"].public_id]
    assert hit_ids(q="Moscow OR trucks", topic="russia-us") == [articles["ryabkov"].public_id]
    # The stories' own days in the site's zone (an hour ago can be yesterday just after midnight in Moscow).
    days = sorted(timezone.localdate(a.publish_at) for a in (articles["kamaz"], articles["ryabkov"]))
    span = {"from": days[0].isoformat(), "to": days[-1].isoformat()}
    assert len(hit_ids(q="Moscow OR trucks", **span)) == 2
    before = {"from": "2000-01-01", "to": (days[0] - dt.timedelta(days=1)).isoformat()}
    assert hit_ids(q="Moscow OR trucks", **before) == []
    assert hit_ids(q="Moscow OR trucks", sort="date") == [
        articles["ryabkov"].public_id,
        articles["kamaz"].public_id,
    ]
    assert client.get("/api/v1/search", {"q": "Kamaz truks"}).json()["did_you_mean"] == "Kamaz trucks"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2017-13-01"}, "from", "Enter a valid date."),
        ({"from": "2017-05-31", "to": "2017-05-01"}, "__all__", "must not be after"),
        ({"to": "9999-12-31"}, "to", "Dates end at 2999-12-31."),  # was a 500: the day after overflowed
        ({"from": "0001-01-01"}, "from", "Dates start at 1900-01-01."),
        ({"section": "no-such-section"}, "section", "There is no section “no-such-section”."),
        ({"person": "nobody"}, "person", "There is no person “nobody”."),
        ({"topic": "../../etc"}, "topic", "Enter a valid “slug”"),
        ({"sort": "popularity"}, "sort", "Select a valid choice."),
        ({"page": "0"}, "page", "greater than or equal to 1"),
        ({"page": "abc"}, "page", "Enter a whole number."),
        ({"page": "99999999999999999999"}, "page", "less than or equal to 500"),
    ],
)
def test_api_rejects_bad_parameters_with_precise_messages(client, articles, params, field, message):
    response = client.get("/api/v1/search", {"q": "Moscow", **params})
    assert response.status_code == 400
    assert any(message in error for error in response.json()["errors"][field])
    page = client.get("/search/", {"q": "Moscow", **params})
    assert page.status_code == 400 and "The search could not be run" in page.content.decode()


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_an_answer_never_a_500(client, articles, q):
    api = client.get("/api/v1/search", {"q": q})
    assert api.status_code == 200
    assert len(api.json()["query"]) <= 200
    page = client.get("/search/", {"q": q})
    assert page.status_code == 200
    assert "<script>alert" not in page.content.decode()


def test_long_query_is_cut_and_said_so(client, articles):
    data = client.get("/api/v1/search", {"q": "trucks " * 2000}).json()
    assert data["query_truncated"] and data["total"] == 1
    assert "only its first 200 characters" in client.get("/search/", {"q": "trucks " * 2000}).content.decode()


def test_write_methods_are_refused(client):
    assert client.post("/api/v1/search", {"q": "Moscow"}).status_code == 405


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.marks, self.links, self._in_mark = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_mark = self._in_mark or tag == "mark"
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        self._in_mark = self._in_mark and tag != "mark"

    def handle_data(self, data):
        if self._in_mark:
            self.marks.append(data)


def test_page_shows_marked_hits_facets_and_paging(client, articles):
    for n in range(12):
        story(f"Kamaz delivers trucks to customer {n}", KAMAZ, hours_ago=3 + n)
    search_sync_pending()
    response = client.get("/search/", {"q": "trucks"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "13 results for “trucks”, page 1 of 2." in html
    parser = _Text()
    parser.feed(html)
    assert set(parser.marks) == {"trucks"}
    assert "?q=trucks&section=economy" in parser.links
    assert "?q=trucks&page=2" in parser.links
    assert "1 result for" in client.get("/search/", {"q": "Moscow"}).content.decode()
    assert "style=" not in html and "<script>" not in html  # strict CSP: no inline code
    assert "{{" not in html and "{%" not in html


def test_page_offers_did_you_mean(client, articles):
    html = client.get("/search/", {"q": "Kamaz truks"}).content.decode()
    assert 'Did you mean <a href="?q=Kamaz+trucks">Kamaz trucks</a>?' in html


def test_no_story_with_all_the_words_shows_those_with_some(client, articles):
    """A query none of whose matches has all its words is never an empty page: the stories with some of them
    are shown, and the reader is told."""
    data = client.get("/api/v1/search", {"q": "Kamaz trucks hurricane"}).json()
    assert [hit["id"] for hit in data["hits"]] == [articles["kamaz"].public_id]
    assert data["any_words"] is True and data["all_words"] == 0 and data["total"] == 1
    html = client.get("/search/", {"q": "Kamaz trucks hurricane"}).content.decode()
    assert "No story has all of these words; these stories have some of them." in html
    data = client.get("/api/v1/search", {"q": "Kamaz trucks"}).json()
    assert data["any_words"] is False and data["all_words"] == 1


def test_a_phrase_no_story_has_shows_its_words_apart_and_says_so(client, articles):
    """A phrase in quotes alone that no story has ("1,000 trucks to the Philippines") is not an empty page: the
    stories with its words apart, and the reader is told; a code typed with its hyphen too, as the words that
    were looked for instead."""
    data = client.get("/api/v1/search", {"q": '"trucks Philippines"'}).json()
    assert [hit["id"] for hit in data["hits"]] == [articles["kamaz"].public_id] and data[
        "phrase_apart"
    ] is True
    html = client.get("/search/", {"q": '"trucks Philippines"'}).content.decode()
    assert "No story has the phrase in quotes as written; these stories have its words apart." in html
    data = client.get("/api/v1/search", {"q": "trucks-Philippines"}).json()
    assert [hit["id"] for hit in data["hits"]] == [articles["kamaz"].public_id] and data[
        "phrase_apart"
    ] is False
    assert data["searched_instead"] == "trucks philippines"  # no story has them side by side: said so
    html = client.get("/search/", {"q": "trucks-Philippines"}).content.decode()
    assert "No story has “trucks-Philippines” as typed; these stories have “trucks philippines”." in html
    html = client.get("/ru/search/", {"q": "trucks-Philippines"}).content.decode()
    assert "trucks philippines" not in html  # nothing found there: no notice
    html = client.get("/ru/search/", {"q": '"trucks Philippines"'}).content.decode()
    assert "phrase in quotes" not in html  # the Russian edition has no such story: no notice without hits
    data = client.get("/api/v1/search", {"q": '"Deputy Foreign Minister"'}).json()
    assert [hit["id"] for hit in data["hits"]] == [articles["ryabkov"].public_id] and data[
        "phrase_apart"
    ] is False


def test_query_counts_do_not_grow_with_articles(client, articles, django_assert_max_num_queries):
    client.get("/api/v1/search", {"q": "Moscow OR trucks"})
    with django_assert_max_num_queries(20) as before:
        client.get("/api/v1/search", {"q": "Moscow OR trucks", "section": "economy"})
    count = len(before.captured_queries)  # read now: each request resets Django's query log
    for n in range(25):
        story(f"Kamaz delivers trucks to customer {n}", KAMAZ, hours_ago=3 + n, section="economy")
    client.get("/api/v1/search", {"q": "Moscow OR trucks"})
    with django_assert_max_num_queries(count):
        client.get("/api/v1/search", {"q": "Moscow OR trucks", "section": "economy"})
    with django_assert_max_num_queries(count + 2):
        client.get("/search/", {"q": "Moscow OR trucks", "section": "economy"})
