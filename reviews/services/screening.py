"""Screening: the case officer takes a submitted application in, returns it for information, closes
it as ineligible, or sends it to review."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.completeness import evidence_complete
from applications.models import Application, InformationRequest, InformationRequestItem
from audit.services import audit_record
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation

from ..enums import AssignmentState, ReasonKind
from ..models import CaseReason, Moderation, ReviewAssignment
from .common import S, _applicant_link, _clean_reasons, _ctx, _members, case_step

SCREEN = "applications.screen_application"
REASSESSMENT_DAYS = 21


def case_start_screening(*, application: Application, actor, request=None, expected_state: str | None = None):
    """Take a submitted application into screening. Raises RuleViolation."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.screening_started",
        rule=SCREEN,
        transition="start_screening",
        request=request,
        expected_state=expected_state,
    ) as step:
        step.transition()
    return step.app


def case_return_for_information(
    *,
    application: Application,
    actor,
    items: Iterable[tuple[int | None, str]],
    reply_by: date,
    message: str = "",
    request=None,
    expected_state: str | None = None,
) -> InformationRequest:
    """Return the case to the applicant with a list of what is missing, tied to criteria, and a reply-by date."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.returned",
        rule=SCREEN,
        transition="return_for_information",
        request=request,
        expected_state=expected_state,
    ) as step:
        app = step.app
        cleaned = _clean_reasons(app, [(c, t) for c, t in items if c])
        if not cleaned:
            raise RuleViolation(_("List at least one thing that is missing, against a criterion."))
        if reply_by <= timezone.localdate():
            raise RuleViolation(_("The reply-by date must be in the future."))
        step.transition()
        entry = step.audit(note=message, data={"reply_by": reply_by.isoformat()})
        info = InformationRequest.objects.create(
            application=app, requested_by=actor, message=message, reply_by=reply_by
        )
        InformationRequestItem.objects.bulk_create(
            [InformationRequestItem(request=info, criterion=c, text=t) for c, t in cleaned]
        )
        notify(
            event=events.INFORMATION_REQUESTED,
            recipients=_members(app),
            context={
                **_ctx(app, "\n".join([message.strip(), *(f"{c.code}. {t}" for c, t in cleaned)]).strip()),
                "reply_by": reply_by,
            },
            key=str(entry.pk),
            link=_applicant_link(app),
        )
    return info


def case_mark_ineligible(
    *,
    application: Application,
    actor,
    reasons: Iterable[tuple[int, str]],
    request=None,
    expected_state: str | None = None,
) -> Application:
    """Close the case at screening as ineligible, with reasons tied to criteria."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.ineligible",
        rule=SCREEN,
        transition="mark_ineligible",
        request=request,
        expected_state=expected_state,
    ) as step:
        app = step.app
        cleaned = _clean_reasons(app, reasons)
        if not cleaned:
            raise RuleViolation(_("Give at least one reason, against a criterion."))
        step.transition()
        entry = step.audit()
        CaseReason.objects.bulk_create(
            [
                CaseReason(application=app, kind=ReasonKind.INELIGIBLE, criterion=c, text=t, author=actor)
                for c, t in cleaned
            ]
        )
        notify(
            event=events.INELIGIBLE,
            recipients=_members(app),
            context=_ctx(app, "\n".join(f"{c.code}. {t}" for c, t in cleaned)),
            key=str(entry.pk),
            link=_applicant_link(app),
        )
    return app


def case_send_to_review(*, application: Application, actor, request=None, expected_state: str | None = None):
    """Pass screening: the case goes to review. Needs the evidence every criterion requires. A case
    that was reviewed before (returned for information from review, then resubmitted) goes back to
    its reviewers: their submitted reviews reopen and the moderations are cleared, so that they
    reassess what the applicant has added."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.sent_to_review",
        rule=SCREEN,
        transition="send_to_review",
        request=request,
        expected_state=expected_state,
    ) as step:
        if step.app.state == S.SCREENING and not evidence_complete(step.app):
            raise RuleViolation(_("Evidence is missing for some criteria: return the case for information."))
        step.transition()
        step.audit()
        _reopen_reviews(step)
    return step.app


def _reopen_reviews(step) -> None:
    app = step.app
    reopened = list(
        ReviewAssignment.objects.select_for_update()
        .filter(application=app, state=AssignmentState.SUBMITTED, has_conflict=False)
        .select_related("reviewer")
    )
    if not reopened:
        return
    # A fresh period to reassess, with fresh reminders.
    due_on = timezone.localdate() + timedelta(days=REASSESSMENT_DAYS)
    ReviewAssignment.objects.filter(pk__in=[a.pk for a in reopened]).update(
        state=AssignmentState.ACCEPTED,
        submitted_at=None,
        due_on=due_on,
        reminded_at=None,
        overdue_notified_at=None,
    )
    Moderation.objects.filter(application=app).delete()
    for assignment in reopened:
        audit_record(
            action="reviews.assignment.reopened",
            obj=app,
            actor=step.actor,
            note=assignment.reviewer.display_name,
            request=step.request,
            data={"assignment": assignment.pk, "due_on": due_on.isoformat()},
        )
