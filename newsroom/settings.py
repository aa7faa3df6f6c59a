"""Settings for Newsroom: one file, configured through environment variables.

DEBUG          "true" for development mode (Django's technical error pages); off by default.
ALLOWED_HOSTS  comma-separated (default "127.0.0.1,localhost"). A site with only localhost,
               127.0.0.1 and [::1] there is served only on this machine: it may use a key
               generated into .secret_key, plain-http cookies and the demo account.
SECRET_KEY     required when ALLOWED_HOSTS names any other host, and then strong (Django's rule: 50
               characters or more, 5 distinct or more, not "django-insecure-..."); make one with
               python -c 'import secrets; print(secrets.token_urlsafe(50))'.
DATABASE_URL   e.g. postgres://user@host:5432/name; a SQLite file (db.sqlite3) when unset.
CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://newsroom.example.org, behind a proxy.
SECURE_COOKIES  cookies sent over HTTPS only, named __Host-: default "true", but "false" when
               served only on this machine, so that logging in works over http://127.0.0.1:8000/.
TRUSTED_PROXY_COUNT  proxies in front that set X-Forwarded-For (default 1 for a site served to
               others, as deploy/ has it; 0 on a local site).
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD
               HTTPS: by default a site served to others redirects http to https and sends HSTS for
               a year (31536000), subdomains included, preload; a local site does neither.
CSP_REPORT_URI  where browsers report what the Content Security Policy refused (default: nowhere).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def env_bool(name: str, default: str = "false") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def generated_secret_key() -> str:
    """Keep one generated key per checkout so sessions survive restarts."""
    key_file = BASE_DIR / ".secret_key"
    try:  # created readable by the owner only, and by one process only
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(50))
    except FileExistsError:
        pass
    return key_file.read_text().strip()


def secret_key_weakness(key: str) -> str:
    """Why Django's deployment check (security.W009) finds this key weak, or "" if it does not."""
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with {SECRET_KEY_INSECURE_PREFIX!r}"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} distinct characters"
    return ""


DEBUG = env_bool("DEBUG")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A site that others use must list its own host name. Without one, the site is served on this
# machine only (make serve binds 127.0.0.1): a key kept in a file and plain-http cookies will do.
SERVED_ONLY_LOCALLY = set(ALLOWED_HOSTS) <= LOCAL_HOSTS

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not SERVED_ONLY_LOCALLY:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS names hosts other than this machine, so SECRET_KEY must be set in the environment."
        )
    SECRET_KEY = generated_secret_key()
elif not SERVED_ONLY_LOCALLY and (weakness := secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for a site served to others: {weakness}. Make a new one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Cookies: sent over HTTPS only (but on a local site over plain http), out of scripts' reach (api.js
# sends the page's CSRF token), and then named __Host- so that no subdomain can set or shadow them.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", "false" if SERVED_ONLY_LOCALLY else "true"
)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "__Host-sessionid", "__Host-csrftoken"
# Django's database sessions, read by a raw query (newsroom/accounts/sessions.py).
SESSION_ENGINE = "newsroom.accounts.sessions"

# HTTPS, for a site served to others: plain http is redirected (the health probes, which a load
# balancer may send over http, are answered before: newsroom/ops/health.py), and browsers are told
# (HSTS) to use nothing else for a year. Each can be turned down from the environment, e.g.
# SECURE_HSTS_SECONDS=60 while trying HTTPS out.
https_by_default = "false" if SERVED_ONLY_LOCALLY else "true"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", https_by_default)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if SERVED_ONLY_LOCALLY else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", https_by_default)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", https_by_default)
# Django's defaults, stated because deployment depends on them (SecurityMiddleware, XFrameOptionsMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not SERVED_ONLY_LOCALLY:
    # Served to others from behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "taggit",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "newsroom.jobs",
    "ninja",  # the API docs' Swagger UI from our own static files, not a CDN
    "newsroom.accounts",
    "newsroom.api",
    "newsroom.search",
    "newsroom.ops",
    "articles",
]

MIDDLEWARE = [
    "newsroom.ops.health.health_check_middleware",  # first: probes skip the rest
    "newsroom.ops.request_id.request_id_middleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # early: on answers made below it too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "newsroom.middleware.check_requests",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newsroom.ops.security_events.security_events_middleware",
    "newsroom.headers.signed_in_pages_not_stored",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Reused connections: a new PostgreSQL connection per request costs ~14 ms, and a new SQLite
# one (with the pragmas below) doubles the time of a cached page.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # For a real multi-process server, whatever the file and however named (DATABASE_URL or not):
    # WAL lets readers run beside the writer, IMMEDIATE takes the write lock up front instead of
    # failing with "database is locked" on upgrade, and the timeout (seconds; the URL may say
    # ?timeout=5) is how long a write waits for a busy writer before the request answers 503
    # (newsroom/database.py). Tested on a real file: tests/test_sqlite_concurrency.py.
    url_options = DATABASES["default"].get("OPTIONS", {})
    DATABASES["default"]["OPTIONS"] = {
        **url_options,
        "timeout": float(url_options.get("timeout", 20)),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a search's plan for longer (~0.5 s) than the query then runs.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = "articles:home"

# Accounts: django-allauth, accounts only (no social providers). Log in by user name or e-mail.
# One backend (allauth's, a ModelBackend: the admin and permissions too), so that a sign-in costs one
# password hash whether or not the account exists (newsroom/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["newsroom.accounts.backends.AuthenticationBackend"]
ACCOUNT_ADAPTER = "newsroom.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up, sign-in and password reset never tell whether an e-mail address has an account (user
# names are public). For sign-up that takes mandatory verification: otherwise a taken address must
# be refused on the form. A local site lets a newcomer in at once.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if SERVED_ONLY_LOCALLY else "mandatory"
)
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory.")
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_FORMS = {"login": "newsroom.accounts.forms.NewsroomLoginForm"}
# allauth's limits (429 with Retry-After beyond, newsroom/limits.py), as "amount/window/per" where per
# is ip, key (the login or e-mail address typed) or user. Failed sign-ins: 10 a minute from one
# address, 5 in 5 minutes for one account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Who the client is, for these limits, ours and the security log: behind the proxy of deploy/ (which
# sets X-Forwarded-For to the address it sees), the last entry of that header; else REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0" if SERVED_ONLY_LOCALLY else "1"))

# E-mail (sign-up confirmation, password reset): printed to the console unless EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", "true")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsroom.storage.HashedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Content Security Policy (django-csp): scripts and styles from our own static files only, and no
# inline script, event handler or style attribute anywhere (tests/test_security_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if csp_report_uri := os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [csp_report_uri]

# Caches: this process's memory by default; Redis when REDIS_URL is set, shared by every worker
# and host, so that cached pages, invalidation and rate limits hold across all of them.
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails a request in seconds, not at gunicorn's timeout.
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (django-tasks, newsroom/jobs): queued in the database, so a SQLite install needs
# no other server; `manage.py run_worker` runs it (make serve starts one beside gunicorn).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Imports' uploads and exports' files, served only to who asked (JOB_FILES_DIR: a folder that every
# app host and worker shares when there are several).
STORAGES["jobs"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": os.environ.get("JOB_FILES_DIR") or BASE_DIR / "var" / "jobs"},
}
# The largest file staff may upload to import articles (the admin refuses a larger one).
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", 100_000_000))
# Story grouping's granularity (articles.text.grouping): the cosine similarity of title and lede at
# which two articles are one event. Higher: smaller, surer proposals; lower: bigger ones that mix
# events more often (bench/grouping_eval.py prints both for several values).
STORY_GROUPING_THRESHOLD = float(os.environ.get("STORY_GROUPING_THRESHOLD", "0.4"))


# Abuse limits (newsroom/limits.py): token buckets in the cache, per user (per address when signed
# out), as (tokens a second, burst). Beyond them: 429 with Retry-After. Writes are annotations and
# replies created, edited, deleted, restored, hidden or flagged, from the pages and the API alike.
RATE_LIMITS = {
    "write": (4, 8),
    "search": (1, 20),
    "export": (0.2, 10),
    "invite": (0.1, 10),
}
# Annotations and replies one user may create by importing files (page and API): a bucket of this
# many that refills in an hour. A dry run counts nothing.
IMPORTED_PER_HOUR = int(os.environ.get("IMPORTED_PER_HOUR", "10000"))

# Input limits (newsroom/middleware.py), each refused with a message: a query string (414: above what
# forms send, a search of 500 characters of any script, and below gunicorn's longest request line,
# 8190 bytes), a whole body before any of it is read (413: the largest upload, an import of articles,
# with its form), a form's fields without its files (Django's, 413), and the API's JSON bodies (413).
MAX_QUERY_STRING_BYTES = 8000
MAX_REQUEST_BYTES = IMPORT_UPLOAD_MAX_BYTES + 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
API_MAX_BODY_BYTES = 1_000_000


# Logging: one JSON object per line on stdout (newsroom/ops/logging.py), with the time in UTC, the
# level, the logger, the message, the request's id (X-Request-ID) and any fields given, such as a
# security event's (newsroom/security_log.py). Gunicorn's own lines: deploy/gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "newsroom.ops.request_id.RequestIdFilter"},
        "refusals": {"()": "newsroom.ops.logging.RefusalFilter"},
    },
    "formatters": {"json": {"()": "newsroom.ops.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own loggers print plain text to the console in development: JSON lines only.
    "loggers": {
        **{name: {"handlers": [], "propagate": True} for name in ["django", "django.server"]},
        "django.request": {"handlers": [], "propagate": True, "filters": ["refusals"]},
    },
}
