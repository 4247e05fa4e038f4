"""A private Redis is stopped and started again under a running worker: nothing is lost or doubled."""

import shutil
import subprocess
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from notifications import events, services, tasks
from notifications.models import Message
from qfapp.celery_app import app as celery_app

from .conftest import broker, closed_port_url, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server program"),
]


class PrivateRedis:
    """A redis-server of this test's own on a free port, so the shared one is never stopped."""

    def __init__(self):
        self.port = int(closed_port_url().split(":")[2].split("/")[0])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        assert wait_for(lambda: _pings(client), seconds=10)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _submit(user, key: str) -> Message:
    with transaction.atomic():
        return services.notify(
            event=events.SUBMISSION_RECEIVED, recipients=[user], context={"reference": key}, key=key
        )[0]


def test_worker_survives_a_redis_restart(private_redis, applicant, capsys):
    with (
        broker(private_redis.url),
        start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=60),
    ):
        _submit(applicant, "RPL-2026-0401")
        assert wait_for(lambda: len(mail.outbox) == 1)

        private_redis.stop()
        started = time.monotonic()
        during = _submit(applicant, "RPL-2026-0402")
        response_time = time.monotonic() - started
        during.refresh_from_db()
        assert during.state == Message.State.PENDING

        private_redis.start()
        services.broker_reset_pause()
        # Beat's next outbox retry; the first publish after the restart may meet a stale connection.
        assert wait_for(lambda: _publish_retry(), seconds=20)
        assert wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() == 2, seconds=60)
    during.refresh_from_db()
    assert during.state == Message.State.SENT
    assert sorted(e.subject for e in mail.outbox) == [
        "[HKQF] Application received – RPL-2026-0401",
        "[HKQF] Application received – RPL-2026-0402",
    ]
    with capsys.disabled():
        print(
            f"\n[redis restart] commit with Redis stopped answered in {response_time:.2f}s, pending 1, "
            f"sent after the restart 1, e-mails in all {len(mail.outbox)}"
        )


def _publish_retry() -> bool:
    try:
        tasks.retry_pending.delay()
    except Exception:  # noqa: BLE001 - a stale pooled connection: beat would try again next minute
        return False
    return True
