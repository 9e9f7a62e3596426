"""The project's settings plus one trivial view, so the reader-page benchmark compares against plain Django."""

from newsdesk.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._reader_urls"
