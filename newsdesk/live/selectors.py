from __future__ import annotations

from .backends import Event


def for_sections(events: list[Event], sections: frozenset[str]) -> list[Event]:
    """The events a page filtered to ``sections`` shows (no sections: every event)."""
    return [event for event in events if not sections or event.data.get("section") in sections]
