"""One contract for every live event log back end: the embedded database table and the Redis stream."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from newsdesk.live.backends import load_backend

pytestmark = pytest.mark.django_db(transaction=True)


def run_coroutine(coro):
    """Run ``coro`` on a fresh event loop in its own thread: the session's Playwright browser keeps an event
    loop running in the test thread, where asyncio.run() and async_to_sync() refuse to start another."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(params=["database", "redis"])
def backend(request):
    if request.param == "database":
        return load_backend({"BACKEND": "database", "OPTIONS": {"POLL_INTERVAL": 0.05}})
    url = request.getfixturevalue("redis_url")
    stream = f"test:{request.node.name}:{time.monotonic_ns()}"
    return load_backend({"BACKEND": "redis", "OPTIONS": {"URL": url, "STREAM": stream}})


def story(n: int) -> dict:
    return {"public_id": n, "headline": f"Putin holds talks with Macron ({n})", "section": "politics"}


def test_announce_once_per_key(backend):
    assert backend.announce(key="article:1", data=story(1))
    assert backend.announce(key="article:1", data=story(1)) is None
    assert [event.data["public_id"] for event in backend.read(after="")] == [1]


def test_resume_after_an_id_has_no_gap_and_no_duplicate(backend):
    ids = [backend.announce(key=f"article:{n}", data=story(n)) for n in range(5)]
    assert ids == sorted(ids, key=lambda i: tuple(int(p) for p in i.split("-")))
    resumed = backend.read(after=ids[1])
    assert [event.id for event in resumed] == ids[2:]
    assert backend.read(after=ids[-1]) == []
    assert backend.latest_id() == ids[-1]


def test_wait_wakes_up_when_another_thread_announces(backend):
    start = backend.latest_id()
    threading.Timer(0.2, lambda: backend.announce(key="article:9", data=story(9))).start()
    found = backend.wait(after=start, timeout=5)  # woken by the story: a timeout would have found nothing
    assert [event.data["public_id"] for event in found] == [9]


def test_wait_times_out_empty(backend):
    assert backend.wait(after=backend.latest_id(), timeout=0.3) == []


def test_await_events(backend):
    first = backend.announce(key="article:3", data=story(3))
    found = run_coroutine(backend.await_events(after="", timeout=2))
    assert [event.id for event in found] == [first]


def test_id_at_a_render_time_resumes_after_older_events(backend):
    backend.announce(key="article:1", data=story(1))
    rendered = next_millisecond()  # a render after the first story, in a millisecond of its own
    next_millisecond()
    newer = backend.announce(key="article:2", data=story(2))
    assert [event.id for event in backend.read(after=backend.id_at(ms=rendered))] == [newer]


@pytest.mark.parametrize("raw", ["abc", "1-", "-1", "1.5", "١٢", "9" * 40, "1-2-3", "' OR 1=1"])
def test_hostile_ids_are_refused(backend, raw):
    with pytest.raises(ValueError):
        backend.parse_id(raw)


def next_millisecond() -> int:
    """The clock's next millisecond, once it has come (ids and render times are counted in milliseconds)."""
    now = int(time.time() * 1000)
    while (later := int(time.time() * 1000)) == now:
        time.sleep(0.0005)
    return later


async def _until(condition, *, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the hub never got there"
        await asyncio.sleep(0.005)


async def _crowd(backend, start: str, *, size: int, leaving: int = 0) -> list[list]:
    """``size`` connections wait on the hub after ``start``; ``leaving`` of them go away; then one story."""
    waiting = [asyncio.create_task(backend.await_events(after=start, timeout=5)) for _ in range(size)]
    await _until(lambda: backend._hub is not None and backend._hub.waiting == size)
    for task in waiting[:leaving]:
        task.cancel()
    await _until(lambda: backend._hub.waiting == size - leaving)
    await asyncio.to_thread(backend.announce, key="news", data=story(1))
    found = await asyncio.gather(*waiting[leaving:])
    followers = [task for task in asyncio.all_tasks() if "_follow" in task.get_coro().__qualname__]
    assert len(followers) == 1  # one follower for the crowd, still following
    return [[event.data["public_id"] for event in events] for events in found]


def _redis_after_one_story(redis_url):
    backend = load_backend(
        {"BACKEND": "redis", "OPTIONS": {"URL": redis_url, "STREAM": f"crowd:{time.monotonic_ns()}"}}
    )
    backend.announce(key="before", data=story(0))
    return backend, backend.latest_id()


def test_redis_hub_starts_one_follower_for_a_crowd(redis_url):
    backend, start = _redis_after_one_story(redis_url)
    found = run_coroutine(_crowd(backend, start, size=50))
    assert found == [[1]] * 50
    buffered = [event.data["public_id"] for event in backend._hub.events]
    assert buffered == [1]  # one follower: each event buffered once


def test_redis_hub_a_connection_going_away_leaves_the_others_waiting(redis_url):
    """Every connection waits on one shared wake-up; one cancelled (a reader closed the tab) must not cancel it."""
    backend, start = _redis_after_one_story(redis_url)
    assert run_coroutine(_crowd(backend, start, size=20, leaving=1)) == [[1]] * 19
