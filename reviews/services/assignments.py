"""Reviewers on a case: invitations, the reviewer's answer with the conflict declaration, and the
due-date reminders."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import CASE_OFFICER, REVIEWER, user_roles
from applications.models import Application
from audit.services import audit_record
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation

from ..models import ReviewAssignment
from ..rules import detect_conflict
from .common import A, S, _ctx, _refusals_audited, _role_users, case_step


def assignment_invite(
    *, application: Application, reviewer: User, due_on: date, actor, request=None
) -> ReviewAssignment:
    """Invite a reviewer with a due date. Refuses a conflicted reviewer and one already asked."""
    with case_step(
        application=application,
        actor=actor,
        action="reviews.assignment.invited",
        rule="reviews.assign_reviewers",
        request=request,
    ) as step:
        app = step.app
        if app.state not in (S.SCREENING, S.UNDER_REVIEW):
            raise RuleViolation(_("Reviewers can be assigned only during screening or review."))
        if REVIEWER not in user_roles(reviewer):
            raise RuleViolation(_("%(name)s is not a reviewer.") % {"name": reviewer.display_name})
        if due_on <= timezone.localdate():
            raise RuleViolation(_("The due date must be in the future."))
        if ReviewAssignment.objects.filter(application=app, reviewer=reviewer).exists():
            raise RuleViolation(
                _("%(name)s has already been asked to review this case.") % {"name": reviewer.display_name}
            )
        match = detect_conflict(reviewer, app)
        if match:
            raise RuleViolation(
                _("%(name)s has a conflict of interest with “%(match)s”: choose another reviewer.")
                % {"name": reviewer.display_name, "match": match}
            )
        try:
            with transaction.atomic():
                assignment = ReviewAssignment.objects.create(
                    application=app, reviewer=reviewer, due_on=due_on, invited_by=actor
                )
        except IntegrityError as exc:
            raise RuleViolation(
                _("%(name)s has already been asked to review this case.") % {"name": reviewer.display_name}
            ) from exc
        step.audit(note=reviewer.display_name, data={"reviewer": reviewer.pk, "due_on": due_on.isoformat()})
        notify(
            event=events.REVIEWER_INVITED,
            recipients=[reviewer],
            context={**_ctx(app), "due_on": due_on},
            key=str(assignment.pk),
            link=reverse("reviews:assignment", args=[assignment.pk]),
        )
    return assignment


def assignment_bulk_invite(
    *, applications: Iterable[Application], reviewers: Iterable[User], due_on: date, actor, request=None
) -> tuple[list[ReviewAssignment], list[str]]:
    """Invite each reviewer to each case; returns what was made and a message per refused pair."""
    made, refused = [], []
    for application in applications:
        for reviewer in reviewers:
            try:
                made.append(
                    assignment_invite(
                        application=application, reviewer=reviewer, due_on=due_on, actor=actor, request=request
                    )
                )
            except RuleViolation as exc:
                refused.append(f"{application.reference}: {'; '.join(exc.messages)}")
    return made, refused


def _lock_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__organisation", "reviewer")
        .get(pk=assignment.pk)
    )


def assignment_respond(
    *,
    assignment: ReviewAssignment,
    actor,
    accept: bool,
    has_conflict: bool,
    conflict_note: str = "",
    decline_reason: str = "",
    request=None,
) -> ReviewAssignment:
    """The reviewer's conflict declaration with their answer. A declared or detected conflict takes the
    reviewer off the case; declining needs a reason."""
    application = assignment.application
    with _refusals_audited(
        action="reviews.assignment.responded", application=application, actor=actor, request=request
    ):
        with transaction.atomic():
            locked = _lock_assignment(assignment)
            if locked.reviewer_id != actor.pk:
                raise RuleViolation(_("This is not your assignment."))
            if locked.state != A.INVITED:
                raise RuleViolation(_("You have already answered this invitation."))
            now = timezone.now()
            detected = detect_conflict(actor, locked.application)
            locked.conflict_declared_at = now
            locked.responded_at = now
            if has_conflict or detected:
                locked.has_conflict = True
                locked.state = A.CONFLICTED
                locked.conflict_note = conflict_note.strip()
                locked.detected_conflict = detected[:300]
                action = "reviews.assignment.conflicted"
            elif accept:
                locked.state = A.ACCEPTED
                action = "reviews.assignment.accepted"
            else:
                if not decline_reason.strip():
                    raise RuleViolation(_("Give a reason for declining."))
                locked.state = A.DECLINED
                locked.decline_reason = decline_reason.strip()
                action = "reviews.assignment.declined"
            locked.save()
            audit_record(
                action=action,
                obj=locked.application,
                actor=actor,
                note=locked.decline_reason or locked.conflict_note or locked.detected_conflict,
                request=request,
                data={"assignment": locked.pk},
            )
    return locked


def reminders_send(*, now=None) -> dict[str, int]:
    """Remind reviewers whose review falls due within REVIEWER_REMINDER_DAYS, and tell the reviewer and
    the case officers once a review is past due. Chosen by window and sent-marker, so a missed day
    sends late rather than never, and a second run sends nothing more."""

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.REVIEWER_REMINDER_DAYS)
    open_states = [A.INVITED, A.ACCEPTED]
    sent = {"reminders": 0, "overdue": 0}
    officers = _role_users(CASE_OFFICER)
    with transaction.atomic():
        due_soon = (
            ReviewAssignment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                state__in=open_states,
                has_conflict=False,
                reminded_at__isnull=True,
                due_on__gte=today,
                due_on__lte=horizon,
                application__state=S.UNDER_REVIEW,
            )
            .select_related("application", "reviewer")
        )
        for assignment in due_soon:
            notify(
                event=events.REVIEWER_REMINDER,
                recipients=[assignment.reviewer],
                context={**_ctx(assignment.application), "due_on": assignment.due_on},
                key=f"{assignment.pk}:{assignment.due_on.isoformat()}",
                link=reverse("reviews:assignment", args=[assignment.pk]),
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(reminded_at=now)
            sent["reminders"] += 1
        overdue = (
            ReviewAssignment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                state__in=open_states,
                has_conflict=False,
                overdue_notified_at__isnull=True,
                due_on__lt=today,
                application__state=S.UNDER_REVIEW,
            )
            .select_related("application", "reviewer")
        )
        for assignment in overdue:
            notify(
                event=events.REVIEW_OVERDUE,
                recipients=[assignment.reviewer, *officers],
                context={**_ctx(assignment.application), "due_on": assignment.due_on},
                key=f"{assignment.pk}:{assignment.due_on.isoformat()}",
                link=reverse("reviews:assignment", args=[assignment.pk]),
            )
            ReviewAssignment.objects.filter(pk=assignment.pk).update(overdue_notified_at=now)
            sent["overdue"] += 1
    return sent
