"""Newsdesk settings: one module, driven by environment variables (see README "Configuration").

A fresh clone runs on SQLite with no variables at all; every integration stays off until configured.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("NEWSDESK_DATA_DIR", BASE_DIR / "var"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else generated once and kept in DATA_DIR (never a fixed default)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",  # newsroom login throttling (newsdesk/newsroom/login.py)
    "newsdesk.news",
    "newsdesk.newsroom",
    "newsdesk.site",
    "newsdesk.demo",
    "newsdesk.syndication",
    "newsdesk.search",
    "newsdesk.weather",
    "newsdesk.markets",
    "newsdesk.worker",
    "newsdesk.ingest",
    "newsdesk.analytics",
    "newsdesk.edge",
    "newsdesk.live",
    "newsdesk.serving",  # `newsdesk serve`: what `make run` starts, and its guard against slow clients
    "newsdesk.pipeline",  # what follows a publish: the outbox the worker drains (README "Architecture")
    "newsdesk.ops",  # backups, health, metrics, request logs, the audit log (docs/operations.md)
]

MIDDLEWARE = [
    "newsdesk.ops.middleware.RequestAccountingMiddleware",  # first: counts every query; view and user
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.editions.EditionMiddleware",  # the edition from the URL only (/ru/…), before anything resolves it
    "newsdesk.site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsdesk.edge.middleware.EdgeCacheMiddleware",  # after WhiteNoise: sees every cookie set below it
    "newsdesk.edge.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsdesk.site.middleware.ExpectedBadRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into newsroom/login.py's page
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.site.context_processors.site",
            ],
            # Fail loudly in tests instead of leaking "{{ item.group_date }}"-style gaps to readers.
            "string_if_invalid": os.environ.get("TEMPLATE_STRING_IF_INVALID", ""),
        },
    },
    {
        # Reader pages (each app's jinja2/ folder; why: newsdesk/site/jinja.py). The newsroom keeps Django's engine.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "newsdesk.site.jinja.environment",
            "context_processors": ["newsdesk.site.context_processors.site"],
        },
    },
]

SQLITE_PATH = DATA_DIR / "newsdesk.sqlite3"
SQLITE_OPTIONS = {
    # WAL lets readers run while one writer writes; IMMEDIATE avoids "database is locked" upgrades mid-transaction.
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=5000;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=134217728;"
        "PRAGMA cache_size=-20000;"
    ),
    "transaction_mode": "IMMEDIATE",
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES = {
        # Persistent connections: opening one and running the PRAGMAs above costs ~1 ms, per request without it.
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": 600,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's included columns are PostgreSQL's; SQLite makes the index without them, as news migration 0012
# intends (the article index that holds what search's visibility gate checks).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Search follows the database: SQLite FTS5 in the same file, or PostgreSQL full-text search (README "Search").
SEARCH_BACKENDS = {
    "default": {
        "BACKEND": "newsdesk.search.backends.postgres.PostgresSearchBackend"
        if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        else "newsdesk.search.backends.sqlite.SQLiteSearchBackend",
        # Ranking is bounded: only the newest matches are scored, as many as the back end's own bound (SQLite
        # 1,500, PostgreSQL 1,750) or OPTIONS "CANDIDATES" (see README "Search").
        "OPTIONS": {"RECENCY_WEIGHT": 1.0, "RECENCY_HALF_LIFE_DAYS": 14},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def _editions(name: str, default: str) -> list[tuple[str, str]]:
    """The editions (docs/editions.md): language codes Django knows, the first the default edition served at /."""
    from django.conf.locale import LANG_INFO

    codes = env_list(name, default)
    unknown = [code for code in codes if code not in LANG_INFO or "fallback" in LANG_INFO[code]]
    if unknown or not codes or len(set(codes)) != len(codes):
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name, default)!r}: give distinct language codes Django knows, comma-separated, "
            f"the default edition first (e.g. en,ru); unknown: {', '.join(unknown) or 'none'}."
        )
    return [(code, LANG_INFO[code]["name"]) for code in codes]


# Editions: one per language, the first served at /, the others under /<code>/ (docs/editions.md).
LANGUAGES = _editions("NEWSDESK_EDITIONS", "en,ru")
LANGUAGE_CODE = LANGUAGES[0][0]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
# The reader interface's translations (docs/editions.md, "Translating the interface"); .mo files are committed.
LOCALE_PATHS = [BASE_DIR / "newsdesk" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: limits enforced again, per image, by newsdesk.news.images.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NEWSDESK_IMAGE_MAX_BYTES = int(os.environ.get("NEWSDESK_IMAGE_MAX_BYTES", 15 * 1024 * 1024))
NEWSDESK_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSDESK_IMAGE_MAX_PIXELS", 40_000_000))

# Security headers. HTTPS-only flags follow SECURE_COOKIES so that plain-HTTP local runs still work.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
# HSTS: sent on HTTPS responses only. A site that declares itself HTTPS (SECURE_COOKIES) asks browsers to stay
# on HTTPS for a year; subdomains and the preload list are the operator's choice, since they bind every
# subdomain and are slow to undo.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if SECURE_HSTS_PRELOAD and not (SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_SECONDS >= 365 * 24 * 3600):
    raise ImproperlyConfigured(
        "SECURE_HSTS_PRELOAD=1 needs SECURE_HSTS_INCLUDE_SUBDOMAINS=1 and SECURE_HSTS_SECONDS of at least "
        "31536000 (one year): the browsers' preload list takes nothing less."
    )

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # where a login lands when its ?next= is missing or refused as off-site

# Login throttling (django-axes, newsdesk/newsroom/login.py): failed newsroom log-ins are counted per username
# and client address in the database (shared by every server process); at the limit that pair waits out the
# cool-off. Admins see and clear the records under "Access attempts".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("NEWSDESK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful log-in clears that pair's failures
AXES_VERBOSE = False  # no version banner on every command and process start
AXES_CLIENT_IP_CALLABLE = "newsdesk.newsroom.login.client_ip"
AXES_LOCKOUT_CALLABLE = "newsdesk.newsroom.login.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429  # a locked-out log-in: Too Many Requests (axes' default, declared for the page)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() <= 0:
    raise ImproperlyConfigured(
        "NEWSDESK_LOGIN_FAILURE_LIMIT must be 1 or more and NEWSDESK_LOGIN_COOLOFF_MINUTES more than 0."
    )

# The public identity of the agency; used in datelines, JSON-LD, feeds and the NewsML/ninjs wire.
NEWSDESK_SITE_NAME = os.environ.get("NEWSDESK_SITE_NAME", "Newsdesk")


def _served_at() -> str:
    # Where `newsdesk serve` (`make run`) listens: it passes its host and port on as NEWSDESK_HOST/NEWSDESK_PORT.
    host, port = os.environ.get("NEWSDESK_HOST", "127.0.0.1"), os.environ.get("NEWSDESK_PORT", "8000")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


NEWSDESK_SITE_URL = (os.environ.get("NEWSDESK_SITE_URL") or _served_at()).rstrip("/")
NEWSDESK_GUID_AUTHORITY = os.environ.get("NEWSDESK_GUID_AUTHORITY", "newsdesk.example")
# The press review section (by slug): its page lists every story with its lead.
NEWSDESK_PRESS_REVIEW_SECTION = os.environ.get("NEWSDESK_PRESS_REVIEW_SECTION", "pressreview")

# Header widgets (newsdesk.weather, newsdesk.markets). Providers are called only by `newsdesk fetch_weather` /
# `newsdesk fetch_rates` and the worker, never while a page renders; off until named (Open-Meteo's free API is
# non-commercial; met.no wants a User-Agent with a contact).
NEWSDESK_PROVIDER_OPTIONS = {
    "timeout": float(os.environ.get("NEWSDESK_PROVIDER_TIMEOUT", "10")),
    "user_agent": os.environ.get("NEWSDESK_PROVIDER_USER_AGENT", ""),
}
NEWSDESK_WEATHER = {
    "BACKEND": os.environ.get("NEWSDESK_WEATHER_BACKEND", ""),
    "OPTIONS": NEWSDESK_PROVIDER_OPTIONS,
}
NEWSDESK_WEATHER_MAX_AGE_MINUTES = int(os.environ.get("NEWSDESK_WEATHER_MAX_AGE_MINUTES", "180"))
NEWSDESK_DEFAULT_CITY = os.environ.get("NEWSDESK_DEFAULT_CITY", "moscow")
NEWSDESK_RATES = {
    alias: {"BACKEND": alias, "OPTIONS": NEWSDESK_PROVIDER_OPTIONS}
    for alias in env_list("NEWSDESK_RATES_BACKENDS", "")  # cbr, ecb (or dotted paths)
}

# Background jobs (newsdesk.worker, README "Worker"): Huey. Embedded by default — its queue is a SQLite file in
# DATA_DIR, no server needed; with REDIS_URL the queue lives in Redis and any number of `newsdesk worker`
# processes on any number of machines share it.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY: dict[str, Any] = {
    "name": os.environ.get("HUEY_QUEUE_NAME", "newsdesk"),
    "huey_class": "newsdesk.worker.queues.RedisHuey" if REDIS_URL else "newsdesk.worker.queues.SqliteHuey",
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(DATA_DIR / "huey.sqlite3")},
    "immediate": env_bool("HUEY_IMMEDIATE", False),  # run jobs in-process (tests, debugging)
    "results": False,  # jobs write their outcome to the database, not to the queue
    "utc": True,
    "consumer": {"workers": int(os.environ.get("WORKER_THREADS", "2")), "worker_type": "thread"},
}
# The publishing pipeline (newsdesk.pipeline): what follows a publish, correction or withdrawal runs in the
# worker, which polls the outbox every POLL seconds; immediate (HUEY_IMMEDIATE, tests): in-process after commit.
NEWSDESK_PIPELINE_IMMEDIATE = env_bool("NEWSDESK_PIPELINE_IMMEDIATE", HUEY["immediate"])
NEWSDESK_PIPELINE_POLL_SECONDS = float(os.environ.get("NEWSDESK_PIPELINE_POLL_SECONDS", "0.5"))
# A worker that dies mid-batch leaves its changes claimed this long; then another (or it, restarted) takes them.
NEWSDESK_PIPELINE_LEASE_SECONDS = float(os.environ.get("NEWSDESK_PIPELINE_LEASE_SECONDS", "30"))
# Items first published longer ago than this when they arrive are backfill, not news: listed and searchable by
# their own dates, never announced live, pinged to hubs or shown as a home-page block on their own.
NEWSDESK_BACKFILL_AGE = int(os.environ.get("NEWSDESK_BACKFILL_AGE", "3600"))  # seconds
# Soft edit locks in the newsroom ("Being edited by Anna since 14:02"): an open article form refreshes its lock
# every HEARTBEAT seconds; a lock not refreshed for LOCK seconds (the tab closed, the laptop asleep) has expired.
NEWSDESK_EDIT_LOCK_SECONDS = int(os.environ.get("NEWSDESK_EDIT_LOCK_SECONDS", "180"))
NEWSDESK_EDIT_LOCK_HEARTBEAT = int(os.environ.get("NEWSDESK_EDIT_LOCK_HEARTBEAT", "30"))

# Behind a reverse proxy: the WSGI name of the header it appends the client address to (e.g.
# HTTP_X_FORWARDED_FOR), for rate limits, login throttling and read counting (newsdesk/ratelimit.py). Only its
# right-most address is trusted. ANALYTICS_CLIENT_IP_HEADER is the older name, still read.
NEWSDESK_CLIENT_IP_HEADER = os.environ.get("NEWSDESK_CLIENT_IP_HEADER") or os.environ.get(
    "ANALYTICS_CLIENT_IP_HEADER", ""
)

# Most read (newsdesk.analytics, README "Configuration"): reads counted in Redis when REDIS_URL is set, else in
# the database in batches. Rate limit: beacons per client address per minute per server process (0: off).
ANALYTICS: dict[str, Any] = {
    "BACKEND": os.environ.get("ANALYTICS_BACKEND", "redis" if os.environ.get("REDIS_URL") else "database"),
    "OPTIONS": {"URL": os.environ.get("REDIS_URL", "")},
    "RATE_LIMIT_PER_MINUTE": int(os.environ.get("ANALYTICS_RATE_LIMIT_PER_MINUTE", "120")),
    "FLUSH_INTERVAL": float(
        os.environ.get("ANALYTICS_FLUSH_INTERVAL", "0.5")
    ),  # seconds; 0: only explicit flushes
    # Behind a reverse proxy: the WSGI name of the header it appends the client address to.
    "CLIENT_IP_HEADER": NEWSDESK_CLIENT_IP_HEADER,  # the same setting, under its older name
}

# Wire ingest (newsdesk.ingest): limits on what one document, one fetched feed and one item may be.
NEWSDESK_INGEST_MAX_BYTES = int(os.environ.get("NEWSDESK_INGEST_MAX_BYTES", 20 * 1024 * 1024))
NEWSDESK_INGEST_MAX_ITEM_BYTES = int(os.environ.get("NEWSDESK_INGEST_MAX_ITEM_BYTES", 1024 * 1024))
NEWSDESK_INGEST_TIMEOUT = float(os.environ.get("NEWSDESK_INGEST_TIMEOUT", "20"))
# Refused items kept one by one per document; past this, one row counts the rest (the quarantine stays small).
NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT = int(
    os.environ.get("NEWSDESK_INGEST_QUARANTINE_PER_DOCUMENT", "100")
)

# Every outgoing fetch (ingest feeds, weather, rates; newsdesk.fetching): deadlines for connecting and for the
# answer's headers (the whole answer's is each caller's timeout), and the networks besides public addresses it
# may reach — none by default: a redirect to 127.0.0.1, 10.x or 169.254.169.254 is refused.
NEWSDESK_FETCH_CONNECT_TIMEOUT = float(os.environ.get("NEWSDESK_FETCH_CONNECT_TIMEOUT", "5"))
NEWSDESK_FETCH_HEADERS_TIMEOUT = float(os.environ.get("NEWSDESK_FETCH_HEADERS_TIMEOUT", "10"))
NEWSDESK_FETCH_ALLOW_PRIVATE = [  # e.g. "10.0.5.0/24,192.168.1.20": an agency's own wire server
    entry.strip() for entry in os.environ.get("NEWSDESK_FETCH_ALLOW_PRIVATE", "").split(",") if entry.strip()
]

# Syndication (newsdesk.syndication, README "Configuration"): feeds, sitemaps, the subscriber API, WebSub.
NEWSDESK_FEED_FULL_TEXT = env_bool("NEWSDESK_FEED_FULL_TEXT", False)  # off: feeds carry the lead only
NEWSDESK_FEED_LIMIT = int(os.environ.get("NEWSDESK_FEED_LIMIT", "30"))
NEWSDESK_FEED_MAX_AGE = int(os.environ.get("NEWSDESK_FEED_MAX_AGE", "300"))  # Cache-Control max-age, seconds
NEWSDESK_SITEMAP_PAGE_SIZE = int(os.environ.get("NEWSDESK_SITEMAP_PAGE_SIZE", "5000"))
NEWSDESK_WEBSUB_HUB = os.environ.get("NEWSDESK_WEBSUB_HUB", "")  # empty: no hub links, no pings
NEWSDESK_WEBSUB_TIMEOUT = float(os.environ.get("NEWSDESK_WEBSUB_TIMEOUT", "3"))
NEWSDESK_WEBSUB_DEBOUNCE = float(
    os.environ.get("NEWSDESK_WEBSUB_DEBOUNCE", "10")
)  # one ping per feed per N s
NEWSDESK_API_ANONYMOUS = env_bool("NEWSDESK_API_ANONYMOUS", True)  # off: /api/v1/ needs a subscriber token
NEWSDESK_API_ANONYMOUS_RATE = int(
    os.environ.get("NEWSDESK_API_ANONYMOUS_RATE", "60")
)  # requests/minute per IP
# The wire cursor holds back events this many seconds, so a transaction still committing can't be skipped.
NEWSDESK_API_SETTLE_SECONDS = int(os.environ.get("NEWSDESK_API_SETTLE_SECONDS", "2"))

# Scale out (newsdesk.edge, newsdesk.live, README "Scale out"): shared cache, read replica, edge cache, live feed.
# "default" may be per process (rendered pages, keyed so that they can't go stale); "shared" holds what every
# process must agree on — the API's rate-limit counters (newsdesk/ratelimit.py): files in DATA_DIR on one
# machine, Redis when REDIS_URL is set.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "shared-cache"),
        # A file per client; past this many a third are dropped at random (their counts start again).
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
NEWSDESK_RATE_LIMIT_CACHE = "shared"
if os.environ.get("REDIS_URL"):
    # Django's Redis cache, acting as an empty cache while Redis is away (pages then come from the database).
    CACHES = {
        alias: {"BACKEND": "newsdesk.edge.cache.DegradingRedisCache", "LOCATION": os.environ["REDIS_URL"]}
        for alias in ("default", "shared")
    }
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsdesk.edge.replica.ReplicaRouter"]
NEWSDESK_EDGE = {
    "MAX_AGE": int(
        os.environ.get("NEWSDESK_EDGE_MAX_AGE", "3600")
    ),  # s-maxage of keyed pages (purged exactly)
    "UNKEYED_MAX_AGE": int(os.environ.get("NEWSDESK_EDGE_UNKEYED_MAX_AGE", "60")),  # pages no purge reaches
    "STALE_WHILE_REVALIDATE": int(os.environ.get("NEWSDESK_EDGE_STALE_WHILE_REVALIDATE", "30")),
    "BROWSER_MAX_AGE": int(
        os.environ.get("NEWSDESK_EDGE_BROWSER_MAX_AGE", "0")
    ),  # browsers revalidate (ETag)
}
# Without Varnish, each app process keeps whole pages for anonymous readers (newsdesk.edge.pagecache), purged
# through a log in DATA_DIR that every process of the machine reads; with NEWSDESK_PURGE_URLS it stays off.
NEWSDESK_PAGE_CACHE = env_bool("NEWSDESK_PAGE_CACHE", True) and not os.environ.get("NEWSDESK_PURGE_URLS")
NEWSDESK_PAGE_CACHE_MB = int(os.environ.get("NEWSDESK_PAGE_CACHE_MB", "64"))  # per app process
# Every proxy to purge, e.g. http://10.0.0.5:6081,http://10.0.0.6:6081 (deploy/varnish/); none: the page cache.
NEWSDESK_EDGE_PURGE = (
    {"BACKEND": "varnish", "OPTIONS": {"URLS": env_list("NEWSDESK_PURGE_URLS", "")}}
    if os.environ.get("NEWSDESK_PURGE_URLS")
    else {"BACKEND": "embedded" if NEWSDESK_PAGE_CACHE else "memory", "OPTIONS": {}}
)
NEWSDESK_LIVE = (
    {"BACKEND": "redis", "OPTIONS": {"URL": os.environ["REDIS_URL"]}}
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "database", "OPTIONS": {}}
)
NEWSDESK_LIVE_URGENT_AT = int(
    os.environ.get("NEWSDESK_LIVE_URGENT_AT", "2")
)  # urgency 1..this: shown at once
# Under WSGI a stream holds a thread: end it after this long; the browser resumes with Last-Event-ID.
NEWSDESK_LIVE_WSGI_STREAM_SECONDS = float(os.environ.get("NEWSDESK_LIVE_WSGI_STREAM_SECONDS", "25"))
# How pages get live updates. "poll": /live/events every NEWSDESK_LIVE_POLL_SECONDS (jittered, slower in a hidden
# tab), no connection held, a poll with nothing new is a 304 before Django — the default, right for `make run`.
# "sse": /live/stream, for deployments that route it to the ASGI processes (README "Scale out").
NEWSDESK_LIVE_TRANSPORT = os.environ.get("NEWSDESK_LIVE_TRANSPORT", "poll")
if NEWSDESK_LIVE_TRANSPORT not in ("poll", "sse"):
    raise ImproperlyConfigured(
        f"NEWSDESK_LIVE_TRANSPORT={NEWSDESK_LIVE_TRANSPORT!r}: use poll (the default) or sse (when /live/stream "
        "is served by the ASGI processes)."
    )
NEWSDESK_LIVE_POLL_SECONDS = float(os.environ.get("NEWSDESK_LIVE_POLL_SECONDS", "1.5"))
if not 0.2 <= NEWSDESK_LIVE_POLL_SECONDS <= 300:
    raise ImproperlyConfigured("NEWSDESK_LIVE_POLL_SECONDS must be between 0.2 and 300 (seconds).")

# `newsdesk serve` (what `make run` starts; newsdesk/serving/): the processes and the deadlines and limits of its
# clients. GUARD, THREADS: set by `newsdesk serve` for the server processes it starts; the rest from the
# environment (README "What `make run` starts").
NEWSDESK_SERVE = {
    "GUARD": env_bool("NEWSDESK_SERVE_GUARD", False),
    "THREADS": int(os.environ.get("NEWSDESK_SERVE_THREADS", "4")),  # per server process
    "HEADER_SECONDS": float(os.environ.get("NEWSDESK_SERVE_HEADER_SECONDS", "10")),  # request line + headers
    "SILENT_SECONDS": float(os.environ.get("NEWSDESK_SERVE_SILENT_SECONDS", "10")),  # sends not a byte
    "BODY_SECONDS": float(os.environ.get("NEWSDESK_SERVE_BODY_SECONDS", "10")),  # + length / BODY_MIN_RATE
    "BODY_MIN_RATE": int(os.environ.get("NEWSDESK_SERVE_BODY_MIN_RATE", "50000")),  # bytes per second
    "MAX_BODY_MB": int(os.environ.get("NEWSDESK_SERVE_MAX_BODY_MB", "64")),
    "BODIES_PER_ADDRESS": int(os.environ.get("NEWSDESK_SERVE_BODIES_PER_ADDRESS", "2")),  # per server process
    "CONNECTIONS_PER_ADDRESS": int(os.environ.get("NEWSDESK_SERVE_CONNECTIONS_PER_ADDRESS", "256")),  # ditto
}

# Operations (newsdesk.ops, docs/operations.md): logs, /metrics, /healthz and /readyz, backups.
# Logs: one JSON object a line (json: production, log collectors) or the same fields as text (a console).
NEWSDESK_LOG_FORMAT = os.environ.get("NEWSDESK_LOG_FORMAT", "text")
NEWSDESK_ACCESS_LOG = env_bool("NEWSDESK_ACCESS_LOG", True)  # one line per request (never /healthz, /readyz)
# Who may read /metrics: these addresses or networks, or a request with "Authorization: Bearer <token>".
NEWSDESK_METRICS_ALLOW = env_list("NEWSDESK_METRICS_ALLOW", "127.0.0.1,::1")
NEWSDESK_METRICS_TOKEN = os.environ.get("NEWSDESK_METRICS_TOKEN", "")
NEWSDESK_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("NEWSDESK_WORKER_HEARTBEAT_SECONDS", "10"))
NEWSDESK_WORKER_STALE_SECONDS = float(os.environ.get("NEWSDESK_WORKER_STALE_SECONDS", "60"))  # then not ready
NEWSDESK_READY_MAX_LAG_SECONDS = float(os.environ.get("NEWSDESK_READY_MAX_LAG_SECONDS", "300"))  # "behind"
# Scheduled backups by the worker: off unless a folder is named; SCHEDULE is "minute hour" (cron, UTC).
NEWSDESK_BACKUP_DIR = os.environ.get("NEWSDESK_BACKUP_DIR", "")
NEWSDESK_BACKUP_KEEP = int(os.environ.get("NEWSDESK_BACKUP_KEEP", "7"))
NEWSDESK_BACKUP_SCHEDULE = os.environ.get("NEWSDESK_BACKUP_SCHEDULE", "30 3")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"newsdesk": {"()": "newsdesk.ops.logs.formatter", "kind": NEWSDESK_LOG_FORMAT}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "newsdesk"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Each job's one line comes from newsdesk.job (ops/tasks.py); Huey's own per-job lines are left out.
        "huey": {"level": "WARNING"},
        "huey.consumer": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}
