"""Settings for Open Almaty.

Everything comes from environment variables (12-factor) with safe defaults: DEBUG is off unless asked,
the secret key is never a literal in the code, and the defaults point at the project-private PostgreSQL
and Redis that `scripts/` starts under `.local/`. See README.md, "Configuration".
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("OA_LOCAL_DIR", BASE_DIR / ".local"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    """A per-checkout random key kept under .local/ (git-ignored), shared by all local processes.

    Production sets SECRET_KEY in the environment; this only spares a developer from inventing one.
    """
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


def cache_url_for(broker_url: str) -> str:
    """The broker's Redis server, logical database + 8: the cache never shares keys with a queue."""
    parts = urlsplit(broker_url)
    db = int(parts.path.strip("/") or 0) + 8
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def transport_for(broker_url: str) -> str | None:
    """openalmaty.broker's transports for redis:// and sentinel:// URLs; None, kombu's choice by the URL's scheme,
    for any other (rediss://, where kombu also sets TLS up from the scheme, or another broker). A path, not
    the class: settings stay free of kombu's Redis transport, which kombu imports when a connection needs it."""
    return {
        "redis": "openalmaty.broker:Transport",
        "sentinel": "openalmaty.broker:SentinelTransport",
    }.get(urlsplit(broker_url).scheme)


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts",
    "life_situations",
    "appeals",
]

MIDDLEWARE = [
    "openalmaty.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "openalmaty.urls"
WSGI_APPLICATION = "openalmaty.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openalmaty.context_processors.portal",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://openalmaty@127.0.0.1:55432/openalmaty")
# Persistent connections: a new PostgreSQL session loads the Kazakh Hunspell dictionary on its first search
# (~100 ms, notes on search), so a web worker keeps its connection; health checks replace a broken one.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")), conn_health_checks=True
    ),
}
# No ATOMIC_REQUESTS: services own their transactions.

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:56379/0")
CACHE_URL = os.environ.get("CACHE_URL") or cache_url_for(REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Per process, for fragments that depend only on the code and the language (empty forms): no network
    # round trip, and nothing breaks when Redis is down.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 3600},
}
# Sessions live in PostgreSQL: a Redis outage must not sign anybody out or stop an appeal being filed.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts --------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PhoneOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "appeals:cabinet"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session lasts at most 12 hours (NIST 800-63B AAL2 re-authentication).
SESSION_COOKIE_AGE = 12 * 60 * 60

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# --- Static files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", LOCAL_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail and SMS ----------------------------------------------------------------------------------------
# MAIL_BACKEND picks the backend; development writes messages to files under .local/mail, where tests and
# people can read them. Production sets MAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and MAIL_*.
MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
_MAIL_OPTIONS = {
    "django.core.mail.backends.filebased.EmailBackend": {"file_path": str(LOCAL_DIR / "mail")},
    "django.core.mail.backends.smtp.EmailBackend": {
        "host": os.environ.get("MAIL_HOST", "localhost"),
        "port": int(os.environ.get("MAIL_PORT", "25")),
        "username": os.environ.get("MAIL_USER", ""),
        "password": os.environ.get("MAIL_PASSWORD", ""),
        "use_tls": env_bool("MAIL_USE_TLS"),
        "timeout": 10,
    },
}
MAILERS = {"default": {"BACKEND": MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS.get(MAIL_BACKEND, {})}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Open Almaty <noreply@open-almaty.kz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = os.environ.get("SMS_BACKEND", "openalmaty.sms.FileBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", LOCAL_DIR / "sms"))
SMS_SENDER = os.environ.get("SMS_SENDER", "OpenAlmaty")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")  # for openalmaty.sms.HttpBackend
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))
SMS_GATEWAY_RETRIES = int(os.environ.get("SMS_GATEWAY_RETRIES", "2"))

# --- Celery (read notes/performance_and_reliability.md §2 before changing) --------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_BROKER_TRANSPORT = transport_for(CELERY_BROKER_URL)  # kombu's, keeping one Redis client a channel
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent, so redelivery is safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120  # far below the visibility timeout
# Messages wait on gateways (SMS, mail: seconds when one is slow), so they have a queue and a worker of their
# own (Procfile: notifier): routing never queues behind a hanging gateway. Everything else, routing and beat's
# sweeps, stays on the default queue ("celery"), which the router worker takes.
CELERY_TASK_ROUTES = {
    "appeals.tasks.send_notification_task": {"queue": "notifications"},
    "appeals.tasks.resend_pending_notifications_task": {"queue": "notifications"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A killed worker's unacknowledged task comes back after this, not after Celery's default hour.
    "visibility_timeout": 300,
    # Without socket timeouts a publish to a vanished broker can wait forever (celery #4296).
    "socket_timeout": 2,
    "socket_connect_timeout": 1,
}
# A broker outage must cost the citizen at most a fraction of a second: one quick retry, then give up;
# the appeal is already committed and the sweeper dispatches it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless this is set: a new
# PostgreSQL backend per task cost more CPU than the task itself (two per appeal: routing and its SMS).
# With it, a connection serves up to this many tasks; openalmaty.celery checks it before each task, as
# Django does before each request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Workers yield the CPU to the web tier (openalmaty.celery). On 2 cores a 15 s burst registered 136–147
# appeals/s with the workers at nice 10 against 80–97 at nice 0; routing caught up 8–10 s after it. 0: off.
CELERY_WORKER_NICENESS = int(os.environ.get("CELERY_WORKER_NICENESS", "10"))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_DIR / "celerybeat-schedule")
# Deadlines are database columns that these periodic tasks read; never ETA/countdown tasks (§2.1, L6).
CELERY_BEAT_SCHEDULE = {
    "redispatch-waiting-appeals": {"task": "appeals.tasks.redispatch_waiting_appeals_task", "schedule": 15.0},
    "resend-pending-notifications": {"task": "appeals.tasks.resend_pending_notifications_task", "schedule": 60.0},
    "warn-before-deadline": {"task": "appeals.tasks.warn_before_deadline_task", "schedule": crontab(minute=5)},
    "escalate-overdue": {"task": "appeals.tasks.escalate_overdue_task", "schedule": crontab(minute=10)},
    "close-quiet-answered": {
        "task": "appeals.tasks.close_quiet_answered_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "sync-calendar": {
        "task": "appeals.tasks.sync_calendar_task",
        "schedule": crontab(hour=3, minute=0, day_of_month=1),
    },
    # Guide and search pages count views and searches in Redis; this writes them (life_situations.services).
    "flush-catalogue-counters": {"task": "life_situations.tasks.counters_flush_task", "schedule": 60.0},
}
# An answered appeal the citizen does not react to is closed after this many days; a complaint is still
# possible within the legal window afterwards.
APPEAL_QUIET_PERIOD_DAYS = int(os.environ.get("APPEAL_QUIET_PERIOD_DAYS", "10"))
# Anti-automation on the public appeal form, per client address (fails open when Redis is down).
APPEAL_RATE_PER_MINUTE = int(os.environ.get("APPEAL_RATE_PER_MINUTE", "5"))
APPEAL_RATE_PER_DAY = int(os.environ.get("APPEAL_RATE_PER_DAY", "30"))
# The sweeper routes appeals that waited in REGISTERED longer than this (the broker was down).
APPEAL_REDISPATCH_AFTER_SECONDS = int(os.environ.get("APPEAL_REDISPATCH_AFTER_SECONDS", "30"))

# --- Security --------------------------------------------------------------------------------------------
# HTTPS=true is the production switch: TLS is terminated by the load balancer in front of gunicorn.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- The portal ------------------------------------------------------------------------------------------
PORTAL_CONTACT = {
    "phone": os.environ.get("CONTACT_PHONE", "109"),
    "whatsapp": os.environ.get("CONTACT_WHATSAPP", "+7 700 109 00 00"),
    "telegram": os.environ.get("CONTACT_TELEGRAM", "@OpenAlmatyBot"),
    "email": os.environ.get("CONTACT_EMAIL", "info@open-almaty.kz"),
}
HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT", "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
