"""Background work of the notifications app. Every task is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver_message", acks_late=True, reject_on_worker_lost=True)
def deliver_message(message_id: int) -> bool:
    """Send one outbox message (at most once: see notifications.services)."""
    return services.message_deliver(message_id=message_id)


@shared_task(name="notifications.retry_pending", acks_late=True, reject_on_worker_lost=True)
def retry_pending(limit: int = 500) -> int:
    """Send what is pending and due (the broker may have been down when it was written)."""
    services.messages_release_stale()
    return sum(1 for pk in services.messages_due_ids(limit=limit) if services.message_deliver(message_id=pk))


@shared_task(name="notifications.send_digests", acks_late=True, reject_on_worker_lost=True)
def send_digests() -> int:
    """The nightly digest: one e-mail per person with everything waiting for it."""
    return services.digests_send_all()


@shared_task(name="notifications.term_expiry_reminders", acks_late=True, reject_on_worker_lost=True)
def term_expiry_reminders() -> int:
    """Reminders of terms ending at the lead times in settings.TERM_EXPIRY_LEAD_MONTHS."""
    return services.term_expiry_remind()


@shared_task(name="notifications.terms_ended", acks_late=True, reject_on_worker_lost=True)
def terms_ended() -> int:
    """Notices of terms that have ended; refreshes the cached register."""
    return services.terms_ended_notify()
