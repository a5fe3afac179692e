"""Settings read from the environment, with embedded defaults that run on a laptop.

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_fernet_keys, env_int, env_list, env_str

# Django's generic classes take type arguments at run time too: `admin.ModelAdmin[Event]`.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))


def _local_secret_key() -> str:
    """Read the secret key kept in VAR_DIR, creating it on first run (never committed)."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


# ---------------------------------------------------------------------------
# Core — https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
# ---------------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret_key()
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "tracking",
    "governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it turns a locked-out admin sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database — SQLite file unless DATABASE_URL points elsewhere (PostgreSQL via psycopg 3)
# https://docs.djangoproject.com/en/5.2/ref/databases/
# ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process reads while a worker process writes: WAL lets readers through, and
    # IMMEDIATE transactions wait for the write lock instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# ---------------------------------------------------------------------------
# Redis and Celery — embedded filesystem broker unless REDIS_URL is set
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# The collector's write-key cache and rate limits: shared through Redis when there is one.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# "embedded://" is kombu's filesystem transport made first-in-first-out and kept until
# acknowledged (config/embedded_broker.py; config/celery.py registers the scheme).
# How long a batch may take, and what that makes of a batch held by a worker that died. The
# largest request the collector takes (500 KB, about 450 samples) is processed in well under a
# second (bench/README.md); the limits leave tens of times that. A batch is redelivered once
# the visibility timeout has passed since it was taken, so the timeout must exceed the hard
# limit plus the longest retry countdown (a retried batch waits at the worker, taken), or a
# slow batch is delivered twice (harmless: its mark makes the second delivery a no-op). A
# system check warns when it does not.
INGEST_SOFT_TIME_LIMIT = env_int("INGEST_SOFT_TIME_LIMIT", default=20)
INGEST_TIME_LIMIT = env_int("INGEST_TIME_LIMIT", default=30)
INGEST_RETRY_BACKOFF_MAX = env_int("INGEST_RETRY_BACKOFF_MAX", default=30)
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", default=90)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or REDIS_URL or "embedded://"
if CELERY_BROKER_URL == "embedded://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
    }
    _broker_dir.joinpath("control").mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A batch taken by a worker that died unacknowledged goes back to the queue after this
        # (see the ingest limits below), looked for every few seconds.
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # The collector answers 503 at once when Redis is away instead of holding the request
        # through reconnection attempts; SDKs retry on 503. (Workers reconnect on their own.)
        "max_retries": 0,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "ingest"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# ---------------------------------------------------------------------------
# Collector and validation pipeline
# ---------------------------------------------------------------------------
# Segment's limits by default: 32 KB per event, 500 KB per request.
COLLECTOR_MAX_EVENT_BYTES = env_int("COLLECTOR_MAX_EVENT_BYTES", default=32 * 1024)
COLLECTOR_MAX_BATCH_BYTES = env_int("COLLECTOR_MAX_BATCH_BYTES", default=500 * 1024)
# Events per second per write key; 0 turns the limit off.
COLLECTOR_RATE_LIMIT = env_int("COLLECTOR_RATE_LIMIT", default=20000)
# How long a write key's source stays cached (rotation and deactivation clear it at once).
COLLECTOR_KEY_CACHE_SECONDS = env_int("COLLECTOR_KEY_CACHE_SECONDS", default=300)
INGEST_MAX_RETRIES = env_int("INGEST_MAX_RETRIES", default=5)
# How often a worker looks for a newly published version (seconds).
PIPELINE_PLAN_REFRESH_SECONDS = env_int("PIPELINE_PLAN_REFRESH_SECONDS", default=2)
# Observed types reach ObservedType through pending rows folded on beat this often.
PIPELINE_TYPES_FOLD_SECONDS = env_int("PIPELINE_TYPES_FOLD_SECONDS", default=5)
# A client timestamp further ahead of or behind the server than this is clock skew.
PIPELINE_MAX_FUTURE_SECONDS = env_int("PIPELINE_MAX_FUTURE_SECONDS", default=600)
PIPELINE_MAX_PAST_SECONDS = env_int("PIPELINE_MAX_PAST_SECONDS", default=7 * 86400)
# Recent masked samples kept per event, valid and invalid each, and for how long.
SAMPLES_PER_EVENT = env_int("SAMPLES_PER_EVENT", default=50)
SAMPLES_RETENTION_DAYS = env_int("SAMPLES_RETENTION_DAYS", default=14)
# At most this many samples of one event (valid and invalid each) are kept from one batch.
SAMPLES_PER_BATCH_EVENT = env_int("SAMPLES_PER_BATCH_EVENT", default=3)
# …and a worker keeps at most one sample per event, source and validity per this many seconds
# (0: every sample up to the per-batch cap).
SAMPLES_INTERVAL_SECONDS = env_int("SAMPLES_INTERVAL_SECONDS", default=1)
# A repeated messageId from the same source is counted once within this window.
DEDUPE_WINDOW_SECONDS = env_int("DEDUPE_WINDOW_SECONDS", default=24 * 3600)
# Dead letters (batches that failed for good) are stored encrypted and purged after this many
# days. The keys: comma-separated Fernet keys, the first seals and every one opens (rotation);
# unset, one key derived from SECRET_KEY. Production demands its own (README: Dead letters).
DEAD_LETTER_KEYS = env_fernet_keys("DEAD_LETTER_KEYS", derive_from=SECRET_KEY)
DEAD_LETTER_RETENTION_DAYS = env_int("DEAD_LETTER_RETENTION_DAYS", default=30)

# ---------------------------------------------------------------------------
# Authentication — https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
# ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# ---------------------------------------------------------------------------
# Sign-in lockout — django-axes: after AXES_FAILURE_LIMIT wrong passwords, a username is locked
# out from that address for AXES_COOLOFF_MINUTES (the admin login and POST /api/v1/tokens).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_AXES_HANDLERS = {
    "database": "axes.handlers.database.AxesDatabaseHandler",
    "cache": "axes.handlers.cache.AxesCacheHandler",
}


def _axes_handler(name: str, *, redis_url: str) -> str:
    """Where failures are counted: the database, or the cache when it is Redis."""
    if name not in _AXES_HANDLERS:
        msg = f"AXES_HANDLER={name!r} is not one of: {', '.join(_AXES_HANDLERS)}."
        raise ImproperlyConfigured(msg)
    if name == "cache" and not redis_url:
        # Each process would count its own failures in its memory.
        msg = "AXES_HANDLER=cache needs REDIS_URL, the one cache all processes share."
        raise ImproperlyConfigured(msg)
    return _AXES_HANDLERS[name]


AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15))
# The username and the address together: an attacker locks that username out for themselves
# only, and guessing many usernames from one address is the API's anonymous rate's to stop.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = _axes_handler(env_str("AXES_HANDLER", "database"), redis_url=REDIS_URL)
AXES_CLIENT_IP_CALLABLE = "tracking.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "tracking.lockout.lockout_response"
# Locked-out sign-ins are cleared with `manage.py axes_reset_username <name>`, not the admin.
AXES_ENABLE_ADMIN = False
# Proxies in front of the service that append the client's address to X-Forwarded-For; the
# lockout and the API's rate limits count by that address. 0: the connection's own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)

# ---------------------------------------------------------------------------
# Languages — English and Simplified Chinese, chosen per user or by the browser
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files — served by WhiteNoise from STATIC_ROOT
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# ---------------------------------------------------------------------------
# Email — console unless EMAIL_URL-style settings are given
# ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tracking-plan@localhost")

# ---------------------------------------------------------------------------
# Django REST framework — the engineers' API under /api/v1/
# https://www.django-rest-framework.org/api-guide/settings/
# ---------------------------------------------------------------------------
_RATE = re.compile(r"[1-9][0-9]*/(?:second|minute|hour|day|s|m|h|d)")


def _env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as `5000/hour`, refused at start when malformed."""
    value = env_str(name, default).strip()
    if not _RATE.fullmatch(value):
        msg = f"{name}={value!r} is not a rate like 5000/hour or 20/minute."
        raise ImproperlyConfigured(msg)
    return value


# Where this service is reached from outside: the base of generated schemas' `$id` URLs.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://localhost:8000")
# Largest plan file the import endpoint accepts.
TRACKING_IMPORT_MAX_BYTES = env_int(
    "TRACKING_IMPORT_MAX_BYTES", default=5 * 1024 * 1024
)

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate` header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracking.api.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, bounded in size and depth, NUL refused; the import view adds its own.
    "DEFAULT_PARSER_CLASSES": ["tracking.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "tracking.api.pagination.PagePagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # DRF's, with rates read when counting; calls refused for want of credentials count as
    # anonymous ones too (tracking/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "tracking.api.throttling.AnonRateThrottle",
        "tracking.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _env_rate("API_THROTTLE_ANON_RATE", "60/minute"),
        "user": _env_rate("API_THROTTLE_USER_RATE", "5000/hour"),
    },
    # Rates count per client address: the sign-in lockout's (see TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tracking.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# OpenAPI 3 by drf-spectacular; Swagger UI served from the sidecar package (works offline).
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Tracking Plan Governance API",
    "DESCRIPTION": (
        "Read and edit tracking plans. Authenticate with `Authorization: Bearer <token>`; "
        'every error is `{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NamingConventionEnum": "tracking.models.plans.NamingConvention",
        "PropertyTypeEnum": "tracking.models.properties.PropertyType",
        # Sources, metrics and periods each have a `kind`: one enum each, named for its model.
        "SourceKindEnum": "tracking.models.sources.SourceKind",
        "MetricKindEnum": "tracking.models.metrics.MetricKind",
        "PeriodKindEnum": "tracking.models.glossary.PeriodKind",
        "CertificationEnum": "tracking.models.metrics.Certification",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracking.api.schema.add_error_responses",
    ],
}

# ---------------------------------------------------------------------------
# Logging — structured enough to grep; never sample values, keys or tokens
# ---------------------------------------------------------------------------
# Exception reports mask credentials in every frame: write keys, tokens, Authorization values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.CredentialsFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
