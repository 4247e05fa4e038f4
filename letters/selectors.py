"""Reading letters and dossiers."""

import re

from django.db.models import Q

from .models import Dossier, Letter
from .rendering import CODE_MAX_LENGTH, CODE_PATTERN

_CODE = re.compile(CODE_PATTERN)


def letters_for(*, application=None, appointment=None, user=None) -> list[Letter]:
    """The letters of an application and of the appointment it led to, oldest first, that `user` may open."""
    if application is None and appointment is None:
        return []
    appointment_id = appointment.pk if appointment is not None else getattr(application, "appointment_id", None)
    where = Q()
    if application is not None:
        where |= Q(application_id=application.pk)
    if appointment_id:
        where |= Q(appointment_id=appointment_id)
    letters = list(Letter.objects.filter(where).select_related("organisation").order_by("issued_at", "pk"))
    if user is None:
        return letters
    return [letter for letter in letters if user.has_perm("letters.access_letter", letter)]


def normalise_code(value: str) -> str | None:
    """The code in its printed form, or None for anything that is not a well-formed letter code."""
    if not value or len(value) > CODE_MAX_LENGTH:
        return None
    value = value.upper()
    return value if _CODE.match(value) else None


def letter_by_code(code: str) -> Letter | None:
    """The letter a verification code names; None for an unknown or malformed one (no query for the latter)."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return (
        Letter.objects.select_related("application__scheme", "appointment__scheme", "organisation")
        .filter(code=normalised)
        .first()
    )


def dossiers_for(*, application) -> list[Dossier]:
    return list(Dossier.objects.filter(application=application).select_related("requested_by")[:5])
