from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_message_count(context) -> int:
    """The signed-in user's unread message count (one query per request)."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return unread_count(user=user, request=request)
