"""Settings for the secure sign-in help portal, read from the environment.

Defaults give the embedded set-up (SQLite, files in local folders, a cache
table in the database that every worker shares). DATABASE_URL switches to
PostgreSQL, REDIS_URL to a shared Redis cache (also used for sessions and
throttling counters), S3_ENDPOINT_URL both file stores to S3-compatible
object storage. DJANGO_ENV=production turns on
every HTTPS and cookie hardening that `check --deploy` asks for and insists
on a real DJANGO_SECRET_KEY.
"""

import importlib
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL, for the Content-Security-Policy."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False) and not PRODUCTION

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    # Development only: a fixed, clearly marked key so sessions survive restarts.
    SECRET_KEY = "dev-insecure-" + "x" * 50

# Keys that encrypt device secrets and card secrets at rest (Fernet, base64),
# comma-separated, newest first (portal/crypto.py). Required in production; in
# development derived from SECRET_KEY unless given, so a fresh machine works.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
if PRODUCTION:
    from portal.crypto_settings import check_field_encryption_key

    check_field_encryption_key(FIELD_ENCRYPTION_KEY)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Staff sign in to the admin with a TOTP code (securelogin/staff_signin.py). Only in
# development may STAFF_OTP_REQUIRED=0 relax it (make run); production ignores it.
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", True)
# Practice accounts (demo clients) may send documents only in development; their
# submissions are marked and purged after a day (securelogin/account_kinds.py).
PRACTICE_ACCOUNTS_MAY_UPLOAD = env_bool("PRACTICE_ACCOUNTS_MAY_UPLOAD", True) and not PRODUCTION
# Every app's own settings (declared once in its conf.py with AppSettings) may also come from
# the environment under the same name, e.g. SECURELOGIN_PASSWORD_FREE_TRIES_PER_SOURCE=500
# behind a large NAT; each is parsed by the type of its default (portal/app_settings.py).
APP_SETTINGS_MODULES = ("securelogin.conf", "documents.conf", "connectivity.conf", "articles.conf")
for _module in APP_SETTINGS_MODULES:
    globals().update(importlib.import_module(_module).app_settings.django_settings())
# Proxies in front of the site (TLS proxy, load balancer) whose X-Forwarded-For
# entry is believed: the client address is the entry that many places from the
# right (portal/client_address.py). 0 (default): only REMOTE_ADDR counts.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"  # JSON for JSON clients

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    # django.contrib.admin, with staff TOTP (securelogin/staff_signin.py)
    "securelogin.staff_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_otp",
    "securelogin.staff_apps.StaffAuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "reversion",
    "portal",
    "articles",
    "securelogin",
    "documents",
    "connectivity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL in a URL: 404, never a query (PostgreSQL refuses NUL)
    "portal.nul_guard.RefuseNulInUrlMiddleware",
    "articles.middleware.PublicPageCacheMiddleware",  # cached public pages skip the rest
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # idle and absolute limits of client sessions
    "securelogin.session_timeout.ClientSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

# Seconds a request waits to reach a store (database, cache, object storage) before the
# site answers 503 "temporarily unavailable" instead of hanging.
STORE_TIMEOUT_SECONDS = env_int("STORE_TIMEOUT_SECONDS", 3)

DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600 if DATABASE_URL else None,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once (gunicorn workers, tests); IMMEDIATE
    # transactions take the write lock at BEGIN, so read-modify-write (cache counters) is atomic.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
else:
    # Time limits on reaching PostgreSQL; keepalives notice a connection whose peer vanished
    # (a network partition) instead of waiting on it until gunicorn's worker timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": STORE_TIMEOUT_SECONDS,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": STORE_TIMEOUT_SECONDS * 3000,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis when REDIS_URL is set (every node), otherwise a table in the
# database, which every worker process of the embedded set-up shares. It holds the
# content version of the page cache, rendered pages, throttling counters and (Redis)
# sessions; nothing that several workers must agree on lives in one process's memory.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "portal")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
            "OPTIONS": {
                "socket_connect_timeout": STORE_TIMEOUT_SECONDS,
                "socket_timeout": STORE_TIMEOUT_SECONDS,
                "health_check_interval": 30,
            },
        }
    }
    SESSION_ENGINE = "portal.sessions.cached_db"
else:
    SESSION_ENGINE = "portal.sessions.db"
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.DatabaseCache",
            "LOCATION": "portal_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English and German, URL-prefixed (/en/…, /de/…).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "de")
# The admin's language tabs need jQuery UI; serve our copy (from Debian's libjs-jquery-ui)
# instead of modeltranslation's default CDN, which the Content-Security-Policy blocks.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Zurich")
# English times without a closing full stop (portal/formats/en/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Private files (document photos) live outside MEDIA_ROOT and are never served
# as public media; views that check permissions stream them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
# Scratch space of one request (photos being checked before they are stored); emptied by
# `documents_clean_staging`. Never read by another request, so it may be local to the node.
STAGING_ROOT = Path(env_str("STAGING_ROOT", str(BASE_DIR / "staging")))
# Each web worker forks its decoding children from a server per module (portal/sandbox.py); the
# bounds of every child are SANDBOX_LIMITS (a dict, Django settings only).
SANDBOX_FORK_SERVER = env_bool("SANDBOX_FORK_SERVER", True)

# Object storage: S3_ENDPOINT_URL switches both file stores (public figures, private
# document photos) to an S3-compatible service, each in its own bucket.
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_PUBLIC_BUCKET = env_str("S3_PUBLIC_BUCKET", "portal-public")
S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET", "portal-private")
S3_PUBLIC_MEDIA_URL = env_str(
    "S3_PUBLIC_MEDIA_URL"
)  # e.g. a CDN; default: the app serves MEDIA_URL
if S3_ENDPOINT_URL:
    from botocore.config import Config as _BotoConfig

    _s3 = {
        "endpoint_url": S3_ENDPOINT_URL,
        "access_key": env_str("S3_ACCESS_KEY_ID"),
        "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
        "region_name": env_str("S3_REGION", "us-east-1"),
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": True,  # names are random or content-derived: skip a HEAD request per save
        "max_memory_size": 16 * 1024 * 1024,  # a photo being streamed stays in memory, not in /tmp
        "querystring_auth": False,
        "default_acl": "private",
        # A store that hangs must not hold a worker: one attempt, each wait bounded.
        "client_config": _BotoConfig(
            connect_timeout=STORE_TIMEOUT_SECONDS,
            read_timeout=STORE_TIMEOUT_SECONDS,
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    }
    # Served by a CDN straight from the bucket: figures must be publicly readable there.
    _public_acl = "public-read" if S3_PUBLIC_MEDIA_URL else "private"
    _public_files = {
        "BACKEND": "portal.storage.PublicS3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_PUBLIC_BUCKET, "default_acl": _public_acl},
    }
    _private_files = {
        "BACKEND": "portal.storage.PrivateS3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_PRIVATE_BUCKET},
    }
else:
    _public_files = {"BACKEND": "portal.storage.PublicFileSystemStorage"}
    _private_files = {"BACKEND": "portal.storage.PrivateFileSystemStorage"}
# Hashed names from collectstatic's manifest (off: the files as they are, found by the finders).
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": _public_files,
    "private": _private_files,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST
# The embedded set-up serves uploaded media itself (figures); a grown-up
# deployment sets SERVE_MEDIA=0 and lets object storage or the proxy do it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads stream to a temp file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGIN_URL = "securelogin:signin"
LOGIN_REDIRECT_URL = "securelogin:home"

# Content-Security-Policy (Django's built-in middleware): only this origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [
        CSP.SELF,
        "data:",
        "blob:",
        *([_origin(S3_PUBLIC_MEDIA_URL)] if S3_PUBLIC_MEDIA_URL else []),
    ],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Knowledge base: the page cache, view counting and figure settings are declared in
# articles/conf.py (read from the environment above, through APP_SETTINGS_MODULES).
