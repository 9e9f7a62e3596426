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
# SQLite's test database is a file, not memory. Django shares one in-memory connection between a test and its
# live server's threads, and two statements on it at once could deadlock: one whose trigger calls this project's
# SQL functions in Python (the search index's, as a transactional test's flush deletes its documents) waits
# for the interpreter's lock, which the other holds while it waits for the connection to bind its parameters.
# A file gives each thread its own connection, as a served site has.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["NEWSDESK_DATA_DIR"], f"test-{os.getpid()}.sqlite3")
    }
