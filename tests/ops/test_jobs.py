"""Every background job, of any app: its duration and failures counted, and one log line each (not Huey's own)."""

from __future__ import annotations

import logging

import pytest
from huey.contrib.djhuey import HUEY

from newsdesk.ops import metrics
from newsdesk.ops import tasks as _signals  # noqa: F401 - registers the accounting, as the worker's import does


@pytest.fixture
def immediate():
    was = HUEY.immediate
    HUEY.immediate = True  # run in this thread, through Huey's execute(): the signals fire as in the worker
    yield
    HUEY.immediate = was


@HUEY.task(name="tests.ops.fine")
def fine_job():
    return "done"


@HUEY.task(name="tests.ops.failing")
def failing_job():
    raise RuntimeError("the wire server answered 503")


def _count(metric, name: str, **labels) -> float:
    for family in metric.collect():
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_jobs_are_timed_counted_and_logged_once(immediate, caplog):
    runs = _count(metrics.JOB_SECONDS, "newsdesk_worker_job_duration_seconds_count", job="tests.ops.fine")
    failures = _count(metrics.JOB_FAILURES, "newsdesk_worker_job_failures_total", job="tests.ops.failing")
    with caplog.at_level(logging.INFO):
        fine_job()
        failing_job()  # Huey keeps the error with the job's result; nothing is raised here
    assert (
        _count(metrics.JOB_SECONDS, "newsdesk_worker_job_duration_seconds_count", job="tests.ops.fine")
        == runs + 1
    )
    assert (
        _count(metrics.JOB_FAILURES, "newsdesk_worker_job_failures_total", job="tests.ops.failing")
        == failures + 1
    )
    lines = [record for record in caplog.records if record.name == "newsdesk.job"]
    assert [(line.getMessage(), line.job) for line in lines] == [
        ("job", "tests.ops.fine"), ("job failed", "tests.ops.failing"),
    ]  # fmt: skip
    assert lines[1].error == "RuntimeError: the wire server answered 503" and not lines[1].exc_info
    assert lines[0].duration_ms >= 0
    assert not [
        record for record in caplog.records if record.name == "huey" and record.levelno < logging.WARNING
    ]
