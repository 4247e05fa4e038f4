from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .models import Message
from .services import message_deliver


@shared_task(name="notifications.deliver_message", acks_late=True, reject_on_worker_lost=True)
def deliver_message(message_id: int) -> bool:
    return message_deliver(message_id=message_id)


@shared_task(name="notifications.retry_pending")
def retry_pending(limit: int = 500) -> int:
    """Deliver what is pending and due (the broker may have been down when it was written)."""
    now = timezone.now()
    ids = list(
        Message.objects.filter(state=Message.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if message_deliver(message_id=pk))
