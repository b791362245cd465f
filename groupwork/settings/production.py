"""Production settings: HTTPS only, secure cookies, two-factor sign-in, Redis cache."""

from groupwork.settings.base import *  # noqa: F403  (settings module layering)
from groupwork.settings.env import env_int, env_str

DEBUG = False

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

CACHES = {
    "default": {
        "BACKEND": "groupwork.core.cache.SharedClientRedisCache",
        "LOCATION": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
}
# Sessions live in Redis beside the cache, so any app server can answer any request and signing
# in does not write to PostgreSQL on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
