import shutil
import signal
import sys

import pytest

from .stack import Stack, alive


def _needs() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the stack tests read /proc (Linux)")
    if shutil.which("make") is None:
        pytest.skip("make is needed: the stack is started with the Makefile's own serve line")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A data folder with a migrated database, collected static files and a few published stories."""
    _needs()
    stack = Stack(tmp_path_factory.mktemp("stack"))
    stack.prepare()
    return stack


@pytest.fixture(scope="module")
def stack(prepared):
    prepared.start()
    yield prepared
    everything = prepared.stop(signal.SIGTERM)
    left = [pid for pid in everything if alive(pid)]
    prepared.kill_leftovers(set(left))
    assert not left, f"processes left after SIGTERM: {left}\n{prepared.output()}"
