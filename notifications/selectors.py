"""Reads of a person's messages."""

from django.db.models import QuerySet

from .models import Message


def message_list(*, user, unread_only: bool = False) -> QuerySet[Message]:
    """The user's own messages, newest first (never anyone else's)."""
    qs = Message.objects.filter(recipient=user).defer("body_html", "body_text")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user, request=None) -> int:
    """How many of the user's messages are unread: one indexed COUNT, once per request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_qf_unread_messages", None) if request is not None else None
    if cached is None:
        cached = Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        if request is not None:
            request._qf_unread_messages = cached
    return cached
