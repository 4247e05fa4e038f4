"""Fixtures of the notification tests: appointments, and pointing Celery at a broker."""

import contextlib
import socket
import threading
import time
from collections import Counter
from datetime import date

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.roles import REGISTER_ADMIN
from accounts.system import system_actor
from notifications import services
from qfapp.celery_app import app as celery_app
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_state():
    """A fresh broker (the language is reset for every test by tests/conftest.py)."""
    services.broker_reset_pause()
    yield
    services.broker_reset_pause()


@contextlib.contextmanager
def broker(url: str):
    """Publish (and consume) through `url` with the eager mode off, then restore the test setup."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    celery_app._after_fork()  # drop the pooled connections to the previous broker
    services.broker_reset_pause()
    try:
        yield celery_app
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        celery_app._after_fork()
        services.broker_reset_pause()


def closed_port_url() -> str:
    """A Redis URL on a local port where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def hanging_server():
    """A Redis URL on a server that accepts connections and never answers."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []

    def accept_forever():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()
        for conn in accepted:
            conn.close()
        thread.join(2)


def real_broker_url() -> str:
    return settings.CELERY_BROKER_URL


@pytest.fixture
def register_admin_group(db):
    return Group.objects.get_or_create(name=REGISTER_ADMIN)[0]


@pytest.fixture
def make_appointment(rpl_scheme):
    """Create a published appointment of `organisation` with a term ending on `end`."""
    from agencies.services import appointment_create

    def make(*, agency, end: date, start: date | None = None, published: bool = True, **extra):
        return appointment_create(
            agency=agency,
            scheme=rpl_scheme,
            industry=factories.IndustryFactory(),
            start=start or date(end.year - 5, end.month, 1),
            end=end,
            publish=published,
            **extra,
            actor=system_actor(),
        )

    return make


def wait_for(condition, seconds: float = 30.0) -> bool:
    """Poll until the worker has done its part (the outcome is asserted, never the time taken)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def finished():
    """How many times each task has finished in the embedded worker."""
    done: Counter = Counter()

    def count(sender=None, task=None, **kwargs):
        done[task.name] += 1

    task_postrun.connect(count, weak=False)
    yield done
    task_postrun.disconnect(count)
