"""What each letter says: the context its template is rendered with, read from the case.

Builders take model instances and return plain dicts; the same builder serves the preview (with
the approver's unsaved choices) and the letter issued when the decision is made.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from agencies.enums import MemberRole
from agencies.models import Appointment, Organisation
from applications.models import Application, InformationRequest

from .enums import LetterKind


@dataclass
class Draft:
    """A letter before it is issued: its kind, whom it is for, its context and its public particulars."""

    kind: str
    organisation: Organisation
    language: str
    reference: str
    context: dict
    application: Application | None = None
    appointment: Appointment | None = None
    term_start: date | None = None
    term_end: date | None = None


def recipient_language(organisation: Organisation, contact=None) -> str:
    """The language of the person the letter is addressed to: the member who made the application,
    else the organisation's first owner, else the site's default."""
    codes = dict(settings.LANGUAGES)
    members = organisation.memberships.filter(user__is_active=True).select_related("user")
    member = members.filter(user=contact).first() if contact is not None else None
    member = member or members.filter(role=MemberRole.OWNER).order_by("created_at", "pk").first()
    if member and member.user.preferred_language in codes:
        return member.user.preferred_language
    return settings.LANGUAGE_CODE


def _base(application: Application) -> dict:
    return {
        "application": application,
        "organisation": application.organisation,
        "scheme": application.scheme,
        "industry": application.industry,
        "reference": application.reference,
        "date": timezone.localdate(),
    }


def _draft(kind: str, application: Application, context: dict, **fields) -> Draft:
    return Draft(
        kind=kind,
        organisation=application.organisation,
        language=recipient_language(application.organisation, application.created_by),
        reference=application.reference or "",
        context=context,
        application=application,
        **fields,
    )


def receipt(application: Application) -> Draft:
    """Reference, date and time, organisation, scheme, industry, each criterion with its documents'
    titles and SHA-256, the declaration accepted."""
    documents = list(application.documents.prefetch_related("criteria").order_by("uploaded_at", "pk"))
    criteria = []
    for criterion in application.criteria_set.criteria.order_by("order", "code"):
        criteria.append(
            {
                "criterion": criterion,
                "documents": [d for d in documents if any(c.pk == criterion.pk for c in d.criteria.all())],
            }
        )
    context = _base(application) | {
        "submitted_at": application.submitted_at,
        "declaration_accepted_at": application.declaration_accepted_at,
        "criteria": criteria,
        "unlinked_documents": [d for d in documents if not d.criteria.all()],
        "qualifications": list(application.proposed_qualifications.all()),
        "collaborators": list(application.proposed_collaborators.all()),
    }
    return _draft(LetterKind.RECEIPT, application, context)


def information_request(info: InformationRequest) -> Draft:
    """The items asked for, per criterion, and the reply-by date."""
    application = info.application
    items = list(info.items.select_related("criterion").order_by("criterion__order", "pk"))
    context = _base(application) | {"request": info, "items": items, "reply_by": info.reply_by}
    return _draft(LetterKind.INFORMATION_REQUEST, application, context)


def appointment_letter(
    application: Application,
    *,
    term_start: date,
    term_end: date,
    conditions: str,
    collaborators: list[Organisation],
    determination=None,
) -> Draft:
    """Agency, scheme, industry, term, conditions, collaborating bodies and the review route."""
    reappointment = application.kind == "reappointment"
    kind = LetterKind.REAPPOINTMENT if reappointment else LetterKind.APPOINTMENT
    context = _base(application) | {
        "term_start": term_start,
        "term_end": term_end,
        "conditions": conditions,
        "collaborators": collaborators,
        "determination": determination,
        "reappointment": reappointment,
        "qualifications": list(application.proposed_qualifications.all()),
    }
    return _draft(kind, application, context, term_start=term_start, term_end=term_end)


def appointment_letter_from_decision(application: Application) -> Draft:
    decision = application.decision
    return appointment_letter(
        application,
        term_start=decision.term_start,
        term_end=decision.term_end,
        conditions=decision.conditions,
        collaborators=list(decision.collaborators.all()),
        determination=getattr(application, "determination", None),
    )


def refusal(application: Application, *, reasons: list[tuple], at_screening: bool) -> Draft:
    """The reasons, each tied to its criterion, and the review route."""
    context = _base(application) | {"reasons": reasons, "at_screening": at_screening}
    return _draft(LetterKind.REFUSAL, application, context)


def _appointment_reference(appointment: Appointment) -> str:
    made_by = appointment.applications.exclude(reference=None).order_by("-decided_at", "-pk").first()
    return made_by.reference if made_by else f"APT-{appointment.pk}"


def _appointment_draft(kind: str, appointment: Appointment, context: dict) -> Draft:
    term = appointment.terms.order_by("-start").first()
    return Draft(
        kind=kind,
        organisation=appointment.agency,
        language=recipient_language(appointment.agency),
        reference=_appointment_reference(appointment),
        appointment=appointment,
        term_start=appointment.first_start,
        term_end=appointment.current_end,
        context={
            "appointment": appointment,
            "organisation": appointment.agency,
            "scheme": appointment.scheme,
            "industry": appointment.industry,
            "reference": _appointment_reference(appointment),
            "date": timezone.localdate(),
            "term": term,
            "term_start": appointment.first_start,
            "term_end": appointment.current_end,
            **context,
        },
    )


def variation(
    appointment: Appointment,
    *,
    before: dict[str, str],
    after: dict[str, str],
    grounds: str = "",
    effective: date | None = None,
) -> Draft:
    """The conditions before and as they now read (in each language the letter is set in), the grounds
    and the date they take effect (today unless the decision gave one)."""
    return _appointment_draft(
        LetterKind.VARIATION,
        appointment,
        {
            "conditions_before": before,
            "conditions_after": after,
            "grounds": grounds,
            "effective": effective or timezone.localdate(),
        },
    )


def cancellation(appointment: Appointment) -> Draft:
    """The grounds and the date the cancellation takes effect."""
    return _appointment_draft(
        LetterKind.CANCELLATION,
        appointment,
        {"grounds": appointment.cancellation_grounds, "effective": appointment.cancelled_on},
    )
