"""Probes of the services the site depends on, for /healthz."""

import time

from django.conf import settings
from django.db import connection


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        detail = check()
        result = {"status": "ok"}
        if detail:
            result["detail"] = detail
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure as "down"
        result = {"status": "down", "error": exc.__class__.__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed(probe)


def _redis_ping(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    finally:
        client.close()


def check_cache() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "detail": "in-process"}
    return _timed(lambda: _redis_ping(settings.REDIS_URL))


def check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"status": "ok", "detail": "in-process"}
    if settings.CELERY_BROKER_URL.startswith("redis"):
        return _timed(lambda: _redis_ping(settings.CELERY_BROKER_URL))

    def probe():
        from qfapp.celery_app import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=1)

    return _timed(probe)


def health_report() -> tuple[dict, int]:
    """Overall: ok; degraded when Redis is unreachable (pages still serve); down (503) without the database."""
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    if checks["database"]["status"] != "ok":
        return {"status": "down", "checks": checks}, 503
    if any(c["status"] != "ok" for c in checks.values()):
        return {"status": "degraded", "checks": checks}, 200
    return {"status": "ok", "checks": checks}, 200
