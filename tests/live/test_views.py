"""The live endpoints' input: hostile or malformed parameters get a precise 400, never a 500."""

from __future__ import annotations

import pytest

from newsdesk.live.backends import get_backend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["?after=abc", "?after=1-2", "?after=" + "9" * 200, "?since=yesterday", "?since=-5", "?since=" + "1" * 30,
     "?section=<script>", "?section=" + "a" * 101, "?" + "&".join(["section=x"] * 51), "?after=%00"],
)  # fmt: skip
@pytest.mark.parametrize("endpoint", ["/live/events", "/live/stream"])
def test_malformed_input_is_a_clear_400(client, endpoint, query):
    response = client.get(endpoint + query)
    assert response.status_code == 400
    assert response.json()["error"]
    assert response["Cache-Control"] == "no-store"


def test_hostile_last_event_id_header(client):
    response = client.get("/live/stream", headers={"Last-Event-ID": "1; DROP TABLE live_liveevent"})
    assert response.status_code == 400


def test_polling_returns_events_after_the_cursor_filtered_by_section(client):
    backend = get_backend()
    first = backend.announce(key="a:1", data={"headline": "Lavrov meets Tillerson", "section": "politics"})
    backend.announce(key="a:2", data={"headline": "Spartak win the league", "section": "sport"})
    third = backend.announce(key="a:3", data={"headline": "Putin visits Paris", "section": "politics"})
    body = client.get(f"/live/events?after={first}&section=politics").json()
    assert [event["headline"] for event in body["events"]] == ["Putin visits Paris"]
    assert body["last"] == third  # the sport story still moves the cursor: it is not fetched again


def test_only_posts_are_refused(client):
    assert client.post("/live/events").status_code == 405
