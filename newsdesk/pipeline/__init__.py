"""What follows a publish, correction or withdrawal: the outbox and the worker that drains it.

A news service that changes what readers may see writes, in the same transaction as the article, one
``Change`` row per article (``services.changes_record``). After commit nothing runs in the editor's request:
the worker's drain loop (``newsdesk worker``; in-process after commit when ``NEWSDESK_PIPELINE_IMMEDIATE``)
claims the due changes in batches and runs every registered effect over a whole batch at once — the search
index, Read also, the edge purge, the live feed, WebSub, cache notes (``effects.py``). Each effect is
idempotent: a change whose drain was cut short (``kill -9``) is claimed again when its lease runs out, and
running an effect twice changes nothing. An effect that fails is retried with backoff and shows in the
newsroom (``EffectFailure``) until it succeeds; it never stops the other effects.
"""
