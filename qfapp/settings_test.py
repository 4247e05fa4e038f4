"""Test settings: PostgreSQL and Redis as in production, with fast hashing and local mail."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qfapp")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Each xdist worker gets its own Redis database (15, 14, ...): a test that clears the cache or
# purges the queue must not reach into another worker's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and _worker[2:].isdigit():
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{max(int(_db) - int(_worker[2:]), 0)}"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR, CACHES, DATABASES, DB_IS_POSTGRES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_STORAGE_ROOT = BASE_DIR / "var" / "test-private" / os.environ.get("PYTEST_XDIST_WORKER", "main")
# Unit tests run tasks in-process; the delivery tests start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CACHES["default"]["KEY_PREFIX"] = "qftest-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
# Serve static files from the finders in tests (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if not DB_IS_POSTGRES:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # A file, not Django's shared in-memory database: threads of the race tests then meet SQLite's own
    # locking (WAL, IMMEDIATE, busy timeout) as `make run` does. One file per xdist worker.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3")
    }
