"""Settings for `make run`: the embedded demo on this machine, SQLite unless DATABASE_URL says."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "demo-only-secret-key-not-for-production-use")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("GROUPWORK_TWO_FACTOR_REQUIRED", "false")

from groupwork.settings.base import *  # noqa: E402, F403  (settings module layering)

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
