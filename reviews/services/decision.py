"""The decision: HKCAAVQ's determination and the s.8(2) considerations recorded by the approver,
then the appointment (or re-appointment) for a term, or the rejection with reasons."""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import REGISTER_ADMIN
from agencies import services as agency_services
from agencies.models import Organisation
from applications.enums import ApplicationKind
from applications.models import Application
from notifications import events
from notifications.services import notify
from notifications.text import sentence
from qfapp import domain_events
from qfapp.exceptions import RuleViolation

from .. import conditions
from ..enums import DeterminationOutcome, Outcome, ReasonKind
from ..models import CaseReason, Considerations, Decision, Determination
from .common import S, _applicant_link, _clean_reasons, _ctx, _members, _role_users, case_step

DECIDE = "reviews.decide_case"


def _check_appointable(app: Application, today: date) -> None:
    """The law's preconditions of an appointment decided today: HKCAAVQ's determination that the
    applicant is competent, valid today; the s.8(2) considerations; every gate criterion met."""
    if not (
        Determination.objects.filter(application=app, outcome=DeterminationOutcome.COMPETENT).exists()
        and conditions.considerations_recorded(app)
    ):
        raise RuleViolation(
            _("Record HKCAAVQ's determination that the applicant is competent, and the considerations, first.")
        )
    blockers = conditions.appointment_blockers(app, today)
    if blockers:
        raise RuleViolation(*blockers)


def determination_record(*, application: Application, actor, request=None, **fields) -> Determination:
    """Record (or correct) HKCAAVQ's competence determination for a recommended case."""
    with case_step(
        application=application,
        actor=actor,
        action="reviews.determination.recorded",
        rule=DECIDE,
        request=request,
        expected_state=S.RECOMMENDED,
    ) as step:
        if fields.get("outcome") not in DeterminationOutcome.values:
            raise RuleViolation(_("Choose the outcome of the determination."))
        if fields.get("determined_on") and fields["determined_on"] > timezone.localdate():
            raise RuleViolation(_("The date of the determination cannot be in the future."))
        vf, vu = fields.get("valid_from"), fields.get("valid_until")
        if vf and vu and vu < vf:
            raise RuleViolation(_("The validity cannot end before it starts."))
        determination, _created = Determination.objects.update_or_create(
            application=step.app, defaults={**fields, "recorded_by": actor}
        )
        step.audit(
            note=determination.get_outcome_display(),
            data={"determined_on": determination.determined_on.isoformat(), "outcome": determination.outcome},
        )
    return determination


def considerations_record(*, application: Application, actor, request=None, **fields) -> Considerations:
    """Record the matters of Cap. 592 s.8(2) the Secretary had regard to."""
    with case_step(
        application=application,
        actor=actor,
        action="reviews.considerations.recorded",
        rule=DECIDE,
        request=request,
        expected_state=S.RECOMMENDED,
    ) as step:
        for name in ("industry_views", "industry_characteristics", "fee_policy"):
            if not (fields.get(name) or "").strip():
                raise RuleViolation(_("Record the views of the industry, its characteristics and the fee policy."))
        considerations, _created = Considerations.objects.update_or_create(
            application=step.app, defaults={**fields, "recorded_by": actor}
        )
        step.audit()
    return considerations


def case_appoint(
    *,
    application: Application,
    actor,
    term_start: date,
    term_end: date,
    conditions_text: str = "",
    collaborators: Iterable[Organisation] = (),
    term_reason: str = "",
    request=None,
    expected_state: str | None = None,
) -> Decision:
    """Appoint (or re-appoint) the applicant for a term. Needs every gate criterion met, HKCAAVQ's
    determination competent and valid on the decision date, and the considerations; a term that
    starts before the determination or outlasts its validity needs `term_reason`, which is recorded.
    One appointment however many approvers try at once: the case row is locked and re-read. Raises
    RuleViolation."""
    return _case_appoint(
        application=application,
        actor=actor,
        term_start=term_start,
        term_end=term_end,
        conditions_text=conditions_text,
        collaborators=list(collaborators),
        term_reason=term_reason,
        request=request,
        expected_state=expected_state,
    )


def _case_appoint(
    *,
    application: Application,
    actor,
    term_start: date,
    term_end: date,
    conditions_text: str,
    collaborators: list,
    term_reason: str = "",
    request=None,
    expected_state: str | None = None,
    lock: bool = True,
) -> Decision:
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.appointed",
        rule=DECIDE,
        transition="appoint",
        request=request,
        expected_state=expected_state,
        lock=lock,
    ) as step:
        app = step.app
        today = timezone.localdate()
        term_reason = (term_reason or "").strip()
        if app.state == S.RECOMMENDED:
            _check_appointable(app, today)
            if term_end < term_start:
                raise RuleViolation(_("The term cannot end before it starts."))
            beyond = conditions.term_outside_determination(app, term_start, term_end)
            if beyond and not term_reason:
                raise RuleViolation(
                    *beyond,
                    _("Give the reason for a term beyond HKCAAVQ's determination, or change the term."),
                )
        step.transition()
        if app.kind == ApplicationKind.REAPPOINTMENT and app.previous_appointment_id:
            appointment = app.previous_appointment
            agency_services.appointment_reappoint(
                appointment=appointment,
                start=term_start,
                end=term_end,
                actor=actor,
                decided_on=today,
                note=app.reference,
            )
            if conditions_text:
                appointment.conditions = conditions_text
                appointment.save(update_fields=["conditions", "updated_at"])
            if collaborators:
                appointment.collaborators.add(*collaborators)
        else:
            appointment = agency_services.appointment_create(
                agency=app.organisation,
                scheme=app.scheme,
                industry=app.industry,
                start=term_start,
                end=term_end,
                actor=actor,
                enquiry_phone=app.organisation.phone,
                conditions=conditions_text,
                collaborators=collaborators,
                decided_on=today,
                note=app.reference,
            )
        Application.objects.filter(pk=app.pk).update(appointment=appointment)
        app.appointment = appointment
        decision = Decision.objects.create(
            application=app,
            outcome=Outcome.APPOINT,
            term_start=term_start,
            term_end=term_end,
            conditions=conditions_text,
            term_reason=term_reason,
            decided_by=actor,
        )
        decision.collaborators.set(collaborators)
        data = {"appointment": appointment.pk, "start": term_start.isoformat(), "end": term_end.isoformat()}
        if term_reason:
            data["term_reason"] = term_reason
        entry = step.audit(note=term_reason, data=data)
        domain_events.publish(domain_events.CASE_APPOINTED, obj=app, actor=actor, decision=decision, **data)
        notify(
            event=events.DECISION_MADE,
            recipients=_members(app),
            context=_ctx(
                app,
                sentence(
                    gettext_noop("Appointed for the term %(start)s – %(end)s."),
                    start=term_start.strftime("%-d.%-m.%Y"),
                    end=term_end.strftime("%-d.%-m.%Y"),
                ),
            ),
            key=str(entry.pk),
            link=_applicant_link(app),
        )
        if not appointment.is_published:
            notify(
                event=events.APPOINTMENT_TO_PUBLISH,
                recipients=_role_users(REGISTER_ADMIN),
                context={
                    **_ctx(app),
                    "organisation_name": app.organisation.name,
                    "industry_name": app.industry.name if app.industry_id else "",
                    "term_end": term_end,
                },
                key=str(entry.pk),
                link=reverse("agencies:manage_detail", args=[appointment.pk]),
            )
    return decision


def case_reject(
    *,
    application: Application,
    actor,
    reasons: Iterable[tuple[int, str]],
    request=None,
    expected_state: str | None = None,
) -> Decision:
    """Reject the application with reasons tied to criteria."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.rejected",
        rule=DECIDE,
        transition="reject",
        request=request,
        expected_state=expected_state,
    ) as step:
        app = step.app
        cleaned = _clean_reasons(app, reasons)
        if app.state == S.RECOMMENDED:
            if not cleaned:
                raise RuleViolation(_("Give at least one reason, against a criterion."))
            if not conditions.considerations_recorded(app):
                raise RuleViolation(_("Record the considerations first."))
        step.transition()
        decision = Decision.objects.create(application=app, outcome=Outcome.REJECT, decided_by=actor)
        CaseReason.objects.bulk_create(
            [
                CaseReason(application=app, kind=ReasonKind.REJECTED, criterion=c, text=t, author=actor)
                for c, t in cleaned
            ]
        )
        entry = step.audit()
        domain_events.publish(domain_events.CASE_REJECTED, obj=app, actor=actor, decision=decision)
        notify(
            event=events.DECISION_MADE,
            recipients=_members(app),
            context=_ctx(app, "\n".join(f"{c.code}. {t}" for c, t in cleaned)),
            key=str(entry.pk),
            link=_applicant_link(app),
        )
    return decision
