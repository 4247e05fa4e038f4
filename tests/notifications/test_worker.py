"""Delivery by a real Celery worker consuming from the real Redis, including across an outage."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from notifications import events, services, tasks
from notifications.models import Message
from qfapp.celery_app import app as celery_app

from .conftest import broker, closed_port_url, hanging_server, real_broker_url, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery-worker")]


def _all_sent(count: int):
    return lambda: Message.objects.filter(state=Message.State.SENT).count() == count and len(mail.outbox) >= count


def _submit(recipients, key: str) -> list[Message]:
    with transaction.atomic():
        return services.notify(
            event=events.SUBMISSION_RECEIVED,
            recipients=recipients,
            context={"reference": "RPL-2026-0200"},
            key=key,
        )


@pytest.fixture
def real_broker():
    with broker(real_broker_url()) as app:
        app.control.purge()
        yield app


def test_worker_delivers_after_commit(real_broker, applicant, case_officer):
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        written = _submit([applicant, case_officer], key="worker-1")
        assert wait_for(_all_sent(2))
    assert len(written) == 2
    assert sorted(e.to[0] for e in mail.outbox) == sorted([applicant.email, case_officer.email])
    assert all(m.attempts == 1 for m in Message.objects.all())


def test_task_delivered_twice_by_the_worker_sends_once(real_broker, applicant, finished):
    (message,) = _submit([applicant], key="worker-twice")
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        assert wait_for(_all_sent(1))
        assert finished["notifications.deliver_message"] == 1
        tasks.deliver_message.delay(message.pk)
        tasks.deliver_message.delay(message.pk)
        assert wait_for(lambda: finished["notifications.deliver_message"] == 3)
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 1)


@pytest.mark.parametrize("outage", ["refused", "hanging"])
def test_outage_then_recovery_sends_each_message_once(outage, applicant, case_officer, reviewer, finished, capsys):
    with hanging_server() as hanging_url, broker(closed_port_url() if outage == "refused" else hanging_url):
        started = time.monotonic()
        written = _submit([applicant, case_officer, reviewer], key="worker-outage")
        response_time = time.monotonic() - started
    pending = Message.objects.filter(state=Message.State.PENDING).count()
    assert len(written) == 3
    assert pending == 3
    assert len(mail.outbox) == 0

    # Redis is back: beat's next outbox-retry reaches a real worker.
    with broker(real_broker_url()) as app:
        app.control.purge()
        with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
            # Beat sends the retry every minute; here it is sent until everything is out (under
            # load the first one may land before the worker consumes), and once more after that.
            all_sent = _all_sent(3)
            for _ in range(30):
                tasks.retry_pending.delay()
                if wait_for(all_sent, seconds=2):
                    break
            assert all_sent()
            runs = finished["notifications.retry_pending"]
            tasks.retry_pending.delay()
            assert wait_for(lambda: finished["notifications.retry_pending"] > runs)
    sent = Message.objects.filter(state=Message.State.SENT).count()
    assert len(mail.outbox) == 3
    assert sorted(e.to[0] for e in mail.outbox) == sorted([applicant.email, case_officer.email, reviewer.email])
    with capsys.disabled():
        print(
            f"\n[worker outage {outage}] commit with Redis {outage} answered in {response_time:.2f}s, pending {pending}, "
            f"sent by the real worker after recovery {sent}, e-mails {len(mail.outbox)}"
        )
