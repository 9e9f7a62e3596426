"""Runs a few long-lived programs as one service: starts them, restarts any that dies, stops them together.

Each program runs in a process group of its own, so that what it starts (granian's worker processes) is
stopped with it and never outlives the service, and so that a Ctrl-C in the terminal reaches only this
process, which then stops the programs in order: SIGTERM to each program, then, after ``stop_timeout``,
SIGKILL to whatever is left of its group. On Linux a program is also told to stop if this process dies without
doing so (``kill -9``).

A program that exits on its own is restarted: at once when it had been running for ``healthy_after`` seconds,
otherwise after a pause that doubles with each quick exit (0.5 s, 1 s … ``max_backoff``), so a program that
cannot start does not spin.

A program with a ``ready`` marker hands over instead of leaving a gap: when granian's main process dies, its
worker processes go on serving (from the socket newsdesk serve hands every granian: serving/granian.py), so
they are left running until the replacement has printed the marker once per worker process (or
``handover_limit`` seconds pass), and only then stopped. Such a program's output passes through this process,
which watches it for the marker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1


@dataclass
class Program:
    name: str
    argv: list[str]
    about: str  # what it is, printed when it starts
    env: dict[str, str] = field(default_factory=dict)  # on top of the supervisor's environment
    log: Path | None = None  # None: the supervisor's own stdout
    pass_fds: tuple[int, ...] = ()  # descriptors it inherits (the listening socket)
    # Serving (see the module's docstring): ``ready_count`` distinct matches (group 1) of this in its output.
    ready: re.Pattern[bytes] | None = None
    ready_count: int = 1
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_exits: int = 0
    restart_at: float | None = None
    seen_ready: set[bytes] = field(default_factory=set)
    # Process groups of earlier runs still serving, and since when: stopped once this run is ready.
    leftovers: list[tuple[int, float]] = field(default_factory=list)


def _how(returncode: int) -> str:
    if returncode >= 0:
        return f"with code {returncode}"
    with contextlib.suppress(ValueError):
        return f"on {signal.Signals(-returncode).name}"
    return f"on signal {-returncode}"


def _stop_with_parent(parent: int) -> Callable[[], None] | None:
    """In the child, before exec: SIGTERM when the supervisor dies (Linux); None elsewhere."""
    if sys.platform != "linux":
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the supervisor died between fork and prctl
            os._exit(1)

    return preexec


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


class Supervisor:
    def __init__(
        self,
        programs: list[Program],
        *,
        say: Callable[[str], None],
        stop_timeout: float = 10.0,
        healthy_after: float = 10.0,
        max_backoff: float = 30.0,
        handover_limit: float = 60.0,
    ) -> None:
        self.programs = programs
        self.say = say
        self.stop_timeout, self.healthy_after, self.max_backoff = stop_timeout, healthy_after, max_backoff
        self.handover_limit = handover_limit
        self._wake = threading.Event()
        self._stopping = False
        self._interrupts = 0
        self._output = threading.Lock()

    # Signals ------------------------------------------------------------------------------------------------
    def _on_stop_signal(self, signum, frame) -> None:
        self._stopping = True
        self._interrupts += 1
        if self._interrupts > 1:  # asked twice: no more waiting
            for program in self.programs:
                self._kill_all(program)
        self._wake.set()

    def _on_child(self, signum, frame) -> None:
        self._wake.set()

    # Programs -----------------------------------------------------------------------------------------------
    def start(self, program: Program) -> None:
        env = {**os.environ, **program.env}
        output = open(program.log, "ab") if program.log else None  # noqa: SIM115 - the child holds it
        try:
            process = subprocess.Popen(  # noqa: S603 - our own commands, from newsdesk serve
                program.argv,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output or (subprocess.PIPE if program.ready else None),
                stderr=subprocess.STDOUT if output or program.ready else None,
                process_group=0,
                pass_fds=program.pass_fds,
                preexec_fn=_stop_with_parent(os.getpid()),
            )
        finally:
            if output:
                output.close()
        program.process = process
        program.started_at = time.monotonic()
        program.restart_at = None
        program.seen_ready = set()
        if program.ready and not output:
            threading.Thread(target=self._relay, args=(program, process), daemon=True).start()
        self.say(f"  {program.name:<7} pid {process.pid:<7} {program.about}")

    def _relay(self, program: Program, process: subprocess.Popen) -> None:
        """Pass the program's output on, line by line, counting its ready lines."""
        ready, lines = program.ready, process.stdout
        assert ready is not None and lines is not None  # relayed only for a program with ready lines, piped
        for line in lines:
            if program.process is process and (match := ready.search(line)):
                program.seen_ready.add(match.group(1))
                self._wake.set()
            with self._output:
                sys.stdout.buffer.write(line)
                sys.stdout.flush()

    def _exited(self, program: Program, process: subprocess.Popen, returncode: int) -> None:
        ran = time.monotonic() - program.started_at
        pgid = process.pid
        program.process = None
        if program.ready:
            program.leftovers.append(
                (pgid, time.monotonic())
            )  # its workers may still serve: see the docstring
        else:
            _signal_group(pgid, signal.SIGKILL)  # anything it started and left behind
        if ran >= self.healthy_after:
            program.quick_exits = 0
        program.quick_exits += 1
        delay = (
            0.0 if program.quick_exits == 1 else min(self.max_backoff, 0.5 * 2 ** (program.quick_exits - 2))
        )
        program.restart_at = time.monotonic() + delay
        when = "now" if delay == 0 else f"in {delay:g} s"
        self.say(
            f"newsdesk serve: {program.name} exited {_how(returncode)} after {ran:.1f} s; restarting {when}"
        )

    def _retire_leftovers(self, program: Program) -> None:
        """Stop earlier runs' processes once the new run serves (or has had long enough)."""
        now = time.monotonic()
        ready = program.process is not None and len(program.seen_ready) >= program.ready_count
        keep = []
        for pgid, since in program.leftovers:
            if ready or now - since >= self.handover_limit:
                _signal_group(pgid, signal.SIGTERM)
                threading.Timer(5.0, _signal_group, (pgid, signal.SIGKILL)).start()
            else:
                keep.append((pgid, since))
        program.leftovers = keep

    def _kill_all(self, program: Program) -> None:
        if program.process is not None:
            _signal_group(program.process.pid, signal.SIGKILL)
        for pgid, _ in program.leftovers:
            _signal_group(pgid, signal.SIGKILL)

    def stop(self) -> None:
        running = [(program, program.process) for program in self.programs if program.process is not None]
        for program in self.programs:
            for pgid, _ in program.leftovers:
                _signal_group(pgid, signal.SIGTERM)
        for _, process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for program, process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(
                    f"newsdesk serve: {program.name} did not stop in {self.stop_timeout:g} s; killing it"
                )
        for program in self.programs:
            self._kill_all(program)  # whatever is left of each group
            if program.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    program.process.wait(timeout=5)

    # The loop -----------------------------------------------------------------------------------------------
    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_stop_signal)
        signal.signal(signal.SIGCHLD, self._on_child)
        try:
            for program in self.programs:
                self.start(program)
            while not self._stopping:
                self._wake.wait(0.2)
                self._wake.clear()
                for program in self.programs:
                    if self._stopping:
                        break
                    if program.process is not None and (code := program.process.poll()) is not None:
                        self._exited(program, program.process, code)
                    due = program.restart_at
                    if program.process is None and due is not None and time.monotonic() >= due:
                        self.start(program)
                    if program.leftovers:
                        self._retire_leftovers(program)
        finally:
            self.say("newsdesk serve: stopping")
            self.stop()
        self.say("newsdesk serve: stopped")
        return 0
