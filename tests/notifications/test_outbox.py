"""The outbox: written with the change, sent at most once, retried with backoff, digests."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import events, services, tasks
from notifications.models import Message
from tests import factories

from .conftest import closed_port_url


def _notify(users, key="k1", event=events.SUBMISSION_RECEIVED, **context):
    return services.notify(event=event, recipients=users, context={"reference": "RPL-2026-0001", **context}, key=key)


@pytest.fixture
def smtp_down(settings):
    """Mail goes to an SMTP server that refuses connections."""
    port = int(closed_port_url().split(":")[2].split("/")[0])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
    return settings


def test_message_is_written_only_if_the_change_commits(applicant):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        _notify([applicant])
        raise Refused
    assert Message.objects.count() == 0


def test_same_occurrence_makes_one_message_per_person(applicant, case_officer):
    with transaction.atomic():
        first = _notify([applicant, case_officer, applicant])
        again = _notify([applicant])
    assert len(first) == 2
    assert again == []
    assert Message.objects.filter(recipient=applicant).count() == 1
    assert Message.objects.count() == 2


def test_inactive_people_get_nothing(applicant):
    applicant.is_active = False
    applicant.save()
    assert _notify([applicant, None]) == []


def test_delivered_after_commit(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        (message,) = _notify([applicant])
        assert len(mail.outbox) == 0
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [applicant.email]
    assert email.subject == "[HKQF] Application received – RPL-2026-0001"
    assert email.extra_headers["Message-ID"] == f"<qf-message-{message.pk}@127.0.0.1>"
    assert email.alternatives[0][1] == "text/html"
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


def test_delivery_task_run_twice_sends_one_email(applicant):
    (message,) = _notify([applicant])
    assert tasks.deliver_message.apply(args=[message.pk]).get() is True
    assert tasks.deliver_message.apply(args=[message.pk]).get() is False
    assert services.message_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 1)


def test_message_being_sent_elsewhere_is_not_sent_again(applicant):
    (message,) = _notify([applicant])
    # Another worker holds it: it moved to `sending` and then died before finishing.
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING, sending_since=timezone.now())
    assert tasks.deliver_message.apply(args=[message.pk]).get() is False
    assert tasks.retry_pending.apply().get() == 0
    assert len(mail.outbox) == 0
    with time_machine.travel(timezone.now() + services.SENDING_STALE_AFTER - timedelta(seconds=5)):
        assert tasks.retry_pending.apply().get() == 0
    with time_machine.travel(timezone.now() + services.SENDING_STALE_AFTER + timedelta(seconds=5)):
        assert tasks.retry_pending.apply().get() == 1
        assert tasks.retry_pending.apply().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<qf-message-{message.pk}@127.0.0.1>"
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_retry_sends_what_the_broker_never_got(applicant, case_officer):
    _notify([applicant, case_officer])  # no commit hook ran: as if the broker had been down
    assert Message.objects.filter(state=Message.State.PENDING).count() == 2
    assert tasks.retry_pending.apply().get() == 2
    assert tasks.retry_pending.apply().get() == 0
    assert sorted(e.to[0] for e in mail.outbox) == sorted([applicant.email, case_officer.email])


def test_mail_failure_backs_off_then_fails(applicant, smtp_down):
    (message,) = _notify([applicant])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert services.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.state == Message.State.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert message.last_error.startswith("ConnectionRefusedError")
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        tasks.retry_pending.apply()
    message.refresh_from_db()
    assert message.attempts == 1
    moment = start
    for attempt, delay in enumerate(services.RETRY_BACKOFF_SECONDS, start=1):
        moment += timedelta(seconds=delay)
        with time_machine.travel(moment, tick=False):
            tasks.retry_pending.apply()
        message.refresh_from_db()
        assert message.attempts == attempt + 1
    assert message.state == Message.State.FAILED
    assert message.next_attempt_at is None
    assert services.MAX_ATTEMPTS == 6
    assert len(mail.outbox) == 0


def test_support_retries_a_failed_message(applicant, register_admin, django_capture_on_commit_callbacks):
    (message,) = _notify([applicant])
    Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, attempts=6, last_error="SMTP down")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_retry_failed(message_ids=[message.pk], actor=register_admin) == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_retry_failed(message_ids=[message.pk], actor=register_admin) == 0
    assert len(mail.outbox) == 1


def test_digest_groups_a_days_messages_into_one_email(applicant, django_capture_on_commit_callbacks):
    applicant.notification_delivery = "digest"
    applicant.preferred_language = "zh-hans"
    applicant.save()
    other = factories.UserFactory()  # immediate delivery
    with django_capture_on_commit_callbacks(execute=True):
        _notify([applicant, other], key="a", event=events.SUBMISSION_RECEIVED)
        _notify([applicant], key="b", event=events.REVIEW_SUBMITTED)
        _notify([applicant], key="c", event=events.INFORMATION_REQUESTED)  # a deadline: at once
    assert [e.to[0] for e in mail.outbox] == [other.email, applicant.email]
    assert Message.objects.filter(recipient=applicant, state=Message.State.DIGEST).count() == 2
    mail.outbox.clear()

    assert tasks.send_digests.apply().get() == 1
    assert tasks.send_digests.apply().get() == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [applicant.email]
    assert digest.subject == "[HKQF] 每日摘要：2 条消息"
    assert "[HKQF] 已收到申请 – RPL-2026-0001" in digest.body
    assert "[HKQF] 评审已提交 – RPL-2026-0001" in digest.body
    assert "要求补充资料" not in digest.body
    assert Message.objects.filter(recipient=applicant, state=Message.State.SENT).count() == 3
    assert not Message.objects.filter(state=Message.State.DIGEST).exists()


def test_digest_failure_waits_for_the_next_night(applicant, smtp_down):
    applicant.notification_delivery = "digest"
    applicant.save()
    _notify([applicant], event=events.REVIEW_SUBMITTED)
    assert tasks.send_digests.apply().get() == 0
    message = Message.objects.get(recipient=applicant)
    assert message.state == Message.State.DIGEST
    assert message.last_error.startswith("ConnectionRefusedError")
