"""Writes stories one transaction at a time until told to stop, appending each committed id to a file: what a
backup taken meanwhile must hold (every id listed before it started). Run as a separate process."""

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from tests.factories import ArticleFactory  # noqa: E402


def main() -> None:
    committed, stop = Path(sys.argv[1]), Path(sys.argv[2])
    n = 0
    with open(committed, "a") as out:
        while not stop.exists():
            with transaction.atomic():
                article = ArticleFactory(slug=f"backup-writer-{os.getpid()}-{n}")
            out.write(f"{article.pk}\n")  # after the commit
            out.flush()
            n += 1


if __name__ == "__main__":
    main()
