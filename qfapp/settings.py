"""Settings for the HKQF assessment-agency appointment system.

One module, driven by environment variables (django-environ). The defaults are safe for
production: DEBUG is off and a secret key must be given. `make run` sets DEBUG=1 and SQLite.
"""

import sys
import warnings
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _stop(setting: str, problem: str) -> None:
    """Stop start-up with one line naming the setting that is wrong."""
    sys.stderr.write(f"Configuration error: {setting} {problem}\n")
    raise SystemExit(1)


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        # Bandit B105 accepted: this key is used only with DEBUG on; production refuses to start without SECRET_KEY.
        SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105  # nosec B105
    else:
        _stop("SECRET_KEY", "is not set; production mode needs a long random value.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",
    "qfapp.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_fsm",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "accounts",
    "audit",
    "agencies",
    "applications",
    "reviews",
    "notifications",
    "management",
    "casework",
    "particulars",
    "letters",
    "qfapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qfapp.middleware.RequestIdMiddleware",
    "qfapp.middleware.RequestBodyLimitMiddleware",
    "qfapp.site.SiteURLMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qfapp.middleware.PrivateCacheControlMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "qfapp.middleware.SessionAbsoluteLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qfapp.urls"
WSGI_APPLICATION = "qfapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qfapp.context_processors.site",
            ],
            "builtins": ["qfapp.templatetags.qf"],
        },
    },
]

try:
    with warnings.catch_warnings():
        # django-environ warns about an unknown scheme; the check below reports it in one line.
        warnings.simplefilter("ignore")
        DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except Exception:  # noqa: BLE001 - any parse failure is reported the same way
    _stop("DATABASE_URL", "is malformed; expected e.g. postgres://user@host:5432/name.")
if DATABASES["default"].get("ENGINE") not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
) or not DATABASES["default"].get("NAME"):
    _stop("DATABASE_URL", "is malformed; expected postgres://user@host:5432/name or sqlite:///path.")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DB_IS_POSTGRES:
    # Short queries only: PostgreSQL's JIT compiler spent ~200 ms compiling the register's query
    # (cost estimates of its status subqueries cross jit_above_cost) to run it in under 5 ms.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    # SQLite with concurrent writers (`make run` serves threads): write-ahead logging lets readers go on
    # while one writes; IMMEDIATE takes the write lock when a transaction begins, so a second writer
    # waits for it (up to the busy timeout) instead of failing at once with "database is locked" when
    # its read lock cannot be upgraded; then it reads the first one's result and the rule answers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: cache and Celery broker. Without REDIS_URL everything runs in-process. -------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="qf"),
            "TIMEOUT": 300,
            "OPTIONS": {
                # The cache fails open: with Redis down a page is rendered, never a 500.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker (`make run`) tasks run in-process, at once, in the web process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# At most once: a task is acknowledged only after it ran, and re-queued if its worker dies; the
# outbox row lock (notifications.services) makes the second run send nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Hong_Kong"
# Bounded broker timeouts: with Redis down or hanging, publishing a task from a request fails
# within about 2 s (measured: refused 0.06 s, a port that never answers 2.0 s) and the message
# waits in the outbox. Tasks are published with retry=False (CELERY_TASK_PUBLISH_RETRY).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
    # Shorter than the default hour, longer than any task: an unacknowledged task comes back.
    "visibility_timeout": 600,
}
# The worker itself keeps reconnecting through an outage and resumes when Redis is back.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULER = "qfapp.celery_app:Scheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

from celery.schedules import crontab  # noqa: E402

# The schedule (times in CELERY_TIMEZONE). Every job is safe to run twice or late.
CELERY_BEAT_SCHEDULE = {
    # A retry not started within the minute is dropped: the next one does the same work.
    "outbox-retry": {"task": "notifications.retry_pending", "schedule": 60.0, "options": {"expires": 55}},
    "terms-ended": {"task": "notifications.terms_ended", "schedule": crontab(hour=0, minute=5)},
    "term-expiry-reminders": {"task": "notifications.term_expiry_reminders", "schedule": crontab(hour=0, minute=15)},
    "nightly-digest": {"task": "notifications.send_digests", "schedule": crontab(hour=6, minute=30)},
    "review-reminders": {"task": "reviews.send_review_reminders", "schedule": crontab(minute=0)},
    "orphan-files": {"task": "applications.sweep_orphan_files", "schedule": crontab(hour=3, minute=30)},
}

# --- Authentication ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # adds the person's name
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[HKQF] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
# Sign-in throttling (accounts.throttling): per account and address (axes below, and allauth's key
# limit, keyed by e-mail and address), per address (the ip limits), and per account across
# addresses (a cool-off for unknown devices that a known device, or the victim's own address, passes).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,60/15m/ip,10/5m/key"}
LOGIN_ACCOUNT_FAILURES = env.int("LOGIN_ACCOUNT_FAILURES", default=10)
LOGIN_ACCOUNT_WINDOW = env.int("LOGIN_ACCOUNT_WINDOW", default=15 * 60)
LOGIN_UNDER_ATTACK_COOLOFF = env.int("LOGIN_UNDER_ATTACK_COOLOFF", default=5 * 60)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Every staff role and reviewers sign in with a second factor (accounts.twofactor). The bureau may
# exempt its reviewers (TWO_FACTOR_EXEMPT_GROUPS=reviewers); no staff role can be exempted.
TWO_FACTOR_EXEMPT_GROUPS = env.list("TWO_FACTOR_EXEMPT_GROUPS", default=[])
if set(TWO_FACTOR_EXEMPT_GROUPS) - {"reviewers"}:
    _stop("TWO_FACTOR_EXEMPT_GROUPS", "may name only the reviewers group; staff always use a second factor.")
MFA_TOTP_ISSUER = "HKQF Assessment Agencies"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "qfapp.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "qfapp.auth.lockout_response"

SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 3600)  # absolute limit
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Behind a TLS-terminating proxy (docs/sec.md): the proxy OVERWRITES X-Forwarded-Proto and X-Real-IP
# on every request; only then are they trusted, for https and for the client address that sign-in
# throttling counts (allauth and axes). Without BEHIND_PROXY both come from the connection itself.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="X-Real-IP") if BEHIND_PROXY else ""
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = CLIENT_IP_HEADER or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_" + CLIENT_IP_HEADER.upper().replace("-", "_"),) if CLIENT_IP_HEADER else ("REMOTE_ADDR",)
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# The one fallback rule for names (agencies/names.py reads it for the open data too):
# Simplified -> Traditional -> English; Traditional -> English -> Simplified; English -> Traditional.
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "zh-hant", "zh-hans"),
    "zh-hant": ("en", "zh-hans"),
    "zh-hans": ("zh-hant", "en"),
}
# Each app keeps its own catalogue; the project's shared templates use locale/ (listed last so
# that `makemessages` run at the top files each string under the app it belongs to).
LOCALE_APPS = [
    "accounts",
    "audit",
    "agencies",
    "applications",
    "reviews",
    "notifications",
    "management",
    "casework",
    "particulars",
    "letters",
]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in LOCALE_APPS] + [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Hong_Kong"
USE_TZ = True

# --- Static and private files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "qfapp.storage.StaticFilesStorage"},
}
# Private documents live outside any served path and are read only through checked views.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media-not-served/"
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DOCUMENTS_PER_APPLICATION = env.int("DOCUMENTS_PER_APPLICATION", default=50)
# A callable (data=bytes, name=str) -> bool that scans an upload; plug an antivirus in here.
DOCUMENT_SCANNER = env.str("DOCUMENT_SCANNER", default="applications.uploads.accept_all")
# The largest request body accepted at all (a document and the form around it), refused on its
# Content-Length before it is read; the proxy's limit matches it (docs/sec.md).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=DOCUMENT_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Letters and dossiers: a PDF checked on the verification page is at most this large (letters are far
# smaller); a dossier stops (and says so) past this size or time.
LETTER_CHECK_MAX_BYTES = env.int("LETTER_CHECK_MAX_BYTES", default=2 * 1024 * 1024)
DOSSIER_MAX_BYTES = env.int("DOSSIER_MAX_BYTES", default=2 * 1024 * 1024 * 1024)
DOSSIER_MAX_SECONDS = env.int("DOSSIER_MAX_SECONDS", default=480)

# --- Email ------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="HKQF Assessment Agencies <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# What the applicant is told to expect (working days) and whom to ask (applications.selectors).
APPLICANT_SERVICE_TARGETS = {"screening": 10, "decision": 60, "publication": 5}
BUREAU_ENQUIRIES = {
    "email": env.str("BUREAU_ENQUIRY_EMAIL", default="qf-agencies@example.org"),
    "phone": env.str("BUREAU_ENQUIRY_PHONE", default=""),
}
# The address links in messages start with (qfapp.site.site_url). Empty: the address of the request.
SITE_URL = env.str("SITE_URL", default="")

# --- Benchmark ------------------------------------------------------------------------------
# BENCH_MODE=1 adds /bench/trivial, the upper bound `make bench` compares every page with.
BENCH_MODE = env.bool("BENCH_MODE", default=False)
# REGISTER_RESPONSE_CACHE=0 renders every register page (ETags and 304 answers stay): `make bench`
# measures the register without its response cache on a second server.
REGISTER_RESPONSE_CACHE = env.bool("REGISTER_RESPONSE_CACHE", default=True)

# --- Domain settings -----------------------------------------------------------------------
TERM_EXPIRY_LEAD_MONTHS = env.list("TERM_EXPIRY_LEAD_MONTHS", cast=int, default=[12, 6, 3])
REVIEWER_REMINDER_DAYS = env.int("REVIEWER_REMINDER_DAYS", default=3)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django_redis": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
