"""Writes for review and decision. Each runs in one transaction: lock the case, check the rule and the
permission, run the transition, save, audit, notify. A refused attempt is audited and raises
RuleViolation."""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import User
from accounts.roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER, user_roles
from agencies import services as agency_services
from agencies.models import Criterion, Organisation
from applications.enums import ApplicationKind, ApplicationState
from applications.models import Application, Document, Evidence, InformationRequest, InformationRequestItem
from audit.services import audit_record, audit_refusal
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation

from . import conditions
from .enums import AssignmentState, DeterminationOutcome, GateVerdict, Outcome, ReasonKind
from .models import (
    CaseReason,
    Considerations,
    CriterionScore,
    Decision,
    Determination,
    Moderation,
    Recommendation,
    ReviewAssignment,
)
from .rules import detect_conflict
from .selectors import case_scores

S = ApplicationState
A = AssignmentState


# -- helpers ---------------------------------------------------------------------------------
def _members(application: Application) -> list[User]:
    return list(User.objects.filter(memberships__organisation_id=application.organisation_id, is_active=True))


def _role_users(role: str) -> list[User]:
    return list(User.objects.filter(groups__name=role, is_active=True))


def _case_link(application: Application) -> str:
    return reverse("reviews:case", args=[application.pk])


def _applicant_link(application: Application) -> str:
    return reverse("applications:status", kwargs={"pk": application.pk})


def _ctx(application: Application, summary: str = "") -> dict:
    return {"reference": application.reference, "application": application, "summary": summary}


@contextmanager
def _refusals_audited(*, action: str, application: Application, actor, request=None):
    """Write an audit row for a refused attempt, outside the transaction that was rolled back."""
    from_state = application.state
    try:
        yield
    except RuleViolation as exc:
        audit_refusal(
            action=action,
            obj=application,
            actor=actor,
            note="; ".join(exc.messages),
            request=request,
            from_state=from_state,
        )
        raise


def _lock(application: Application, expected_state: str | None) -> Application:
    """Reload the case under a row lock; refuse if it moved on since the page was shown."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation", "scheme", "industry", "criteria_set")
        .get(pk=application.pk)
    )
    if expected_state and locked.state != expected_state:
        raise RuleViolation(
            _(
                "This case has changed since the page was shown: it is now “%(state)s”. Nothing was changed; "
                "look at the case again."
            )
            % {"state": locked.get_state_display()}
        )
    return locked


def _transition(application: Application, name: str, actor, *args) -> tuple[str, str]:
    """Run one transition after checking the source state and the permission; save with the
    optimistic state check. Returns (from, to)."""
    method = getattr(application, name)
    if not can_proceed(method, check_conditions=False):
        raise RuleViolation(
            _("This action is not possible while the case is “%(state)s”.") % {"state": application.get_state_display()}
        )
    if not has_transition_perm(method, actor):
        raise RuleViolation(_("You are not allowed to do this on this case."))
    if not can_proceed(method):
        raise RuleViolation(_("The conditions for this step are not met yet."))
    from_state = application.state
    method(*args)
    try:
        application.save()
    except ConcurrentTransition as exc:
        raise RuleViolation(_("Someone else changed this case at the same moment. Nothing was changed.")) from exc
    return from_state, application.state


def _audit_transition(application, actor, action, from_state, to_state, request, note="", data=None):
    return audit_record(
        action=action,
        obj=application,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        request=request,
        data=data,
    )


def _criteria_of(application: Application) -> dict[int, Criterion]:
    return {c.pk: c for c in application.criteria_set.criteria.all()}


def _clean_reasons(application: Application, reasons: Iterable[tuple[int, str]]) -> list[tuple[Criterion, str]]:
    criteria = _criteria_of(application)
    cleaned = []
    for criterion_id, text in reasons:
        text = (text or "").strip()
        if not text:
            continue
        if int(criterion_id) not in criteria:
            raise RuleViolation(_("A reason names a criterion that is not in this application's criteria set."))
        cleaned.append((criteria[int(criterion_id)], text))
    return cleaned


# -- screening ---------------------------------------------------------------------------------
def case_start_screening(*, application: Application, actor, request=None, expected_state: str | None = None):
    """Take a submitted application into screening. Raises RuleViolation."""
    action = "applications.application.screening_started"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            from_state, to_state = _transition(app, "start_screening", actor)
            _audit_transition(app, actor, action, from_state, to_state, request)
    return app


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
    action = "applications.application.returned"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            cleaned = _clean_reasons(app, [(c, t) for c, t in items if c])
            if not cleaned:
                raise RuleViolation(_("List at least one thing that is missing, against a criterion."))
            if reply_by <= timezone.localdate():
                raise RuleViolation(_("The reply-by date must be in the future."))
            from_state, to_state = _transition(app, "return_for_information", actor)
            info = InformationRequest.objects.create(
                application=app, requested_by=actor, message=message, reply_by=reply_by
            )
            InformationRequestItem.objects.bulk_create(
                [InformationRequestItem(request=info, criterion=c, text=t) for c, t in cleaned]
            )
            entry = _audit_transition(
                app, actor, action, from_state, to_state, request, note=message, data={"reply_by": reply_by.isoformat()}
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
    action = "applications.application.ineligible"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            cleaned = _clean_reasons(app, reasons)
            if not cleaned:
                raise RuleViolation(_("Give at least one reason, against a criterion."))
            from_state, to_state = _transition(app, "mark_ineligible", actor)
            CaseReason.objects.bulk_create(
                [
                    CaseReason(application=app, kind=ReasonKind.INELIGIBLE, criterion=c, text=t, author=actor)
                    for c, t in cleaned
                ]
            )
            entry = _audit_transition(app, actor, action, from_state, to_state, request)
            notify(
                event=events.INELIGIBLE,
                recipients=_members(app),
                context=_ctx(app, "\n".join(f"{c.code}. {t}" for c, t in cleaned)),
                key=str(entry.pk),
                link=_applicant_link(app),
            )
    return app


def case_send_to_review(*, application: Application, actor, request=None, expected_state: str | None = None):
    """Pass screening: the case goes to review. Needs a narrative for every criterion."""
    action = "applications.application.sent_to_review"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            if app.state == S.SCREENING and not conditions.evidence_complete(app):
                raise RuleViolation(_("Evidence is missing for some criteria: return the case for information."))
            from_state, to_state = _transition(app, "send_to_review", actor)
            _audit_transition(app, actor, action, from_state, to_state, request)
    return app


# -- reviewers ---------------------------------------------------------------------------------
def assignment_invite(
    *, application: Application, reviewer: User, due_on: date, actor, request=None
) -> ReviewAssignment:
    """Invite a reviewer with a due date. Refuses a conflicted reviewer and one already asked."""
    action = "reviews.assignment.invited"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, None)
            if CASE_OFFICER not in user_roles(actor):
                raise RuleViolation(_("You are not allowed to do this on this case."))
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
            audit_record(
                action=action,
                obj=app,
                actor=actor,
                note=reviewer.display_name,
                request=request,
                data={"reviewer": reviewer.pk, "due_on": due_on.isoformat()},
            )
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


def scores_save(
    *,
    assignment: ReviewAssignment,
    actor,
    entries: dict[int, dict],
    request=None,
) -> list[CriterionScore]:
    """Save the reviewer's draft scores. `entries` maps criterion id to verdict / score / reason /
    evidence_id / document_id. Refuses a criterion outside the set, a score outside 0-4, a submitted
    review, and anyone but the accepted, conflict-free reviewer."""
    application = assignment.application
    with _refusals_audited(action="reviews.scores.saved", application=application, actor=actor, request=request):
        with transaction.atomic():
            locked = _lock_assignment(assignment)
            if locked.reviewer_id != actor.pk or locked.has_conflict:
                raise RuleViolation(_("You are not assigned to review this case."))
            if locked.state == A.SUBMITTED:
                raise RuleViolation(_("Your review is submitted and can no longer be changed."))
            if locked.state != A.ACCEPTED:
                raise RuleViolation(_("Accept the invitation before scoring."))
            criteria = _criteria_of(locked.application)
            errors: dict[str, list[str]] = {}
            saved = []
            for criterion_id, entry in entries.items():
                criterion = criteria.get(int(criterion_id))
                if criterion is None:
                    raise RuleViolation(_("That criterion is not part of this application's criteria set."))
                if not any(entry.get(k) not in (None, "") for k in ("verdict", "score", "reason", "document_id")):
                    # An empty row in a draft: nothing to keep.
                    CriterionScore.objects.filter(assignment=locked, criterion=criterion).delete()
                    continue
                values = _clean_score(criterion, entry, locked.application, errors)
                if values is None:
                    continue
                score, _created = CriterionScore.objects.update_or_create(
                    assignment=locked, criterion=criterion, defaults=values
                )
                saved.append(score)
            if errors:
                raise RuleViolation(*[m for ms in errors.values() for m in ms], field_errors=errors)
    return saved


def _clean_score(criterion: Criterion, entry: dict, application: Application, errors: dict) -> dict | None:
    verdict = (entry.get("verdict") or "").strip()
    raw = entry.get("score")
    reason = (entry.get("reason") or "").strip()
    values: dict = {"reason": reason, "verdict": "", "score": None, "evidence": None, "document": None}
    try:
        ProhibitNullCharactersValidator()(reason)
    except ValidationError as exc:
        errors.setdefault(criterion.code, []).extend(f"{criterion.code}: {m}" for m in exc.messages)
        return None
    if criterion.is_gate:
        if raw not in (None, ""):
            errors.setdefault(criterion.code, []).append(
                _("Criterion %(code)s is a gate: record met or not met, not a score.") % {"code": criterion.code}
            )
            return None
        if verdict and verdict not in GateVerdict.values:
            errors.setdefault(criterion.code, []).append(
                _("Criterion %(code)s: choose met or not met.") % {"code": criterion.code}
            )
            return None
        values["verdict"] = verdict
    else:
        if verdict:
            errors.setdefault(criterion.code, []).append(
                _("Criterion %(code)s is scored from 0 to 4, not marked met or not met.") % {"code": criterion.code}
            )
            return None
        if raw not in (None, ""):
            text = str(raw).strip()
            score = int(text) if text.isdecimal() else -1
            if not 0 <= score <= 4:
                errors.setdefault(criterion.code, []).append(
                    _("Criterion %(code)s: the score must be a whole number from 0 to 4.") % {"code": criterion.code}
                )
                return None
            values["score"] = score
    if entry.get("evidence_id"):
        values["evidence"] = Evidence.objects.filter(
            pk=entry["evidence_id"], application=application, criterion=criterion
        ).first()
    document_id = str(entry.get("document_id") or "").strip()
    if document_id:
        # Anything but an id of this application's documents cites no document.
        values["document"] = (
            Document.objects.filter(pk=int(document_id), application=application).first()
            if document_id.isdecimal() and len(document_id) < 19
            else None
        )
    return values


def review_submit(*, assignment: ReviewAssignment, actor, request=None) -> ReviewAssignment:
    """Lock the review: every criterion must have its verdict or score and a reason."""
    application = assignment.application
    with _refusals_audited(
        action="reviews.assignment.submitted", application=application, actor=actor, request=request
    ):
        with transaction.atomic():
            locked = _lock_assignment(assignment)
            if locked.reviewer_id != actor.pk or locked.has_conflict:
                raise RuleViolation(_("You are not assigned to review this case."))
            if locked.state != A.ACCEPTED:
                raise RuleViolation(_("This review cannot be submitted now."))
            app = Application.objects.select_for_update(of=("self",)).get(pk=locked.application_id)
            if app.state != S.UNDER_REVIEW:
                raise RuleViolation(_("This case is not under review."))
            scores = {s.criterion_id: s for s in locked.scores.all()}
            missing = []
            for criterion in app.criteria_set.criteria.order_by("order"):
                s = scores.get(criterion.pk)
                value = (s.verdict if criterion.is_gate else s.score) if s else None
                if s is None or value in (None, "") or not s.reason:
                    missing.append(criterion.code)
            if missing:
                raise RuleViolation(
                    _("Give a verdict or score and a reason for every criterion; missing: %(codes)s.")
                    % {"codes": ", ".join(missing)}
                )
            locked.state = A.SUBMITTED
            locked.submitted_at = timezone.now()
            locked.save()
            entry = audit_record(
                action="reviews.assignment.submitted",
                obj=app,
                actor=actor,
                request=request,
                data={"assignment": locked.pk},
            )
            officers = _role_users(CASE_OFFICER)
            notify(
                event=events.REVIEW_SUBMITTED,
                recipients=officers,
                context=_ctx(app),
                key=str(entry.pk),
                link=_case_link(app),
            )
            if conditions.reviews_complete(app) and not app.review_assignments.filter(state=A.INVITED).exists():
                notify(
                    event=events.ALL_REVIEWS_IN,
                    recipients=officers,
                    context=_ctx(app),
                    key=str(app.pk),
                    link=_case_link(app),
                )
    return locked


# -- moderation and recommendation -----------------------------------------------------------------
def moderation_save(
    *,
    application: Application,
    criterion_id: int,
    actor,
    rationale: str,
    score: int | None = None,
    verdict: str = "",
    request=None,
) -> Moderation:
    """The case officer's final value, with a rationale, for a criterion the reviewers disagree on."""
    with _refusals_audited(action="reviews.moderation.saved", application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, S.UNDER_REVIEW)
            if CASE_OFFICER not in user_roles(actor):
                raise RuleViolation(_("You are not allowed to do this on this case."))
            criterion = _criteria_of(app).get(int(criterion_id))
            if criterion is None:
                raise RuleViolation(_("That criterion is not part of this application's criteria set."))
            flagged = {row.criterion.pk for row in case_scores(application=app).flagged_rows}
            if criterion.pk not in flagged:
                raise RuleViolation(_("Only criteria on which the reviewers disagree are moderated."))
            if not (rationale or "").strip():
                raise RuleViolation(_("Give the rationale for the moderated value."))
            if criterion.is_gate:
                if verdict not in GateVerdict.values:
                    raise RuleViolation(_("Choose met or not met."))
                values = {"verdict": verdict, "score": None}
            else:
                if score is None or not 0 <= int(score) <= 4:
                    raise RuleViolation(_("The score must be a whole number from 0 to 4."))
                values = {"verdict": "", "score": int(score)}
            moderation, _created = Moderation.objects.update_or_create(
                application=app,
                criterion=criterion,
                defaults={**values, "rationale": rationale.strip(), "moderated_by": actor},
            )
            audit_record(
                action="reviews.moderation.saved",
                obj=app,
                actor=actor,
                note=f"{criterion.code}: {rationale.strip()}",
                request=request,
                data={"criterion": criterion.code, **values},
            )
    return moderation


def case_recommend(
    *, application: Application, actor, outcome: str, summary: str, request=None, expected_state: str | None = None
) -> Recommendation:
    """Record the recommendation; needs every accepted review in and every disagreement moderated."""
    action = "applications.application.recommended"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            if outcome not in Outcome.values:
                raise RuleViolation(_("Choose a recommendation."))
            if not (summary or "").strip():
                raise RuleViolation(_("Summarise the grounds of the recommendation."))
            if app.state == S.UNDER_REVIEW:
                if not conditions.reviews_complete(app):
                    raise RuleViolation(
                        _("At least two reviews must be submitted and no accepted review may be outstanding.")
                    )
                scores = case_scores(application=app)
                if scores.unmoderated_flags:
                    raise RuleViolation(
                        _("Moderate every flagged criterion first: %(codes)s.")
                        % {"codes": ", ".join(c.code for c in scores.unmoderated_flags)}
                    )
            from_state, to_state = _transition(app, "recommend", actor)
            scores = case_scores(application=app)
            recommendation = Recommendation.objects.create(
                application=app,
                outcome=outcome,
                summary=summary.strip(),
                weighted_total=scores.moderated_total,
                recommended_by=actor,
            )
            entry = _audit_transition(
                app, actor, action, from_state, to_state, request, note=summary.strip(), data={"outcome": outcome}
            )
            notify(
                event=events.RECOMMENDATION_MADE,
                recipients=_role_users(APPROVER),
                context=_ctx(app),
                key=str(entry.pk),
                link=_case_link(app),
            )
    return recommendation


# -- decision -------------------------------------------------------------------------------------
def _check_decider(app: Application, actor) -> None:
    if not actor.has_perm("reviews.decide_case", app):
        raise RuleViolation(
            _("You cannot decide this case: only an approver who is neither its reviewer nor conflicted may.")
        )


def determination_record(*, application: Application, actor, request=None, **fields) -> Determination:
    """Record (or correct) HKCAAVQ's competence determination for a recommended case."""
    with _refusals_audited(
        action="reviews.determination.recorded", application=application, actor=actor, request=request
    ):
        with transaction.atomic():
            app = _lock(application, S.RECOMMENDED)
            _check_decider(app, actor)
            if fields.get("outcome") not in DeterminationOutcome.values:
                raise RuleViolation(_("Choose the outcome of the determination."))
            vf, vu = fields.get("valid_from"), fields.get("valid_until")
            if vf and vu and vu < vf:
                raise RuleViolation(_("The validity cannot end before it starts."))
            determination, _created = Determination.objects.update_or_create(
                application=app, defaults={**fields, "recorded_by": actor}
            )
            audit_record(
                action="reviews.determination.recorded",
                obj=app,
                actor=actor,
                note=determination.get_outcome_display(),
                request=request,
                data={"determined_on": determination.determined_on.isoformat(), "outcome": determination.outcome},
            )
    return determination


def considerations_record(*, application: Application, actor, request=None, **fields) -> Considerations:
    """Record the matters of Cap. 592 s.8(2) the Secretary had regard to."""
    with _refusals_audited(
        action="reviews.considerations.recorded", application=application, actor=actor, request=request
    ):
        with transaction.atomic():
            app = _lock(application, S.RECOMMENDED)
            _check_decider(app, actor)
            for name in ("industry_views", "industry_characteristics", "fee_policy"):
                if not (fields.get(name) or "").strip():
                    raise RuleViolation(_("Record the views of the industry, its characteristics and the fee policy."))
            considerations, _created = Considerations.objects.update_or_create(
                application=app, defaults={**fields, "recorded_by": actor}
            )
            audit_record(action="reviews.considerations.recorded", obj=app, actor=actor, request=request)
    return considerations


def case_appoint(
    *,
    application: Application,
    actor,
    term_start: date,
    term_end: date,
    conditions_text: str = "",
    collaborators: Iterable[Organisation] = (),
    request=None,
    expected_state: str | None = None,
) -> Decision:
    """Appoint (or re-appoint) the applicant for a term. One appointment however many approvers try
    at once: the case row is locked and re-read. Raises RuleViolation."""
    action = "applications.application.appointed"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        return _case_appoint(
            application=application,
            actor=actor,
            term_start=term_start,
            term_end=term_end,
            conditions_text=conditions_text,
            collaborators=list(collaborators),
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
    request=None,
    expected_state: str | None = None,
    lock: bool = True,
) -> Decision:
    # lock=False trusts the caller's (possibly stale) instance instead of re-reading it under a row
    # lock; only the race test's control uses it, to show what the lock prevents.
    action = "applications.application.appointed"
    with transaction.atomic():
        app = _lock(application, expected_state) if lock else application
        _check_decider(app, actor)
        if app.state == S.RECOMMENDED:
            if not conditions.competence_determined(app):
                raise RuleViolation(
                    _("Record HKCAAVQ's determination that the applicant is competent, and the considerations, first.")
                )
            if term_end < term_start:
                raise RuleViolation(_("The term cannot end before it starts."))
        from_state, to_state = _transition(app, "appoint", actor)
        today = timezone.localdate()
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
            decided_by=actor,
        )
        decision.collaborators.set(collaborators)
        entry = _audit_transition(
            app,
            actor,
            action,
            from_state,
            to_state,
            request,
            data={"appointment": appointment.pk, "start": term_start.isoformat(), "end": term_end.isoformat()},
        )
        notify(
            event=events.DECISION_MADE,
            recipients=_members(app),
            context=_ctx(
                app,
                _("Appointed for the term %(start)s – %(end)s.")
                % {
                    "start": term_start.strftime("%-d.%-m.%Y"),
                    "end": term_end.strftime("%-d.%-m.%Y"),
                },
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
    action = "applications.application.rejected"
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state)
            _check_decider(app, actor)
            cleaned = _clean_reasons(app, reasons)
            if app.state == S.RECOMMENDED:
                if not cleaned:
                    raise RuleViolation(_("Give at least one reason, against a criterion."))
                if not conditions.considerations_recorded(app):
                    raise RuleViolation(_("Record the considerations first."))
            from_state, to_state = _transition(app, "reject", actor)
            decision = Decision.objects.create(application=app, outcome=Outcome.REJECT, decided_by=actor)
            CaseReason.objects.bulk_create(
                [
                    CaseReason(application=app, kind=ReasonKind.REJECTED, criterion=c, text=t, author=actor)
                    for c, t in cleaned
                ]
            )
            entry = _audit_transition(app, actor, action, from_state, to_state, request)
            notify(
                event=events.DECISION_MADE,
                recipients=_members(app),
                context=_ctx(app, "\n".join(f"{c.code}. {t}" for c, t in cleaned)),
                key=str(entry.pk),
                link=_applicant_link(app),
            )
    return decision


# -- reminders ------------------------------------------------------------------------------------
def reminders_send(*, now=None) -> dict[str, int]:
    """Remind reviewers whose review falls due within REVIEWER_REMINDER_DAYS, and tell the reviewer and
    the case officers once a review is past due. Chosen by window and sent-marker, so a missed day
    sends late rather than never, and a second run sends nothing more."""
    from datetime import timedelta

    from django.conf import settings

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
