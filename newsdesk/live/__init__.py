"""Live feed: new stories pushed to open feed pages over Server-Sent Events, with a polling fallback.

Events live in an ordered log (a Redis stream across machines, or a table in the embedded setup); an event's id
is the SSE ``id``, so a reconnecting browser resumes with ``Last-Event-ID`` from any app process, with no gap and
no duplicate.
"""
