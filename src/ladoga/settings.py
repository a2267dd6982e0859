"""The one settings module. Every knob is a LADOGA_* environment variable with a safe default.

LADOGA_HOME               data folder (SQLite file, uploaded files, task queue, secret key)
LADOGA_DATABASE_URL       sqlite:///path or postgresql://user:pass@host:port/name
LADOGA_TEST_DATABASE_URL  the database the test suite runs on (default: SQLite)
LADOGA_SECRET_KEY         generated into LADOGA_HOME/secret.key when absent
LADOGA_ENCRYPTION_KEY     key for secrets kept in the database (mail account passwords);
                          default: derived from the secret key (see ladoga.core.secrets)
LADOGA_DEBUG              1/true/yes to turn on debug pages (never in production)
LADOGA_ALLOWED_HOSTS      comma-separated host names
LADOGA_REDIS_URL          when set, background tasks and the cache use Redis (needed by several
                          app servers; see docs/deploy.md)
LADOGA_EMAIL_URL          smtp://user:pass@host:port (smtp+tls:// or smtps:// for TLS)
LADOGA_UPLOAD_MAX_MB      largest accepted upload (default 25)
LADOGA_STORAGE_URL        where uploaded files live: file:///path (default LADOGA_HOME/files) or
                          s3://key:secret@bucket?endpoint=https://host:port&region=…&prefix=…
                          (S3-compatible; credentials may come from AWS_* variables instead)
LADOGA_FILE_DOWNLOADS     with S3: `ladoga` (default) streams files through Ladoga after the
                          access check; `signed-url` redirects to a 60-second signed URL instead
LADOGA_SECURE_PROXY       1 when a TLS-terminating proxy sits in front (HSTS, secure cookies)
LADOGA_TRUSTED_PROXY      the proxy's address whose X-Forwarded-Proto/-For/-Host `ladoga serve`
                          believes (default 127.0.0.1; * for any), with LADOGA_SECURE_PROXY=1
LADOGA_REGISTRY_URL       base URL of a DaData-compatible state-registry API (P11)
LADOGA_REGISTRY_TOKEN     its API key; registry auto-fill is off while it is empty
LADOGA_WEBHOOK_TIMEOUT    seconds a webhook receiver has to answer (default 10)
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict:
    """Turn sqlite:///path or postgresql://user:pass@host:port/name into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:] if parts.path.startswith("//") else parts.path)
            or ":memory:",
            # Connections stay open between requests: opening one (and the PRAGMAs) costs
            # more than the query of a typical API call.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"LADOGA_DATABASE_URL: unsupported scheme {parts.scheme!r}")


S3_URL_PARAMETERS = {"endpoint", "region", "prefix", "addressing"}
SIGNED_URL_SECONDS = 60


def storage_from_url(url: str, *, home: Path) -> dict:
    """Turn LADOGA_STORAGE_URL into the STORAGES["default"] entry.

    Empty → the folder `home/files`; `file:///path` → that folder; `s3://[key:secret@]bucket
    ?endpoint=…&region=…&prefix=…&addressing=path|virtual` → an S3-compatible bucket through
    django-storages. Objects are private, never overwritten, and the URLs the backend signs
    live SIGNED_URL_SECONDS; without key:secret in the URL boto3 takes the standard AWS_*
    variables (or an instance role). Anything else is refused with the reason, at start-up.
    """
    if not url:
        return _local_storage(home / "files")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc or not parts.path.startswith("/") or parts.query:
            raise ValueError(
                f"LADOGA_STORAGE_URL: a local folder is written file:///absolute/path (got {url!r})"
            )
        return _local_storage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        return _s3_storage(parts)
    raise ValueError(
        f"LADOGA_STORAGE_URL: unsupported scheme {parts.scheme!r} (use file:// or s3://)"
    )


def _local_storage(location: Path) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location)},
    }


def _s3_storage(parts) -> dict:
    from botocore.config import Config

    bucket = parts.hostname or ""
    if not bucket or parts.path not in {"", "/"}:
        raise ValueError("LADOGA_STORAGE_URL: name the bucket as the host: s3://bucket?…")
    try:
        query = parse_qs(parts.query, strict_parsing=bool(parts.query))
    except ValueError:
        raise ValueError(f"LADOGA_STORAGE_URL: cannot read the query {parts.query!r}") from None
    if unknown := sorted(set(query) - S3_URL_PARAMETERS):
        raise ValueError(
            f"LADOGA_STORAGE_URL: unknown parameter {unknown[0]!r}"
            f" (known: {', '.join(sorted(S3_URL_PARAMETERS))})"
        )
    value = {name: values[-1] for name, values in query.items()}
    endpoint = value.get("endpoint", "")
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ValueError(
            f"LADOGA_STORAGE_URL: the endpoint must be an http:// or https:// URL, not {endpoint!r}"
        )
    addressing = value.get("addressing", "path" if endpoint else "auto")
    if addressing not in {"path", "virtual", "auto"}:
        raise ValueError("LADOGA_STORAGE_URL: addressing is path, virtual or auto")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": value.get("region") or "us-east-1",
        "location": value.get("prefix", "").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        "file_overwrite": False,
        # An unreachable store must fail an upload within seconds, not hang the request.
        "client_config": Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": addressing},
            signature_version="s3v4",
        ),
    }
    if parts.username or parts.password:
        options["access_key"] = unquote(parts.username or "")
        options["secret_key"] = unquote(parts.password or "")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


HOME = Path(env("LADOGA_HOME", "ladoga-data")).resolve()
_files_storage = storage_from_url(env("LADOGA_STORAGE_URL"), home=HOME)
# The local files folder: the uploads themselves with local storage; with S3 only the
# working files of imports (partners.exchange.jobs).
_files_local = _files_storage["BACKEND"].endswith("FileSystemStorage")
FILES_ROOT = Path(_files_storage["OPTIONS"]["location"]) if _files_local else HOME / "files"
FILE_DOWNLOADS = env("LADOGA_FILE_DOWNLOADS", "ladoga")
if FILE_DOWNLOADS not in {"ladoga", "signed-url"}:
    raise ValueError("LADOGA_FILE_DOWNLOADS: use ladoga or signed-url")
if FILE_DOWNLOADS == "signed-url" and _files_local:
    raise ValueError(
        "LADOGA_FILE_DOWNLOADS=signed-url needs an S3 LADOGA_STORAGE_URL: a local folder has"
        " no signed URLs"
    )


def _secret_key() -> str:
    if key := env("LADOGA_SECRET_KEY"):
        return key
    if TESTING:
        return "tests-only-" + "x" * 50
    path = HOME / "secret.key"
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ENCRYPTION_KEY = env("LADOGA_ENCRYPTION_KEY")
DEBUG = env_bool("LADOGA_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in env("LADOGA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]

_default_db = f"sqlite:///{HOME / 'ladoga.sqlite3'}"
if TESTING:
    DATABASES = {"default": database_from_url(env("LADOGA_TEST_DATABASE_URL", "sqlite://"))}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not memory: parallel connections then behave as in production (WAL,
        # IMMEDIATE transactions, busy timeout) instead of failing on shared-cache locks.
        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"ladoga-test-{os.getpid()}.sqlite3")
        }
else:
    DATABASES = {"default": database_from_url(env("LADOGA_DATABASE_URL", _default_db))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "huey.contrib.djhuey",
    "ninja",
    "ladoga.core",
    "ladoga.accounts",
    "ladoga.partners",
    "ladoga.interactions",
    "ladoga.loyalty",
    "ladoga.sales",
    "ladoga.deals",
    "ladoga.claims",
    "ladoga.analytics",
    "ladoga.portal",
    "ladoga.dav",
    "ladoga.webhooks",
    "ladoga.web",
    "django.forms",  # after ladoga.web, whose widget templates override Django's
]
# Form widgets render through the project's templates (ladoga.web overrides a few of them).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ladoga.core.middleware.ContentSecurityPolicyMiddleware",
    "ladoga.core.middleware.DatabaseAvailableMiddleware",
    "ladoga.core.middleware.ActionAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ladoga.accounts.middleware.UserLanguageMiddleware",
    "ladoga.accounts.middleware.IdempotencyMiddleware",
    "ladoga.portal.middleware.PortalBoundaryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

if TESTING:
    # A tiny domain that exercises the shared conventions in tests (tests/testapp).
    INSTALLED_APPS.append("tests.testapp")

ROOT_URLCONF = "ladoga.urls"
WSGI_APPLICATION = "ladoga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ladoga.web.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling: this many failures for one user name lock the name for a while; this many
# failures for existing names from one address lock the address.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_ADDRESS_LIMIT = 20
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files are served by WhiteNoise straight from the installed package (no collectstatic).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": _files_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

UPLOAD_MAX_BYTES = int(float(env("LADOGA_UPLOAD_MAX_MB", "25")) * 1024 * 1024)
# Request bodies beyond the largest upload (plus room for form fields) are refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY = env_bool("LADOGA_SECURE_PROXY")
TRUSTED_PROXY = env("LADOGA_TRUSTED_PROXY", "127.0.0.1")
if SECURE_PROXY:
    # Behind a TLS-terminating proxy: trust its scheme header, send cookies only over TLS, HSTS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith("[")]
    # The load balancer asks each app server directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = (
    # HSTS preload is a promise to browsers that is slow to take back: the operator opts in
    # on the proxy, not Ladoga.
    ["security.W021"]
    if env_bool("LADOGA_SECURE_PROXY")
    # Without LADOGA_SECURE_PROXY Ladoga serves plain HTTP on a private address; TLS, HSTS
    # and secure cookies are switched on together by LADOGA_SECURE_PROXY=1.
    else ["security.W004", "security.W008", "security.W012", "security.W016"]
)


def _email_settings(url: str) -> dict:
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": 20,
    }


globals().update(_email_settings(env("LADOGA_EMAIL_URL")))
DEFAULT_FROM_EMAIL = env("LADOGA_FROM_EMAIL", "ladoga@localhost")

REDIS_URL = env("LADOGA_REDIS_URL")
if REDIS_URL:
    HUEY = {
        # Several workers may share the queue; each periodic task is enqueued once a minute.
        "huey_class": "ladoga.core.scheduling.OncePerTickRedisHuey",
        "name": "ladoga",
        "url": REDIS_URL,
        "immediate": TESTING,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ladoga",
        "filename": str(HOME / "tasks.sqlite3"),
        "immediate": TESTING,
    }

# Whatever several app servers must share lives in the database (sessions, login throttling,
# Idempotency-Key answers) or, with Redis, in the cache; without Redis the cache is each
# process's own memory, which is right for one server.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ladoga",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# State registry (ЕГРЮЛ/ЕГРИП) auto-fill, P11: a DaData-compatible "findById/party" API.
REGISTRY_URL = env("LADOGA_REGISTRY_URL", "https://suggestions.dadata.ru/suggestions/api/4_1/rs")
REGISTRY_TOKEN = env("LADOGA_REGISTRY_TOKEN")
REGISTRY_TIMEOUT_SECONDS = float(env("LADOGA_REGISTRY_TIMEOUT", "10"))

# Webhooks (X9): how long a receiver has to answer one attempt.
WEBHOOK_TIMEOUT_SECONDS = float(env("LADOGA_WEBHOOK_TIMEOUT", "10"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "ladoga": {"level": "INFO"},
        # huey adds its own handler; without this every worker line would print twice
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
