"""Scoring: the reviewer's draft scores and submitted review, the case officer's moderation of the
criteria the reviewers disagree on, and the recommendation."""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import APPROVER, CASE_OFFICER
from agencies.models import Criterion
from applications.models import Application, Document, Evidence
from audit.services import audit_record
from notifications import events
from notifications.services import notify
from qfapp.exceptions import RuleViolation

from .. import conditions
from ..enums import GateVerdict, Outcome
from ..models import CriterionScore, Moderation, Recommendation, ReviewAssignment
from ..selectors import case_scores
from .assignments import _lock_assignment
from .common import A, S, _case_link, _criteria_of, _ctx, _refusals_audited, _role_users, case_step


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
                context={**_ctx(app), "reviewer_name": locked.reviewer.display_name},
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
    with case_step(
        application=application,
        actor=actor,
        action="reviews.moderation.saved",
        rule="reviews.moderate",
        request=request,
        expected_state=S.UNDER_REVIEW,
    ) as step:
        app = step.app
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
        step.audit(note=f"{criterion.code}: {rationale.strip()}", data={"criterion": criterion.code, **values})
    return moderation


def case_recommend(
    *, application: Application, actor, outcome: str, summary: str, request=None, expected_state: str | None = None
) -> Recommendation:
    """Record the recommendation; needs every accepted review in and every disagreement moderated."""
    with case_step(
        application=application,
        actor=actor,
        action="applications.application.recommended",
        rule="applications.recommend_application",
        transition="recommend",
        request=request,
        expected_state=expected_state,
    ) as step:
        app = step.app
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
            failed = conditions.failed_gates(app) if outcome == Outcome.APPOINT else []
            if failed:
                raise RuleViolation(
                    _(
                        "Gate criteria not met: %(codes)s. The case cannot be recommended for appointment: "
                        "recommend rejection, or return it to the applicant for information so that the "
                        "reviewers can reassess."
                    )
                    % {"codes": ", ".join(c.code for c in failed)}
                )
        step.transition()
        entry = step.audit(note=summary.strip(), data={"outcome": outcome})
        scores = case_scores(application=app)
        recommendation = Recommendation.objects.create(
            application=app,
            outcome=outcome,
            summary=summary.strip(),
            weighted_total=scores.moderated_total,
            recommended_by=actor,
        )
        notify(
            event=events.RECOMMENDATION_MADE,
            recipients=_role_users(APPROVER),
            context=_ctx(app),
            key=str(entry.pk),
            link=_case_link(app),
        )
    return recommendation
