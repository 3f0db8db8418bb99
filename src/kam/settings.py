"""The one settings module of kam: everything that differs between machines comes from the
environment (README.md, "Configuration"). SQLite in KAM_DATA_DIR is the embedded default."""

import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SRC_DIR = Path(__file__).resolve().parent
# The checkout kam runs from (./dev up); for an installed package, the working directory.
PROJECT_DIR = (
    SRC_DIR.parent.parent if (SRC_DIR.parent.parent / "package.json").exists() else Path.cwd()
)
DATA_DIR = Path(env("KAM_DATA_DIR", str(PROJECT_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

KAM_ENV = env("KAM_ENV", "development")
PRODUCTION = KAM_ENV == "production"
DEBUG = env_bool("KAM_DEBUG", False) and not PRODUCTION

# The demo data set logs in with this password; production refuses it (people.services).
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password, refused in production


def _secret_key() -> str:
    key = env("KAM_SECRET_KEY")
    if PRODUCTION:
        if len(key) < 50 or key.startswith("django-insecure") or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "KAM_ENV=production needs KAM_SECRET_KEY (or KAM_SECRET_KEY_FILE): "
                "at least 50 random characters."
            )
        return key
    if key:
        return key
    # Development keeps a generated key in the data folder so sessions survive a restart.
    key_file = DATA_DIR / "secret_key"
    try:
        # Created readable by the owner only from the first byte; O_EXCL settles a race
        # between processes starting together.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("KAM_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("KAM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "huey.contrib.djhuey",
    "ninja",
    "kam.core",
    "kam.people",
    "kam.clients",
    "kam.growth",
    "kam.pitching",
    "kam.delivery",
    "kam.budgets",
    "kam.receivables",
    "kam.insights",
]

MIDDLEWARE = [
    "kam.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kam.core.middleware.ApiErrorsAsJsonMiddleware",
    "kam.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kam.people.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kam.core.context_processors.shell",
            ],
        },
    },
]


# --- Database -----------------------------------------------------------------------------
def _databases() -> dict:
    url = env("DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
        if database["ENGINE"] == "django.db.backends.postgresql":
            # No JIT: PostgreSQL compiles a query whose estimated cost passes jit_above_cost,
            # and a page's many small correlated sums pass it — compiling the budget list's
            # took 11 s for a query that runs in 0.13 s. Short web queries never gain from it.
            database["OPTIONS"] = {**database.get("OPTIONS", {}), "options": "-c jit=off"}
        if database["ENGINE"] == "django.db.backends.postgresql" and env_bool("KAM_DB_POOL", True):
            # Django's pool checks each connection before handing it out, so kam recovers
            # as soon as PostgreSQL is back; a request waits at most `timeout` for one.
            database["OPTIONS"]["pool"] = {
                "min_size": 1,
                "max_size": env_int("KAM_DB_POOL_SIZE", 10),
                "timeout": env_int("KAM_DB_POOL_TIMEOUT", 10),
            }
        return {"default": database}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kam.sqlite3",
            # WAL lets readers run beside the writer; synchronous=FULL keeps an acknowledged
            # payment through a power cut; IMMEDIATE takes the write lock at BEGIN so concurrent
            # writers queue for up to `timeout` seconds instead of failing "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background jobs --------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("KAM_QUEUE_NAME", "kam"),
        "url": REDIS_URL,
        "immediate": env_bool("KAM_JOBS_IMMEDIATE", False),
        "consumer": {"workers": env_int("KAM_WORKERS", 2), "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kam",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": env_bool("KAM_JOBS_IMMEDIATE", False),
        "consumer": {"workers": env_int("KAM_WORKERS", 2), "worker_type": "thread"},
    }

# --- People ---------------------------------------------------------------------------------
# The address people open kam at, for the links in the emails jobs send (no request to ask).
KAM_BASE_URL = env("KAM_BASE_URL", "http://127.0.0.1:8000")
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "people:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per username (and per address) within the window before the login locks.
KAM_LOGIN_MAX_FAILURES = env_int("KAM_LOGIN_MAX_FAILURES", 5)
KAM_LOGIN_LOCK_MINUTES = env_int("KAM_LOGIN_LOCK_MINUTES", 15)
# A key client with no call, meeting, email or visit in this many days is flagged as quiet.
KAM_QUIET_AFTER_DAYS = env_int("KAM_QUIET_AFTER_DAYS", 30)
# Special terms ending within this many days get a renewal opportunity (once each).
KAM_RENEWAL_NOTICE_DAYS = env_int("KAM_RENEWAL_NOTICE_DAYS", 90)
# Imports of clients and stakeholders: the largest file and the most rows one file may hold.
KAM_IMPORT_MAX_BYTES = env_int("KAM_IMPORT_MAX_BYTES", 5_000_000)
KAM_IMPORT_MAX_ROWS = env_int("KAM_IMPORT_MAX_ROWS", 5_000)
# Brief attachments: the largest file, in megabytes (the types allowed are in core.attachments).
KAM_ATTACHMENT_MAX_MB = env_int("KAM_ATTACHMENT_MAX_MB", 20)
# A proposal version whose margin is under its client's floor, or this default, needs a
# Director's approval before it is sent.
KAM_MARGIN_FLOOR_PERCENT = env_int("KAM_MARGIN_FLOOR_PERCENT", 20)
# The shares of a budget line (and of the whole budget) used by costs and time at which the KAM
# is warned, on the project, the agenda and once by email.
KAM_BUDGET_THRESHOLDS = sorted(int(p) for p in env_list("KAM_BUDGET_THRESHOLDS", "80,100"))
# The VAT rate a new estimate starts from (the KAM changes it per version); invoices take their
# rates from dated data instead.
KAM_ESTIMATE_VAT_PERCENT = env_int("KAM_ESTIMATE_VAT_PERCENT", 10)

# Receivables. The agency as the seller on its invoices and statements.
KAM_COMPANY_NAME = env("KAM_COMPANY_NAME", "Công ty TNHH Truyền thông KAM")
KAM_COMPANY_TAX_CODE = env("KAM_COMPANY_TAX_CODE", "0312345675")
KAM_COMPANY_ADDRESS = env("KAM_COMPANY_ADDRESS", "12 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh")
KAM_COMPANY_CITY = env("KAM_COMPANY_CITY", "TP. Hồ Chí Minh")
KAM_COMPANY_REPRESENTATIVE = env("KAM_COMPANY_REPRESENTATIVE", "")
KAM_COMPANY_REPRESENTATIVE_TITLE = env("KAM_COMPANY_REPRESENTATIVE_TITLE", "Giám đốc")
# Invoice and credit note symbols ({yy}: the year's two digits), the currencies invoices may be
# in besides VND (each needs its rate), and the payment terms of an invoice without a contract.
KAM_INVOICE_SYMBOL = env("KAM_INVOICE_SYMBOL", "1C{yy}TAA")
KAM_CREDIT_NOTE_SYMBOL = env("KAM_CREDIT_NOTE_SYMBOL", "1C{yy}TAD")
KAM_INVOICE_CURRENCIES = env_list("KAM_INVOICE_CURRENCIES", "VND,USD,EUR")
KAM_PAYMENT_TERMS_DAYS = env_int("KAM_PAYMENT_TERMS_DAYS", 30)
# The VAT code of the standard rate, which a milestone's invoice takes when its contract's rate
# (say the reduced 8%) no longer applies on the invoice's day.
KAM_STANDARD_VAT_CODE = env("KAM_STANDARD_VAT_CODE", "10")
# Dunning: reminder steps in days from the due date (negative: before it), and their language.
KAM_DUNNING_STEPS = sorted(int(d) for d in env_list("KAM_DUNNING_STEPS", "-3,7,15,30"))
KAM_DUNNING_LANGUAGE = env("KAM_DUNNING_LANGUAGE", "vi")
# How long a reconciliation statement's confirm/dispute link stays valid.
KAM_STATEMENT_LINK_DAYS = env_int("KAM_STATEMENT_LINK_DAYS", 14)
# Insights. Targets and commission: commission is a share of collected revenue, the share set by
# the attainment of the collected target ("attainment%:rate%", highest threshold reached wins).
KAM_COMMISSION_TIERS = sorted(
    (int(tier.split(":")[0]), Decimal(tier.split(":")[1]))
    for tier in env_list("KAM_COMMISSION_TIERS", "0:0,80:1.5,100:3,120:4")
)
# Satisfaction surveys: how long a link stays valid, the scores that count as low (at or under),
# and how often a key client is asked when no project triggered a survey.
KAM_SURVEY_LINK_DAYS = env_int("KAM_SURVEY_LINK_DAYS", 30)
KAM_SURVEY_LOW_CSAT = env_int("KAM_SURVEY_LOW_CSAT", 3)
KAM_SURVEY_LOW_NPS = env_int("KAM_SURVEY_LOW_NPS", 6)
KAM_SURVEY_KEY_CLIENT_MONTHS = env_int("KAM_SURVEY_KEY_CLIENT_MONTHS", 6)
# Account health: the points each signal can cost (out of 100 together) and the score under
# which a client is flagged at risk. "signal:points", comma separated; see docs/insights.md.
KAM_HEALTH_WEIGHTS = {
    signal: int(points)
    for signal, points in (
        pair.split(":")
        for pair in env_list(
            "KAM_HEALTH_WEIGHTS",
            "contact:15,complaints:10,satisfaction:15,receivables:15,slips:10,budget:5,"
            "revenue:10,growth:10,coverage:10",
        )
    )
}
KAM_HEALTH_AT_RISK = env_int("KAM_HEALTH_AT_RISK", 60)
# Answer every request with a Server-Timing header (time in kam, SQL queries and their time) for
# `kam bench`; off by default since it tells any visitor how the server spends its time.
KAM_SERVER_TIMING = env_bool("KAM_SERVER_TIMING", False)
# How many trusted reverse proxies stand in front of kam (X-Forwarded-For hops to trust).
KAM_PROXY_COUNT = env_int("KAM_PROXY_COUNT", 0)

# --- Languages, formats, money ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# kam's own catalogue first, then the Vietnamese for Django's strings that Django lacks.
LOCALE_PATHS = [SRC_DIR / "locale", SRC_DIR / "locale_django"]
LANGUAGE_COOKIE_NAME = "kam_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = env("KAM_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True
FORMAT_MODULE_PATH = ["kam.formats"]
KAM_CURRENCY = "VND"
# Vietnamese convention: "." groups thousands and "," marks decimals. Some issuers register the
# opposite, so it is a setting: KAM_MONEY_SEPARATORS="," ".".
KAM_THOUSAND_SEPARATOR, KAM_DECIMAL_SEPARATOR = env("KAM_MONEY_SEPARATORS", ". ,").split()

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("KAM_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
ASSETS_DIR = Path(env("KAM_ASSETS_DIR", str(PROJECT_DIR / "node_modules")))
STATICFILES_DIRS = [
    SRC_DIR / "static",
    ("vendor/htmx", ASSETS_DIR / "htmx.org" / "dist"),
    ("vendor/pico", ASSETS_DIR / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kam.core.staticfiles.GzipManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files (brief attachments) on S3-compatible storage instead of the data folder, so
# several machines share them; needs the `s3` extra (django-storages with boto3).
if env("KAM_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("KAM_S3_BUCKET"),
            "endpoint_url": env("KAM_S3_ENDPOINT_URL") or None,
            "region_name": env("KAM_S3_REGION") or None,
            "access_key": env("KAM_S3_ACCESS_KEY"),
            "secret_key": env("KAM_S3_SECRET_KEY"),
            "location": "media",
            # Files are served through kam's own views, which check who asks; never public.
            "default_acl": "private",
            "file_overwrite": False,
        },
    }

# --- Email ------------------------------------------------------------------------------------
EMAIL_HOST = env("KAM_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("KAM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("KAM_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("KAM_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("KAM_EMAIL_USE_TLS", True)
else:
    # Without a mail server, mail is written to files a developer can read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env("KAM_EMAIL_FROM", "kam <kam@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "kam.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KAM_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("KAM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KAM_HSTS_PRELOAD", True)

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("KAM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        # The Huey consumer prints its own log lines; passing them on would print them twice.
        "huey": {"handlers": [], "propagate": False},
        # WeasyPrint logs every step of every PDF it prints at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
    },
}
