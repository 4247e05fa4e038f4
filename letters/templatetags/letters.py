from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

MONTHS = ("January February March April May June July August September October November December").split()


@register.filter
def letterdate(value) -> str:
    """A date as a letter prints it: 3 December 2026 in English, 2026年12月3日 in Chinese."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return str(value)
    if (get_language() or "en").startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def lettertime(value) -> str:
    """A date and time (Hong Kong time) as a receipt prints it."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{letterdate(local)} {local:%H:%M}"


@register.inclusion_tag("letters/_letter_list.html", takes_context=True)
def letter_list(context, application=None, appointment=None):
    """The letters issued for an application (and for the appointment it led to), with their links."""
    from ..selectors import letters_for

    user = context["request"].user if "request" in context else None
    return {"letters": letters_for(application=application, appointment=appointment, user=user)}


@register.filter
def in_language(texts: dict, language: str) -> str:
    """The text for a language from a {language: text} mapping, falling back to English."""
    if not isinstance(texts, dict):
        return ""
    return texts.get(language) or texts.get("zh-hant" if language == "zh-hans" else "en") or texts.get("en") or ""


@register.inclusion_tag("letters/_dossier_button.html", takes_context=True)
def dossier_button(context, application):
    """The case officer's and approver's button that asks for the case dossier, with the last one asked for."""
    from ..selectors import dossiers_for

    user = context["request"].user
    allowed = user.has_perm("letters.request_dossier", application)
    return {
        "application": application,
        "perms_dossier": allowed,
        "dossiers": dossiers_for(application=application) if allowed else [],
        "csrf_token": context.get("csrf_token"),
    }
