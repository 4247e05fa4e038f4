"""Any saved change to what the public register shows (including edits in the admin) moves its version."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import (
    Appointment,
    AppointmentTerm,
    CriteriaSet,
    Criterion,
    Industry,
    Organisation,
    RecognisedQualification,
    RegisterEvent,
    Scheme,
)
from .services import register_changed

SHOWN_ON_THE_REGISTER = (
    Appointment,
    AppointmentTerm,
    CriteriaSet,
    Criterion,
    Industry,
    Organisation,
    RecognisedQualification,
    RegisterEvent,
    Scheme,
)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    register_changed()


def connect() -> None:
    for model in SHOWN_ON_THE_REGISTER:
        post_save.connect(_changed, sender=model, dispatch_uid=f"register-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"register-delete-{model.__name__}")
    m2m_changed.connect(_changed, sender=Appointment.collaborators.through, dispatch_uid="register-collaborators")
