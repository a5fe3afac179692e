"""Test settings: fast hashing, in-memory email, an isolated state folder."""

from __future__ import annotations

from config.env import env_str
from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never serve collected static files; WhiteNoise would warn that STATIC_ROOT is missing.
_WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
MIDDLEWARE = [m for m in MIDDLEWARE if m != _WHITENOISE]  # noqa: F405

# The integration tests' worker and collector run in their own processes and must see the test
# database: on SQLite that needs a file, not the default in-memory database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Real kombu in memory, so unit tests read enqueued batches back with no broker running; an
# explicit CELERY_BROKER_URL in the environment (a real Redis for integration runs) still wins.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://"  # noqa: F405

# Tests count kept samples exactly, batch after batch within the same second.
SAMPLES_INTERVAL_SECONDS = 0
