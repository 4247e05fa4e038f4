from celery import shared_task

from .services import reminders_send


@shared_task(name="reviews.send_review_reminders")
def send_review_reminders() -> dict[str, int]:
    """Daily: reminders before the due date and notices once a review is overdue (safe to repeat)."""
    return reminders_send()
