"""Template helpers available in every template (registered as builtins)."""

from datetime import date, datetime

from django import template
from django.urls import translate_url
from django.utils import timezone

register = template.Library()


@register.filter
def qfdate(value) -> str:
    """A date in the register's public form, d.m.yyyy (as on the page this system replaces)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return f"{value.day}.{value.month}.{value.year}"
    return str(value)


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The current page's address in another language: a plain link, no session involved."""
    request = context.get("request")
    if request is None:
        return f"/{language}/"
    url = translate_url(request.get_full_path(), language)
    return url


@register.simple_tag
def can(user, permission: str, obj=None) -> bool:
    """Ask a named permission of the project's rules only ({% can user "app.perm" obj as ok %}).

    Unlike `perms`, this never falls through to Django's model permissions, which would load every
    permission of the user from the database on each page.
    """
    import rules

    return rules.has_perm(permission, user, obj)
