"""With the broker refused or hanging, a change still commits at once and its messages wait.

Each outage test prints its figures (time to respond, messages pending, sent after recovery).
"""

import time
from copy import deepcopy

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from notifications import events, services, tasks
from notifications.models import Message

from .conftest import broker, closed_port_url, hanging_server


def _submit(recipients, key: str) -> list[Message]:
    """What a service does: the change and its outbox rows in one transaction."""
    with transaction.atomic():
        return services.notify(
            event=events.SUBMISSION_RECEIVED,
            recipients=recipients,
            context={"reference": "RPL-2026-0100"},
            key=key,
        )


def test_broker_timeouts_are_bounded():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] == 1
    assert options["socket_timeout"] == 2
    assert options["max_retries"] == 0
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == 1
    assert settings.CELERY_TASK_PUBLISH_RETRY is False


@pytest.mark.parametrize("outage", ["refused", "hanging"])
def test_change_succeeds_during_outage_and_mail_follows_recovery(
    outage, applicant, case_officer, reviewer, django_capture_on_commit_callbacks, capsys
):
    with hanging_server() as hanging_url:
        url = closed_port_url() if outage == "refused" else hanging_url
        with broker(url):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                written = _submit([applicant, case_officer, reviewer], key="outage-1")
            first_response = time.monotonic() - started
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                _submit([applicant], key="outage-2")
            second_response = time.monotonic() - started
    assert len(written) == 3
    pending = Message.objects.filter(state=Message.State.PENDING).count()
    assert pending == 4
    assert len(mail.outbox) == 0

    # Redis is back: the periodic retry sends each message exactly once.
    sent = tasks.retry_pending.apply().get()
    again = tasks.retry_pending.apply().get()
    assert (sent, again) == (4, 0)
    assert sorted(e.to[0] for e in mail.outbox) == sorted(
        [applicant.email, case_officer.email, reviewer.email, applicant.email]
    )
    assert not Message.objects.exclude(state=Message.State.SENT).exists()
    with capsys.disabled():
        print(
            f"\n[outage {outage}] first request {first_response:.2f}s, next request {second_response:.2f}s "
            f"(broker paused), pending {pending}, sent after recovery {sent}, second retry {again}"
        )


def test_admin_retry_answers_with_success_during_outage(admin_client, applicant, django_capture_on_commit_callbacks):
    (message,) = _submit([applicant], key="admin-outage")
    Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, attempts=6)
    with broker(closed_port_url()), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/en/admin/notifications/message/",
            {"action": "retry_failed", "_selected_action": [message.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 failed message will be sent again." in response.content.decode()
    message.refresh_from_db()
    assert message.state == Message.State.PENDING
    assert tasks.retry_pending.apply().get() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("outage", ["refused", "hanging"])
def test_cache_fails_open(outage, client, settings):
    with hanging_server() as hanging_url:
        url = closed_port_url() if outage == "refused" else hanging_url
        caches = deepcopy(settings.CACHES)
        caches["default"]["LOCATION"] = url
        settings.CACHES = caches
        assert settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
        assert cache.get("anything") is None
        cache.set("anything", 1)
        assert cache.get("anything") is None
        response = client.get("/en/")
        assert response.status_code == 200
