"""Real-browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser build).

Contexts bypass CSP only so that axe-core can be injected; CSP itself is tested on headers.
Use ``browser_page`` with pytest-django's ``live_server``. ``axe_violations(page)`` runs axe-core (from npm,
installed into node_modules by `.ci/run`/`make install-axe`) and returns WCAG 2.2 A/AA violations.
"""

from __future__ import annotations

import faulthandler
import functools
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Shared memory in /tmp, not /dev/shm: a container's /dev/shm is 64 MB unless its runner says otherwise, and
    # a Chromium that runs out of it crashes or hangs its renderer.
    "--disable-dev-shm-usage",
]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# A browser test still running after this long is hung: a Playwright call with no timeout of its own (an
# evaluate, a download's file, a close) waiting on a browser that will never answer. The guard names the test,
# prints every thread's stack and kills Chromium, so that the call raises and the test fails; it is then run once
# more, on a new browser (pytest-rerunfailures; a test that failed without hanging is never run again). Without
# the guard a hang lasted until CI's own limit, an hour later, without naming the test.
HANG_SECONDS = float(os.environ.get("NEWSDESK_TEST_BROWSER_HANG_SECONDS", 180))
_HUNG: set[str] = set()  # the tests the guard has ended


def _require_chromium() -> None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian package 'chromium')")


class _Chromium:
    """The session's Chromium, launched again if it has gone (killed by the hang guard, or crashed)."""

    def __init__(self, playwright):
        self._playwright = playwright
        self._browser = None

    def _current(self):
        if self._browser is None or not self._browser.is_connected():
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        return self._browser

    def __getattr__(self, name):
        return getattr(self._current(), name)

    def close(self) -> None:
        if self._browser is not None and self._browser.is_connected():
            self._browser.close()


@pytest.fixture(scope="session")
def chromium():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _Chromium(pw)
        yield browser
        browser.close()


def _descendants(pid: int) -> list[int]:
    """Every process started, directly or not, by process ``pid`` (from /proc: Linux only)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the field after the name, which is in parentheses and may hold spaces
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_chromium() -> list[int]:
    killed = []
    for pid in _descendants(os.getpid()):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip().startswith("chrom"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        except OSError:
            pass
    return killed


def _terminal(config):
    """The terminal's stderr, which the test's output capture does not take (the one pytest's faulthandler
    timeout writes to); else the captured stderr, shown in the test's report."""
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        return open(config.stash[fault_handler_stderr_fd_key], "w", closefd=False)
    except (ImportError, KeyError, OSError):
        return sys.__stderr__


def _hung(nodeid: str, config) -> None:
    _HUNG.add(nodeid)
    out = _terminal(config)
    print(
        f"\n*** {nodeid} still running after {HANG_SECONDS:.0f} s: hung. Every thread's stack:",
        file=out,
        flush=True,
    )
    faulthandler.dump_traceback(file=out, all_threads=True)
    killed = _kill_chromium()
    print(
        f"*** Chromium killed (processes {killed}); the test fails, and is run once more on a new browser if this was its first run.",
        file=out,
    )
    out.flush()


def _still_hung(nodeid: str, config) -> None:
    """Chromium's end did not end the test: what it waits on is not the browser. The run stops here, failed."""
    out = _terminal(config)
    print(
        f"\n*** {nodeid} still hung a minute after Chromium was killed. Every thread's stack:",
        file=out,
        flush=True,
    )
    faulthandler.dump_traceback(file=out, all_threads=True)
    print("*** The test run stops here, failed.", file=out, flush=True)
    os._exit(3)


def _was_hung(nodeid: str) -> bool:
    return nodeid in _HUNG


def pytest_collection_modifyitems(items) -> None:
    """Each browser test is run once more only if the guard ended it (a rerun's condition, read after the run)."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.flaky(reruns=1, condition=functools.partial(_was_hung, item.nodeid)))


@pytest.fixture(autouse=True)
def _browser_hang_guard(request):
    """For a browser test: ends a hang (see HANG_SECONDS). Set up before, and so ended after, the test's pages."""
    if request.node.get_closest_marker("browser") is None or not sys.platform.startswith("linux"):
        yield
        return
    args = (request.node.nodeid, request.config)
    timers = [
        threading.Timer(HANG_SECONDS, _hung, args),
        threading.Timer(HANG_SECONDS + 60, _still_hung, args),
    ]
    for timer in timers:
        timer.daemon = True
        timer.start()
    yield
    for timer in timers:
        timer.cancel()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(
    page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"), skip_rules=()
) -> list[dict]:
    """axe-core's violations of ``tags`` on the page as it is now, leaving out the rules named in ``skip_rules``."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is required in CI: run `npm ci` (see .ci/run)")
        pytest.skip("axe-core is not installed: run `npm ci` in the project root")
    if not page.evaluate("typeof axe === 'object'"):  # once per document: parsing it is most of a check
        page.add_script_tag(path=str(AXE))
    rules = {rule: {"enabled": False} for rule in skip_rules}
    return page.evaluate(
        "async ([tags, rules]) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})).violations",
        [list(tags), rules],
    )
