import pytest

from newsdesk.live import selectors
from newsdesk.live.backends import reset_backend


@pytest.fixture(autouse=True)
def _fresh_live_backend():
    reset_backend()
    _forget_reads()
    yield
    reset_backend()
    _forget_reads()


def _forget_reads():
    """The process's kept reads of the log are keyed by the back end's id(): a back end made for one test can get
    the id of an earlier test's, whose kept positions and reads (of events with the same ids, the database rolled
    back) would then answer this test's polls without a query."""
    selectors._positions.clear()
    selectors._reads.clear()
    selectors._latest = (None, "", float("-inf"))
