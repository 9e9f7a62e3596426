"""granian on a listening socket it is handed (``python -m newsdesk.serving.granian``, granian's own options).

`newsdesk serve` opens the site's socket once and hands the same one to every granian it starts (the
descriptor's number in NEWSDESK_SERVE_FD). A connection waits in that socket's queue until some process takes
it, so nothing a reader sends is refused while processes come and go: when a granian worker process is killed,
the others take its connections; when granian itself is killed, its worker processes go on serving from the
socket until the next granian's processes serve from it too. (On its own, granian on Linux gives each worker
process a socket of its own: the connections waiting on a killed process's socket are reset.)
"""

from __future__ import annotations

import os

from granian._granian import SocketHolder
from granian.cli import entrypoint
from granian.server.common import AbstractServer

FD_VARIABLE = "NEWSDESK_SERVE_FD"


def _handed_socket(server) -> None:
    # granian's own non-Linux path (one socket all worker processes share), on the descriptor we were handed.
    # ``server`` is left untyped: granian's __init__ sets these attributes to None, which mypy takes for a type.
    fd = int(os.environ[FD_VARIABLE])
    server._ssp = None
    # granian's stub declares no constructor; the Rust class takes (fd, uds, backlog): its __text_signature__.
    server._shd = SocketHolder(fd, False, server.backlog)  # type: ignore[call-arg]
    server._sfd = fd


def main() -> None:
    if os.environ.get(FD_VARIABLE):
        # granian has no hook for a socket it is handed: its method is replaced, in this process only.
        AbstractServer._init_shared_socket = _handed_socket  # type: ignore[method-assign]
    entrypoint()


if __name__ == "__main__":
    main()
