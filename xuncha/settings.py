"""Settings for xuncha, read from the environment.

One file, as in healthchecks: every value that differs between the demo, the tests and production
comes from an environment variable. ``XUNCHA_ENV=production`` turns on the hardened mode that must
pass ``manage.py check --deploy`` clean.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


ENVIRONMENT = os.environ.get("XUNCHA_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

# Everything the running system writes (SQLite database, secret key, uploads, keys) lives under one
# git-ignored folder, outside static and outside the source tree's packages.
DATA_DIR = Path(os.environ.get("XUNCHA_DATA_DIR", BASE_DIR / "var")).resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when XUNCHA_ENV=production")
    # The demo generates a key once and keeps it in the data folder, never in the repository.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    # xuncha, in the order of the lifecycle: the shared ground first.
    "xuncha.core",
    "xuncha.organisations",
    "xuncha.accounts",
    "xuncha.audit",
    "xuncha.notifications",
    "xuncha.attachments",
    "xuncha.inspections",
    "xuncha.findings",
    "xuncha.leads",
    "xuncha.reports",
    "xuncha.rectification",
    "xuncha.outcomes",
    "xuncha.reporting",
    "xuncha.evaluation",
    "xuncha.surveys",
    "xuncha.dashboards",
    "xuncha.web",
    "xuncha.demo",
    "xuncha.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx, which its redirects use.
    "xuncha.accounts.middleware.SessionPolicyMiddleware",
    "xuncha.core.middleware.AppErrorMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"
ASGI_APPLICATION = "xuncha.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xuncha" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuncha.web.context_processors.shell",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://… for production.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'xuncha.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection pool per process (psycopg_pool, Django's "pool" option): a request borrows a
    # connection and gives it back when it ends. Reconnecting per request measured a third of the
    # throughput; persistent per-thread connections (CONN_MAX_AGE) leak under granian, whose
    # elastic thread pool ends idle threads without closing what they held (measured 53 -> 99
    # server connections after three bursts). The pool bounds them: workers x XUNCHA_DB_POOL_SIZE.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": int(os.environ.get("XUNCHA_DB_POOL_SIZE", "8")), "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # One connection per request, closed at its end. Keeping SQLite connections (and their page
    # cache) across requests measured up to 1.9x the ledger API's throughput, but granian runs WSGI
    # on an elastic pool of threads (up to backpressure/2 per worker, idle ones ended after 30 s)
    # and does not clear a thread's storage when it ends it: the connections of ended threads are
    # never closed, so file handles and memory grow with every burst of traffic (measured: 63, 84,
    # 125 open SQLite handles after three bursts). Opening costs ~1.5 ms (reading the schema);
    # the hot pages stay in the OS cache through mmap. CONN_HEALTH_CHECKS would not help: SQLite
    # connections always report usable, and the check runs only in a live thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL and a bigger cache: Django's defaults were up to 30% slower (docs/performance.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Passwords (security.md: ≥ 10 chars, 3 of 4 classes, blocklist, argon2, last 5 not reused) ---
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "xuncha.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "xuncha.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "xuncha.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"keep": 5}},
]
# Rotation in days; 0 turns it off (the demo does).
PASSWORD_MAX_AGE_DAYS = env_int("XUNCHA_PASSWORD_MAX_AGE_DAYS", 90)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xuncha.accounts.backends.RoleBackend",
]

# --- Login failures: lock after 5 failures for 30 minutes, per account ---
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking per account, not per address: offices sit behind one NAT address, and locking the address
# would lock a whole office out because of one person's typos. Failures are still logged with the IP.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 30 minutes from the fifth failure; attempts during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "xuncha.accounts.views_auth.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env_int("XUNCHA_PROXY_COUNT", 0) or None

# --- Sessions: idle 30 minutes, absolute 12 hours ---
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Second factor: optional TOTP; when this is on, the three administrators must use it.
XUNCHA_REQUIRE_2FA_FOR_ADMINS = env_bool("XUNCHA_REQUIRE_2FA_FOR_ADMINS", PRODUCTION)
OTP_TOTP_ISSUER = "xuncha 巡察整改"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Internationalisation: the UI is Simplified Chinese, code is English ---
LANGUAGE_CODE = "zh-hans"
# One language: a browser asking for English must not get Django's own messages in English
# next to ours in Chinese.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "xuncha" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: our own and the npm packages, served locally by whitenoise (no CDN) ---
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "xuncha" / "static",
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads live outside static and are served only through authorised views.
MEDIA_ROOT = DATA_DIR / "uploads"
# Never served by URL: uploads go out only through the authorised download view. Django's test
# server needs a non-empty value, so it is a path no route answers.
MEDIA_URL = "/_uploads-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XUNCHA_IMPORT_MAX_BYTES = env_int("XUNCHA_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
XUNCHA_IMPORT_MAX_ROWS = env_int("XUNCHA_IMPORT_MAX_ROWS", 20000)
XUNCHA_UPLOAD_MAX_BYTES = env_int("XUNCHA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# --- Background work: django.tasks with the database backend ---
TASKS = {
    "default": {
        "BACKEND": os.environ.get("XUNCHA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- E-mail: optional; without SMTP settings only the in-app inbox is used ---
_SMTP_HOST = os.environ.get("EMAIL_HOST", "")
# SMTP always: nothing is sent unless EMAIL_HOST is set (XUNCHA_EMAIL_ENABLED), and the test runner
# swaps in its in-memory backend.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _SMTP_HOST or "localhost",
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xuncha@localhost")
XUNCHA_EMAIL_ENABLED = bool(_SMTP_HOST)

# --- Audit ---
XUNCHA_AUDIT_RETENTION_DAYS = env_int("XUNCHA_AUDIT_RETENTION_DAYS", 180)

# --- Web hardening ---
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # ECharts sets inline styles on the elements it draws; no inline script is ever allowed.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
