"""EMS settings: one module, configured by environment variables (12-factor).

The embedded default (no variables set) runs on SQLite and a local-memory cache
with zero setup. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def mailer(url: str) -> dict:
    """A MAILERS entry from EMAIL_URL: smtp://user:pass@host:587, smtps://..., console:, file:///path."""
    parts = urlsplit(url)
    backend = "django.core.mail.backends.{}.EmailBackend"
    if parts.scheme == "console":
        return {"BACKEND": backend.format("console")}
    if parts.scheme == "file":
        return {"BACKEND": backend.format("filebased"), "OPTIONS": {"file_path": parts.path}}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not one of smtp, smtps, console, file."
        )
    ssl = parts.scheme == "smtps"
    return {
        "BACKEND": backend.format("smtp"),
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if ssl else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": ssl,
            "use_tls": not ssl and parse_qs(parts.query).get("tls", ["1"])[0] != "0",
            # A mail server that accepts and never answers costs this once per batch
            # (events.outbox), then the emails wait for their retry.
            "timeout": float(parse_qs(parts.query).get("timeout", ["5"])[0]),
        },
    }


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EMS_VAR_DIR", BASE_DIR / "var"))

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env_bool("DJANGO_DEBUG", False)
# HTTPS-only cookies, redirects and HSTS: on in production, off for local http.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG and not TESTING)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = os.environ.get("EMS_SITE_NAME", "EMS")
# Absolute links in emails and calendar files, which have no request to build them from.
SITE_URL = os.environ.get("EMS_SITE_URL", "http://localhost:8000").rstrip("/")
# Where people report a problem with the site, such as an accessibility barrier.
CONTACT_EMAIL = os.environ.get("EMS_CONTACT_EMAIL", "")

INSTALLED_APPS = [
    "accounts",
    "events",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_filters",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (the CSRF check reads every POST's).
    "body_limit.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "htmx_vary.HtmxVaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.viewer.LanguageMiddleware",
    "nul_bytes.StripNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "htmx_messages.HtmxMessagesMiddleware",
    "accounts.throttle.ThrottleStatusMiddleware",
    # Its process_view runs after the CSRF check's, which has parsed the body.
    "events.middleware.PosterGateMiddleware",
    # Last: its process_view loads the user only for requests nothing else refused.
    "accounts.viewer.ViewerMiddleware",
]

DEBUG_TOOLBAR = DEBUG and not TESTING
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    # After whitenoise, which answers static requests before the toolbar needs to see them.
    after_whitenoise = MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    MIDDLEWARE.insert(after_whitenoise, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1", "::1"]
    # Keep the toolbar across htmx swaps and refresh it after each htmx request.
    DEBUG_TOOLBAR_CONFIG = {
        "ROOT_TAG_EXTRA_ATTRS": "hx-preserve",
        "UPDATE_ON_FETCH": True,
        "SHOW_COLLAPSED": True,
    }

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% translate %} and {% when event %} are on nearly every page.
            "builtins": ["django.templatetags.i18n", "events.templatetags.event_times"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "context_processors.site",
                "context_processors.viewer_zone",
            ],
        },
    },
]

# Database: SQLite under var/ by default, or DATABASE_URL (postgres://...).
if DATABASE_URL := os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        # Fail fast rather than hold a worker: a lock wait (select_for_update, the
        # seat UPDATE) gives up after 5 s, answered "busy, try again" (unavailable.py),
        # and so does connecting to a server that doesn't answer (3 s). Registrations
        # hold the row for milliseconds, so 5 s is a queue of hundreds at once (the
        # 100-thread race in tests/events/test_concurrency.py waits under 4 s on two
        # loaded cores). Options in the URL win.
        options["options"] = f"-c lock_timeout=5s {options.get('options', '')}".strip()
        options.setdefault("connect_timeout", 3)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # EMS_SQLITE_PATH lets `make bench` use its own file beside the dev database.
            "NAME": os.environ.get("EMS_SQLITE_PATH") or VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # Take the write lock at BEGIN so concurrent writers queue on the
                # busy timeout instead of failing with "database is locked". After
                # 10 s the request is answered "busy, try again" (unavailable.py).
                # SQLite's waiters poll rather than queue, so the last of 100 writers
                # at once (tests/events/test_concurrency.py) waits up to 4.5 s on a
                # loaded 2-core machine; a few gunicorn workers wait milliseconds.
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not :memory:, so threads in concurrency tests share one database.
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
            # Reuse the connection across requests: opening one and running the PRAGMAs
            # above cost about as much as a simple page.
            "CONN_MAX_AGE": None,
        }
    }

# How many posters one machine decodes at once (events.posters.decoding_slot); more
# uploads at the same moment are asked to try again, so the other workers keep serving.
POSTER_SLOTS = int(os.environ.get("EMS_POSTER_SLOTS", 1))

# Project-wide form markup (templates/django/forms/) instead of Django's built-in copies.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, or Redis that degrades to misses when it is down or
# frozen: every call has a short timeout, and a failing Redis is skipped for a few seconds
# (resilient_cache.SAFE_OPTIONS and BREAKER_SECONDS; OPTIONS can change them).
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ems",
        }
    }
    # Sessions come from the shared cache, written through to the database (see
    # cached_sessions). Not with a per-process cache: another worker's copy of a session
    # would outlive its logout.
    SESSION_ENGINE = "cached_sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process keeps the shared pages it served last in front of the shared cache
# (events.page_cache): about 30 KB each, so a few MB at most.
CACHES["recent_pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "recent-pages",
    "OPTIONS": {"MAX_ENTRIES": 128},
}
# The parts of shared signed-in pages that are someone's own: see events/standins.py.
CACHES["regions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "regions",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# {% cache %} uses the "template_fragments" cache when there is one. EMS_FRAGMENT_CACHE=0
# makes it a dummy, so `make bench` can show what fragment caching buys.
if not env_bool("EMS_FRAGMENT_CACHE", default=True):
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

AUTH_USER_MODEL = "accounts.User"
# The throttle comes first, so a throttled login never reaches a password hash.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# Each language's own name, as the switcher shows it. A visitor gets the one their
# browser asks for (Accept-Language) until they pick one; a signed-in person's choice
# is kept in their profile, and their emails follow it (accounts/viewer.py).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The zone for new events and for "today" until a visitor's own zone is known.
TIME_ZONE = os.environ.get("EMS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic's output for production; DEBUG and tests serve straight from the finders.
STATIC_ROOT = None if DEBUG or TESTING else VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Django serves uploads itself on a single box; at scale they live on object storage.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: EMAIL_URL, else the console in development and files under var/mail/.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": mailer(
        os.environ.get("EMAIL_URL") or ("console:" if DEBUG else f"file://{VAR_DIR / 'mail'}")
    )
}

# Background tasks (emails) run through Django's tasks framework: in the web process in
# development and tests, or queued in the database for `manage.py db_worker`
# (django-tasks-db) in production, so no web request ever waits for the mail server.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or ("immediate" if DEBUG or TESTING else "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Security
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Pico's form controls draw their icons from data: URIs.
    "img-src": [CSP.SELF, "data:", *env_list("CSP_IMG_SRC", [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_FAILURE_VIEW = "events.api.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The load balancer terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's default config gives "django" its own console handler in DEBUG;
    # without this every framework line would print twice.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # Every task logs RUNNING and SUCCESSFUL at INFO: two lines per email sent.
        # Failures are logged at ERROR either way.
        "django.tasks": {"level": os.environ.get("DJANGO_TASKS_LOG_LEVEL", "WARNING")},
    },
}
