"""Production settings: secrets are required and security headers are on."""

from __future__ import annotations

from config.env import env_bool, env_fernet_keys, env_int, env_required
from config.settings.base import *  # noqa: F403

SECRET_KEY = env_required("SECRET_KEY")
# Dead letters are sealed with keys of their own: never derived from SECRET_KEY here, so a
# leaked or rotated SECRET_KEY neither opens nor loses them.
DEAD_LETTER_KEYS = env_fernet_keys("DEAD_LETTER_KEYS", derive_from=None)
DEBUG = False

# ---------------------------------------------------------------------------
# Security — https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
