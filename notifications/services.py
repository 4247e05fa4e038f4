"""Writing messages to the outbox and delivering them."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .events import DIGESTIBLE, LABELS
from .models import Message

log = logging.getLogger(__name__)

RETRY_BACKOFF_SECONDS = [60, 300, 900, 3600, 6 * 3600]
MAX_ATTEMPTS = len(RETRY_BACKOFF_SECONDS) + 1


def _render(event: str, suffix: str, context: dict) -> str:
    try:
        return render_to_string(f"emails/{event}.{suffix}", context)
    except TemplateDoesNotExist:
        return render_to_string(f"emails/generic.{suffix}", context)


def notify(*, event: str, recipients: Iterable, context: dict, key: str, link: str = "") -> list[Message]:
    """Write one outbox row per recipient in the caller's transaction; delivery starts after commit.

    `key` identifies the occurrence (for example the audit row id): the same event and key for the
    same person never makes a second message. Never raises for a broker failure.
    """
    created: list[Message] = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            ctx = {
                **context,
                "recipient": user,
                "event_label": LABELS.get(event, event),
                "link": link,
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(_render(event, "subject.txt", ctx).split())[:255]
            body_text = _render(event, "txt", ctx)
            body_html = _render(event, "html", ctx)
        digest = event in DIGESTIBLE and user.notification_delivery == user.Delivery.DIGEST
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    recipient=user,
                    event=event,
                    idempotency_key=f"{event}:{key}:{user.pk}"[:200],
                    language=language,
                    subject=subject,
                    body_text=body_text,
                    body_html=body_html,
                    link=link,
                    state=Message.State.DIGEST if digest else Message.State.PENDING,
                )
        except IntegrityError:
            continue  # this occurrence was already written for this person
        created.append(message)
        if not digest:
            transaction.on_commit(lambda pk=message.pk: _enqueue_delivery(pk))
    return created


def _enqueue_delivery(message_id: int) -> None:
    """Hand a message to the broker; if the broker is down, the periodic retry picks it up."""
    from .tasks import deliver_message

    try:
        deliver_message.apply_async(args=[message_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row pending
        log.warning("Broker unavailable, message %s stays pending: %s", message_id, exc)


def message_deliver(*, message_id: int) -> bool:
    """Send one pending message at most once. Returns True if this call sent it."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=message_id, state=Message.State.PENDING)
            .first()
        )
        if message is None:
            return False
        message.state = Message.State.SENDING
        message.attempts += 1
        message.save(update_fields=["state", "attempts"])
    try:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient.email],
            headers={"X-QF-Message-Id": message.idempotency_key},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        email.send()
    except Exception as exc:  # noqa: BLE001 - any mail failure is recorded and retried
        _record_failure(message, exc)
        return False
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENT, sent_at=timezone.now(), last_error="")
    return True


def _record_failure(message: Message, exc: Exception) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        state, next_at = Message.State.FAILED, None
    else:
        delay = RETRY_BACKOFF_SECONDS[min(message.attempts - 1, len(RETRY_BACKOFF_SECONDS) - 1)]
        state, next_at = Message.State.PENDING, timezone.now() + timedelta(seconds=delay)
    Message.objects.filter(pk=message.pk).update(state=state, next_attempt_at=next_at, last_error=str(exc)[:2000])
