"""Test settings: the project's settings with a throwaway data dir and fast password hashing."""

import os
import tempfile

os.environ.setdefault("NEWSDESK_DATA_DIR", tempfile.mkdtemp(prefix="newsdesk-test-"))
os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 40)

from newsdesk.settings import *  # noqa: E402,F403
from newsdesk.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# What follows a publish runs in-process right after commit (the project's worker polls for it instead).
NEWSDESK_PIPELINE_IMMEDIATE = True
