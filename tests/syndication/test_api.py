"""The subscriber API: ninjs 3.1/2.2 validated with jsonschema, the polling cursor, filters, tokens, bad input."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from newsdesk.news import services
from newsdesk.news.models import Article
from newsdesk.syndication import services as syndication
from tests.factories import ArticleFactory, user_with_role

from .conftest import economy, make_articles
from .schemas import validate_ninjs

pytestmark = pytest.mark.django_db
NINJS = "application/vnd.iptc.ninjs+json"


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, json.loads(response.content)


def test_items_are_valid_ninjs_31(client, story):
    make_articles(2)
    response, data = get(client, "/api/v1/items")
    assert response.status_code == 200 and response["Ninjs-Version"] == "3.1"
    assert len(data["items"]) == 3
    for item in data["items"]:
        validate_ninjs(item, "3.1")
    first = next(item for item in data["items"] if item["uri"] == story.guid)
    assert first["headlines"][0]["value"] == story.headline
    assert first["located"] == "Pskov" and first["by"] == "Ivan Petrov"
    assert {
        "name": "Regional development",
        "rel": "about",
        "uri": "http://cv.iptc.org/newscodes/mediatopic/20000640",
    } in first["subjects"]
    assert first["associations"][0]["renditions"][0]["href"].startswith("https://news.example/media/")
    assert first["pubStatus"] == "usable" and first["version"] == "1"


def test_body_counts_words_across_paragraphs(client):
    """Words either side of a paragraph break are two words ("ones</p><p>Two" is not one): 3 + 3 = 6."""
    article = ArticleFactory(body="<p>One two three</p><p>Four &amp; five</p>")
    _, item = get(client, f"/api/v1/items/{article.public_id}")
    (body,) = item["bodies"]
    assert body["wordCount"] == 6 and body["charCount"] == len("One two three Four & five")


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?version=2.2", {}),
        ("", {"Accept": f"{NINJS}; version=2.2"}),
        ("", {"Accept": f'text/html, {NINJS};version="2.2"'}),
    ],
)
def test_ninjs_22_on_request(client, story, query, headers):
    response, data = get(client, f"/api/v1/items{query}", **headers)
    assert response["Ninjs-Version"] == "2.2"
    item = data["items"][0]
    validate_ninjs(item, "2.2")
    assert item["pubstatus"] == "usable" and "versioncreated" in item
    _, single = get(client, f"/api/v1/items/{story.public_id}{query}", **headers)
    validate_ninjs(single, "2.2")


def test_filters(client, story):
    other = ArticleFactory(
        section=economy(), headline="Kamaz to supply at least 1,000 trucks to Philippines by 2020"
    )
    person, topic = story.persons.get(), story.topics.get()
    for query in (f"person={person.slug}", f"topic={topic.slug}", "section=politics"):
        _, data = get(client, f"/api/v1/items?{query}")
        assert [i["uri"] for i in data["items"]] == [story.guid], query
    _, data = get(client, "/api/v1/items?section=economy")
    assert [i["uri"] for i in data["items"]] == [other.guid]
    _, data = get(client, f"/api/v1/items?section=economy&person={person.slug}")
    assert data["items"] == []  # filters combine: both must match


def test_polling_gets_each_item_once_and_each_update_again(client, story):
    _, first = get(client, "/api/v1/items?since=0-0&limit=1")
    seen = [(i["uri"], i["version"]) for i in first["items"]]
    cursor = first["next_since"]
    make_articles(3)
    while True:  # page through with limit=1 to exercise the cursor on every step
        _, page = get(client, f"/api/v1/items?since={cursor}&limit=1")
        seen += [(i["uri"], i["version"]) for i in page["items"]]
        cursor = page["next_since"]
        if not page["has_more"]:
            break
    assert len(seen) == 4 and len(set(seen)) == 4
    _, again = get(client, f"/api/v1/items?since={cursor}")
    assert again["items"] == [] and again["next_since"] == cursor

    services.article_correct(article=story, by=None, note="Corrects the name of the governor.")
    _, updated = get(client, f"/api/v1/items?since={cursor}")
    assert [(i["uri"], i["version"]) for i in updated["items"]] == [(story.guid, "2")]
    _, nothing = get(client, f"/api/v1/items?since={updated['next_since']}")
    assert nothing["items"] == []


def test_scheduled_item_arrives_when_it_comes_due(client, story):
    _, data = get(client, "/api/v1/items")
    cursor = data["next_since"]
    scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(seconds=1),
                               first_published_at=None)  # fmt: skip
    _, early = get(client, f"/api/v1/items?since={cursor}")
    assert early["items"] == []
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - dt.timedelta(microseconds=1))
    _, due = get(client, f"/api/v1/items?since={cursor}")
    assert [i["uri"] for i in due["items"]] == [scheduled.guid]


def test_settle_delay_holds_back_the_newest_events(client, settings, story):
    settings.NEWSDESK_API_SETTLE_SECONDS = 3600
    _, data = get(client, "/api/v1/items?since=0-0")
    assert data["items"] == []  # published 30 minutes ago: still inside the hour's settle window


def test_withdrawn_item_is_announced(client, story):
    _, data = get(client, "/api/v1/items")
    cursor = data["next_since"]
    services.article_withdraw(article=story, by=None, note="The source retracted the statement.")
    _, news = get(client, f"/api/v1/items?since={cursor}")
    (item,) = news["items"]
    validate_ninjs(item, "3.1")
    assert item["uri"] == story.guid and item["pubStatus"] == "canceled" and "bodies" not in item
    response, single = get(client, f"/api/v1/items/{story.public_id}")
    assert response.status_code == 200 and single["pubStatus"] == "canceled"
    _, latest = get(client, "/api/v1/items")
    assert latest["items"][0]["pubStatus"] == "canceled"


def test_drafts_are_not_items(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, first_published_at=None)
    response, data = get(client, f"/api/v1/items/{draft.public_id}")
    assert response.status_code == 404 and data["error"]["code"] == "not_found"
    assert get(client, "/api/v1/items")[1]["items"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("since=yesterday", "since"),
        ("since=1-", "since"),
        ("since=99999999999999999-1", "since"),
        ("since=%00", "since"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=%D9%A3", "limit"),  # an Arabic-Indic digit: isdigit() but not ASCII
        ("version=4.0", "version"),
        ("section=%3Cscript%3E", "section"),
        ("person=" + "a" * 300, "person"),
        ("topic=a/b", "topic"),
    ],
)
def test_malformed_parameters_get_422_json(client, query, parameter):
    response, data = get(client, f"/api/v1/items?{query}")
    assert response.status_code == 422, data
    assert data["error"]["parameter"] == parameter and data["error"]["message"]


@pytest.mark.parametrize("raw", ["abc", "-5", "1" * 40, "١٢"])
def test_malformed_item_ids_get_422(client, raw):
    response, data = get(client, f"/api/v1/items/{raw}")
    assert response.status_code == 422 and data["error"]["parameter"] == "id"


def test_unknown_filter_and_address_get_404_json(client):
    response, data = get(client, "/api/v1/items?section=no-such-section")
    assert response.status_code == 404 and "no-such-section" in data["error"]["message"]
    response, data = get(client, "/api/v1/nothing/here")
    assert response.status_code == 404 and data["error"]["code"] == "not_found"


def test_unsupported_ninjs_version_in_accept_is_406(client):
    response, data = get(client, "/api/v1/items", Accept=f"{NINJS}; version=9.9")
    assert response.status_code == 406 and data["error"]["code"] == "not_acceptable"


def test_only_get(client):
    response = client.post("/api/v1/items", {"a": "b"})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)["error"]["code"] == "method_not_allowed"


def test_tokens_anonymous_switch_and_bad_tokens(client, settings, story):
    token, key = syndication.token_create(name="Regional Daily web desk", rate_limit_per_minute=100)
    settings.NEWSDESK_API_ANONYMOUS = False
    response, data = get(client, "/api/v1/items")
    assert response.status_code == 401 and data["error"]["code"] == "token_required"
    assert response["WWW-Authenticate"] == "Bearer"
    response, data = get(client, "/api/v1/items", Authorization=f"Bearer {key}")
    assert response.status_code == 200 and response["X-RateLimit-Limit"] == "100"
    for bad in (f"Bearer {key}x", f"Basic {key}", "Bearer", "Bearer " + "nd_" + "x" * 5000, key):
        response, data = get(client, "/api/v1/items", Authorization=bad)
        assert response.status_code == 401 and data["error"]["code"] == "invalid_token", bad
    token.is_active = False
    token.save()
    assert get(client, "/api/v1/items", Authorization=f"Bearer {key}")[0].status_code == 401
    settings.NEWSDESK_API_ANONYMOUS = True
    assert get(client, "/api/v1/items")[0].status_code == 200
    # A revoked token is refused even where anonymous reading is on: the subscriber must hear of it.
    assert get(client, "/api/v1/items", Authorization=f"Bearer {key}")[0].status_code == 401


def test_each_token_has_its_own_rate_limit(client, settings):
    _, key = syndication.token_create(name="Wire monitor", rate_limit_per_minute=3)
    _, other = syndication.token_create(name="Agency partner", rate_limit_per_minute=100)
    codes = [get(client, "/api/v1/items", Authorization=f"Bearer {key}")[0].status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response, data = get(client, "/api/v1/items", Authorization=f"Bearer {key}")
    assert data["error"]["code"] == "rate_limited" and 0 < int(response["Retry-After"]) <= 60
    assert get(client, "/api/v1/items", Authorization=f"Bearer {other}")[0].status_code == 200
    settings.NEWSDESK_API_ANONYMOUS_RATE = 1
    assert [get(client, "/api/v1/items")[0].status_code for _ in range(2)] == [200, 429]


@pytest.mark.parametrize("query", ["", "?since=0-0&limit=100", "?section=politics", "?person=vladimir-putin"])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, story, query):
    make_articles(2)
    expected = 3 + (1 if "section" in query or "person" in query else 0)
    with django_assert_num_queries(expected):
        get(client, f"/api/v1/items{query}")
    make_articles(15)
    with django_assert_num_queries(expected):
        get(client, f"/api/v1/items{query}")
    _, key = syndication.token_create(name="Counted", rate_limit_per_minute=1000)
    with django_assert_num_queries(expected + 1):  # the token lookup
        get(client, f"/api/v1/items{query}", Authorization=f"Bearer {key}")


def test_article_update_by_editor_is_a_new_version(client, story):
    _, data = get(client, "/api/v1/items")
    cursor = data["next_since"]
    story.headline = "Putin arrives in Pskov, meets regional governors"
    services.article_save(article=story, by=user_with_role("Editor"))
    _, news = get(client, f"/api/v1/items?since={cursor}")
    assert [(i["headlines"][0]["value"], i["version"]) for i in news["items"]] == [(story.headline, "2")]
