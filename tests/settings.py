"""Test settings: the project's settings with a throwaway data dir and fast password hashing."""

import atexit
import os
import shutil
import tempfile

if "NEWSDESK_DATA_DIR" not in os.environ:  # a server a test starts inherits its parent's
    os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-test-")
    atexit.register(shutil.rmtree, os.environ["NEWSDESK_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 40)

from newsdesk.settings import *  # noqa: E402,F403
from newsdesk.settings import STORAGES, TIME_ZONE  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# What follows a publish runs in-process right after commit (the project's worker polls for it instead).
NEWSDESK_PIPELINE_IMMEDIATE = True
# The suite runs in the site's default zone (Europe/Moscow: no daylight saving time); tests/run_all.py runs the
# time-sensitive tests again in America/New_York (with DST) and in UTC through this variable.
TIME_ZONE = os.environ.get("NEWSDESK_TEST_TIME_ZONE") or TIME_ZONE
# SQLite's test database is a file, not memory. Django gives a live server's request threads the test's own
# in-memory connection, and a run hung for good with two statements on it at once, each blocked inside SQLite:
# a transactional test's flush (deleting search documents, whose triggers call this project's SQL functions in
# Python) and a request's read of its session. A file gives each thread its own connection, as a served site
# has; a conflict then waits at most the busy timeout and raises.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["NEWSDESK_DATA_DIR"], f"test-{os.getpid()}.sqlite3")
    }
