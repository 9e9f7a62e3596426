"""`newsdesk serve` — what `make run` starts — and the guard of the embedded server against slow clients.

supervisor.py runs granian and `newsdesk worker` as one service (restarts, clean stop); guard.py bounds what a
client can hold (deadlines for bodies and silent connections, limits per address); connections.py is how the
guard sees and cuts the process's own connections.
"""
