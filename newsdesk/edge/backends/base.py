from __future__ import annotations

import re
from collections.abc import Collection

# Keys travel in a header and inside a Varnish ban regex: no spaces, commas, dots or regex syntax.
KEY_RE = re.compile(r"^[A-Za-z0-9:_-]{1,200}$")


def check_keys(keys: Collection[str]) -> list[str]:
    bad = [key for key in keys if not KEY_RE.match(key)]
    if bad:
        raise ValueError(f"surrogate keys may use only letters, digits, ':', '_' and '-': {bad!r}")
    return sorted(set(keys))


class BasePurger:
    """Invalidate every cached response that carries at least one of ``keys``; nothing else."""

    def purge(self, keys: Collection[str]) -> None:
        raise NotImplementedError
