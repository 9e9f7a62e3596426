"""Stopping the `make run` stack: Ctrl-C stops everything it started; so does its own death (`kill -9`)."""

from __future__ import annotations

import os
import signal
import socket

from .stack import alive, descendants, wait_for


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_ctrl_c_stops_every_process_and_frees_the_port(prepared):
    prepared.start()
    everything = prepared.stop(signal.SIGINT)  # what the terminal sends make and `newsdesk serve` on Ctrl-C
    assert prepared.process.returncode == 0
    assert len(everything) >= 5  # newsdesk serve, granian, its 2 processes, newsdesk worker
    assert [pid for pid in everything if alive(pid)] == []
    assert refused(prepared.port)
    assert prepared.output().rstrip().endswith("newsdesk serve: stopped")


def test_when_the_supervisor_itself_is_killed_nothing_is_left_behind(prepared):
    prepared.start()
    everything = descendants(prepared.process.pid)
    os.kill(prepared.process.pid, signal.SIGKILL)
    prepared.process.wait()
    try:
        wait_for(lambda: not any(alive(pid) for pid in everything), what="every process to stop")
    finally:
        prepared.kill_leftovers({pid for pid in everything if alive(pid)})
    assert refused(prepared.port)
