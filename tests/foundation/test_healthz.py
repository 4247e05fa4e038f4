"""/healthz: ok with everything up, degraded without Redis, 503 without the database."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_degraded_when_redis_is_unreachable(client, db, settings):
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = down
    settings.CELERY_BROKER_URL = down
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"] == {
        "status": "down",
        "error": "ConnectionError",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert body["checks"]["broker"]["status"] == "down"


def test_home_still_serves_when_redis_is_unreachable(client, db, settings):
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": down,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    assert client.get("/en/").status_code == 200


HEALTHZ_SCRIPT = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status_code": response.status_code, "body": response.json()}))
"""


def test_healthz_503_when_the_database_is_down():
    """A separate process whose database is a closed port: the test database is untouched."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qfapp.settings_test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/qf_down",
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status_code"] == 503
    assert answer["body"]["status"] == "down"
    assert answer["body"]["checks"]["database"]["status"] == "down"
    assert answer["body"]["checks"]["database"]["error"] == "OperationalError"
    assert answer["body"]["checks"]["cache"]["status"] == "ok"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_answers_only_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
