"""Settings for the test suite."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use")
os.environ.setdefault("GROUPWORK_TWO_FACTOR_REQUIRED", "false")

from groupwork.settings.base import *  # noqa: E402, F403  (settings module layering)

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
WHITENOISE_USE_FINDERS = True
GROUPWORK_FIGURES_CACHE_SECONDS = 0  # tests change the data and read the figures at once
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
