"""Issuing letters: each is rendered once, stored once in the private store with its SHA-256, listed
on the case, audited, and announced to the organisation through the outbox with a link to it.

`event_key` names the occurrence that issues a letter (the audit row of the decision, the request for
information): the same occurrence never issues a second letter, however often it is replayed.
A letter for a case in the wrong state raises RuleViolation and writes nothing.
"""

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Appointment
from applications import storage
from applications.enums import ApplicationState
from applications.models import Application, InformationRequest
from audit.services import audit_record, audit_refusal
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation
from reviews.enums import ReasonKind

from . import content, rendering
from .content import Draft
from .dossier import is_stale
from .enums import ACTIVE_DOSSIER_STATES, DossierState, LetterKind
from .models import Dossier, Letter

log = logging.getLogger(__name__)

S = ApplicationState
AREA = "letters"
ISSUED = "letters.letter.issued"
OPENED = "letters.letter.opened"


def _members(organisation) -> list[User]:
    return list(User.objects.filter(memberships__organisation=organisation, is_active=True).distinct())


def _new_code() -> str:
    while True:
        code = rendering.new_code()
        if not Letter.objects.filter(code=code).exists():
            return code


def letter_issue(*, draft: Draft, event_key: str, actor=None) -> Letter:
    """Render, store and record one letter for an event; the same event returns the letter already issued."""
    existing = Letter.objects.filter(event_key=event_key).first()
    if existing:
        return existing
    code = _new_code()
    pdf = rendering.render_pdf(kind=draft.kind, context=draft.context, language=draft.language, code=code)
    stored_name = storage.new_stored_name(".pdf")
    written = False
    try:
        with transaction.atomic():
            storage.write(stored_name, pdf, area=AREA)
            written = True
            with translation.override(draft.language):
                agency_name = str(draft.organisation.name)
            letter = Letter.objects.create(
                kind=draft.kind,
                code=code,
                event_key=event_key[:120],
                application=draft.application,
                appointment=draft.appointment,
                organisation=draft.organisation,
                language=draft.language,
                reference=draft.reference[:40],
                agency_name=agency_name[:300],
                term_start=draft.term_start,
                term_end=draft.term_end,
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                stored_name=stored_name,
                size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
            audit_record(
                action=ISSUED,
                obj=draft.application or draft.appointment,
                actor=actor,
                note=letter.code,
                data={"letter": letter.pk, "kind": letter.kind, "code": letter.code, "sha256": letter.sha256},
            )
            notify(
                event=events.LETTER_ISSUED,
                recipients=_members(draft.organisation),
                context={"reference": letter.reference, "summary": str(LetterKind(letter.kind).label)},
                key=str(letter.pk),
                link=reverse("letters:download", args=[letter.pk]),
            )
    except IntegrityError:
        # The same event issued its letter at the same moment in another process: keep that one.
        if written:
            storage.remove(stored_name, area=AREA)
        existing = Letter.objects.filter(event_key=event_key).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        if written:
            storage.remove(stored_name, area=AREA)
        raise
    return letter


def _application(application: Application) -> Application:
    return Application.objects.select_related("organisation", "scheme", "industry", "criteria_set", "created_by").get(
        pk=application.pk
    )


def receipt_issue(*, application: Application, actor=None, event_key: str = "") -> Letter:
    """The acknowledgement receipt of a submission (or resubmission)."""
    app = _application(application)
    if app.state == S.DRAFT or not app.submitted_at:
        raise RuleViolation(_("A receipt is issued only for a submitted application."))
    key = event_key or f"receipt:{app.pk}:{app.submitted_at.isoformat()}"
    return letter_issue(draft=content.receipt(app), event_key=key, actor=actor)


def information_request_letter_issue(*, information_request: InformationRequest, actor=None) -> Letter:
    """The letter of a request for information, with its items per criterion and reply-by date."""
    info = InformationRequest.objects.select_related("application").get(pk=information_request.pk)
    app = _application(info.application)
    info.application = app
    if app.state != S.RETURNED:
        raise RuleViolation(_("This case is not waiting for information."))
    return letter_issue(draft=content.information_request(info), event_key=f"rfi:{info.pk}", actor=actor)


def _reasons(app: Application, kind: str) -> list[tuple]:
    return [(r.criterion, r.text) for r in app.case_reasons.filter(kind=kind).select_related("criterion")]


def decision_draft(*, application: Application) -> Draft:
    """The letter that the case's decision calls for. Raises RuleViolation if no decision calls for one."""
    app = _application(application)
    if app.state == S.APPOINTED and hasattr(app, "decision"):
        return content.appointment_letter_from_decision(app)
    if app.state == S.REJECTED:
        return content.refusal(app, reasons=_reasons(app, ReasonKind.REJECTED), at_screening=False)
    if app.state == S.INELIGIBLE:
        return content.refusal(app, reasons=_reasons(app, ReasonKind.INELIGIBLE), at_screening=True)
    raise RuleViolation(_("No decision on this case calls for a letter."))


def decision_letter_issue(*, application: Application, actor=None) -> Letter:
    """The letter of appointment, re-appointment or refusal of a decided case (one per case)."""
    draft = decision_draft(application=application)
    return letter_issue(draft=draft, event_key=f"decision:{application.pk}", actor=actor)


def variation_letter_issue(
    *, appointment: Appointment, before: dict, after: dict, event_key: str, actor=None, grounds="", effective=None
) -> Letter:
    """The letter that tells the agency its conditions were varied."""
    appointment = Appointment.objects.select_related("agency", "scheme", "industry").get(pk=appointment.pk)
    if appointment.cancelled_on:
        raise RuleViolation(_("The conditions of a cancelled appointment cannot be varied."))
    draft = content.variation(appointment, before=before, after=after, grounds=grounds, effective=effective)
    return letter_issue(draft=draft, event_key=event_key, actor=actor)


def cancellation_letter_issue(*, appointment: Appointment, actor=None) -> Letter:
    """The letter of cancellation, with the grounds and the effective date."""
    appointment = Appointment.objects.select_related("agency", "scheme", "industry").get(pk=appointment.pk)
    if not appointment.cancelled_on:
        raise RuleViolation(_("This appointment has not been cancelled."))
    return letter_issue(draft=content.cancellation(appointment), event_key=f"cancel:{appointment.pk}", actor=actor)


def preview_pdf(*, draft: Draft) -> bytes:
    """The PDF that would be issued, marked as a preview, without a code of its own; nothing stored."""
    return rendering.render_pdf(
        kind=draft.kind, context=draft.context, language=draft.language, code=rendering.PREVIEW_CODE, preview=True
    )


def letter_open_record(*, letter: Letter, actor, request=None) -> None:
    audit_record(
        action=OPENED,
        obj=letter,
        actor=actor,
        request=request,
        data={"letter": letter.pk, "kind": letter.kind, "sha256": letter.sha256},
    )


def letter_open_refused(*, letter: Letter, actor, request=None) -> None:
    audit_refusal(action=OPENED, obj=letter, actor=actor, note=f"letter {letter.pk}", request=request)


# -- dossiers ----------------------------------------------------------------------------------------
DOSSIER_REQUESTED = "letters.dossier.requested"
DOSSIER_DOWNLOADED = "letters.dossier.downloaded"


def _enqueue_build(dossier_id: int) -> None:
    from .tasks import build_dossier

    try:
        build_dossier.apply_async(args=[dossier_id], retry=False)
    except Exception:  # noqa: BLE001 - the page says it is queued; asking again re-sends it
        log.warning("Broker unavailable, dossier %s stays queued", dossier_id)


def dossier_request(*, application: Application, actor, request=None) -> Dossier:
    """Ask for the dossier of a case. Asked twice at once: one build (the second gets the first).
    Raises RuleViolation for who may not ask."""
    if not actor.has_perm("letters.request_dossier", application):
        audit_refusal(action=DOSSIER_REQUESTED, obj=application, actor=actor, note="", request=request)
        raise RuleViolation(_("You may not ask for the dossier of this case."))
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        active = Dossier.objects.filter(application=app, state__in=ACTIVE_DOSSIER_STATES).first()
        if active and is_stale(active):
            Dossier.objects.filter(pk=active.pk).update(
                state=DossierState.FAILED, error="The build did not finish in time.", finished_at=timezone_now()
            )
            active = None
        if active:
            if active.state == DossierState.QUEUED:
                transaction.on_commit(lambda: _enqueue_build(active.pk))
            return active
        dossier = Dossier.objects.create(application=app, requested_by=actor)
        audit_record(action=DOSSIER_REQUESTED, obj=app, actor=actor, request=request, data={"dossier": dossier.pk})
        transaction.on_commit(lambda: _enqueue_build(dossier.pk))
    return dossier


def dossier_download_record(*, dossier, actor, request=None) -> None:
    audit_record(
        action=DOSSIER_DOWNLOADED,
        obj=dossier,
        actor=actor,
        request=request,
        data={"dossier": dossier.pk, "application": dossier.application_id, "sha256": dossier.sha256},
    )
