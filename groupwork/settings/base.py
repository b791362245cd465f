"""Settings shared by every environment. Secrets and hosts come from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from groupwork.settings.env import env_bool, env_int, env_list, env_str

# Lets generic Django classes be subscripted at run time, as the type stubs describe them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "groupwork.core",
    "groupwork.organisation",
    "groupwork.programmes",
    "groupwork.participants",
    "groupwork.referrals",
    "groupwork.groups",
    "groupwork.audit",
    "groupwork.assessment",
    "groupwork.allocation",
    "groupwork.api",
    "groupwork.letters",
    "groupwork.attendance",
    "groupwork.enforcement",
    "groupwork.tasks",
    "groupwork.casework",
    "groupwork.notifications",
    "groupwork.reports",
    "groupwork.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "groupwork.organisation.middleware.TwoFactorMiddleware",
    "groupwork.assessment.middleware.KioskMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "groupwork.urls"
WSGI_APPLICATION = "groupwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "groupwork" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "groupwork.core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "groupwork.core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
    )
}


def postgresql_options() -> dict[str, object]:
    """The options of every PostgreSQL connection.

    PostgreSQL's just-in-time compiler spends tens of milliseconds compiling the area-wide
    counts a page makes, more than it saves on queries this size. Its default cost of a random
    read is a spinning disk's: on SSD storage (any managed service) the planner then scans a
    national table whole rather than look up one area's rows by index (73 ms against 9 ms at
    10x data). A page's queries run without parallel workers: starting two took 5 ms of a
    7 ms count of one area's men waiting, and on a busy server they only share out the same
    cores (DATABASE_PARALLEL_WORKERS lets a reporting replica use them). And parameters go
    apart from the SQL, so psycopg prepares a statement the fifth
    time a connection runs it and PostgreSQL stops planning it again: planning a man's record's
    scoped joins took 13 ms, running them 2 ms. That is off behind a pooler in transaction mode
    (PgBouncer), which cannot keep a connection's prepared statements.
    """
    options: dict[str, object] = {
        "options": "-c jit=off"
        f" -c random_page_cost={env_str('DATABASE_RANDOM_PAGE_COST', '1.1')}"
        f" -c max_parallel_workers_per_gather={env_int('DATABASE_PARALLEL_WORKERS', default=0)}",
    }
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options |= {"server_side_binding": True, "prepare_threshold": 5}
    return options


if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(postgresql_options())
# On PostgreSQL each worker process keeps a pool of open connections (psycopg_pool), so a request
# does not pay for a new connection. Django's pool needs CONN_MAX_AGE 0.
if env_bool("DATABASE_POOL", default=False) and DATABASES["default"]["ENGINE"].endswith(
    "postgresql"
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", default=8),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

# Sessions end after 30 minutes without a request; every request pushes the expiry on.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two-factor sign-in with a time-based code: production requires it, the demo offers it.
TWO_FACTOR_REQUIRED = env_bool("GROUPWORK_TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Groupwork"

# Lock an account out for 30 minutes after 5 failed sign-ins in a row.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "groupwork" / "static",
    BASE_DIR / "node_modules" / "govuk-frontend" / "dist",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and its font library report every step of a letter at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The REST API under /api/v1/: token authentication only (no session, so no CSRF), JSON only.
# Each view's roles come from its `Access` declaration (groupwork/api/access.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Groupwork API",
    "DESCRIPTION": "Groupwork's REST API. Send `Authorization: Token <key>` with every request.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Text messages and e-mail to men and staff go through GOV.UK Notify when an API key is set;
# without one they stay in the local outbox, shown on the Messages page (the demo does this).
# Each template's content is the placeholder ((body)); the e-mail's subject is ((subject)).
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_SMS_TEMPLATE_ID = env_str("NOTIFY_SMS_TEMPLATE_ID", "")
NOTIFY_EMAIL_TEMPLATE_ID = env_str("NOTIFY_EMAIL_TEMPLATE_ID", "")
if NOTIFY_API_KEY and not (NOTIFY_SMS_TEMPLATE_ID and NOTIFY_EMAIL_TEMPLATE_ID):
    raise ImproperlyConfigured(
        "With NOTIFY_API_KEY set, set NOTIFY_SMS_TEMPLATE_ID and NOTIFY_EMAIL_TEMPLATE_ID too."
    )

# How long area-wide figures (reports, the chief officer's headlines) are kept before they are
# counted again: groupwork/core/figures.py.
GROUPWORK_FIGURES_CACHE_SECONDS = env_int("GROUPWORK_FIGURES_CACHE_SECONDS", default=600)

# GOV.UK Frontend's stylesheet asks for its fonts and images at /assets/.
WHITENOISE_ROOT = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"

# Lockout is per account: staff in one office share an IP address behind the network's gateway,
# so counting failures by address would lock out a whole office after one person's typing slips.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
