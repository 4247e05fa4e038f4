"""Reads for review and decision: work queues, the score table of a case, the timeline."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import REVIEWER
from agencies.models import Criterion
from applications.enums import ApplicationState
from applications.models import Application, Evidence

from .enums import AssignmentState, GateVerdict
from .models import CriterionScore, Moderation, ReviewAssignment

S = ApplicationState
A = AssignmentState

CASE_QUEUE_STATES = [S.SUBMITTED, S.SCREENING, S.RETURNED, S.UNDER_REVIEW, S.RECOMMENDED]
TWO_DP = Decimal("0.01")


def _assignment_count(**conditions) -> Coalesce:
    counted = (
        ReviewAssignment.objects.filter(application=OuterRef("pk"), **conditions)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def case_queue(
    *,
    state: str = "",
    industry_id: int | None = None,
    scheme_id: int | None = None,
    overdue: bool = False,
    search: str = "",
    older_than_days: int | None = None,
    order: str = "oldest",
) -> QuerySet[Application]:
    """The case officer's queue: open cases with their reviewer counts and an overdue flag, in one query."""
    today = timezone.localdate()
    late = ReviewAssignment.objects.filter(
        application=OuterRef("pk"), state__in=[A.INVITED, A.ACCEPTED], has_conflict=False, due_on__lt=today
    )
    qs = (
        Application.objects.filter(state__in=CASE_QUEUE_STATES)
        .select_related("organisation", "industry", "scheme")
        .annotate(
            # Correlated counts, not joins and GROUP BY: computed only for the rows of the page shown.
            reviewers_active=_assignment_count(state__in=[A.INVITED, A.ACCEPTED, A.SUBMITTED], has_conflict=False),
            reviews_in=_assignment_count(state=A.SUBMITTED),
            is_overdue=Exists(late),
        )
    )
    if state:
        qs = qs.filter(state=state)
    if industry_id:
        qs = qs.filter(industry_id=industry_id)
    if scheme_id:
        qs = qs.filter(scheme_id=scheme_id)
    if overdue:
        qs = qs.filter(is_overdue=True)
    if older_than_days:
        qs = qs.filter(submitted_at__lt=timezone.now() - timedelta(days=older_than_days))
    if search:
        term = search.strip()
        qs = qs.filter(
            Q(reference__icontains=term)
            | Q(organisation__name_en__icontains=term)
            | Q(organisation__name_zh_hant__icontains=term)
            | Q(organisation__name_zh_hans__icontains=term)
            | Q(industry__name_en__icontains=term)
            | Q(industry__name_zh_hant__icontains=term)
            | Q(industry__name_zh_hans__icontains=term)
        )
    ordering = ["submitted_at", "id"] if order != "newest" else ["-submitted_at", "-id"]
    return qs.order_by(*ordering)


def reviewer_queue(*, reviewer: User) -> QuerySet[ReviewAssignment]:
    """A reviewer's own assignments, without those they declined or are conflicted on."""
    return (
        ReviewAssignment.objects.filter(
            reviewer=reviewer, state__in=[A.INVITED, A.ACCEPTED, A.SUBMITTED], has_conflict=False
        )
        .select_related("application__organisation", "application__industry", "application__scheme")
        .order_by("state", "due_on", "id")
    )


def approver_queue() -> QuerySet[Application]:
    """Recommended cases awaiting a decision, oldest first."""
    return (
        Application.objects.filter(state=S.RECOMMENDED)
        .select_related("organisation", "industry", "scheme", "recommendation", "determination")
        .order_by("submitted_at", "id")
    )


def reviewer_candidates() -> QuerySet[User]:
    return User.objects.filter(groups__name=REVIEWER, is_active=True).order_by("full_name", "email").distinct()


def case_assignments(*, application: Application) -> QuerySet[ReviewAssignment]:
    return application.review_assignments.select_related("reviewer").order_by("invited_at", "id")


def screening_checklist(*, application: Application) -> list:
    """Per criterion: the narrative, the documents, and what the one completeness rule says is missing
    (the applicant's checklist, the same rows)."""
    from applications.selectors import application_checklist

    return application_checklist(application=application)


@dataclass
class GateCheck:
    code: str
    label: str
    passed: bool
    detail: str


def screening_gate_checks(*, application: Application) -> list[GateCheck]:
    """The eligibility gates: a legal entity, and for RPL a non-profit basis."""
    from django.utils.translation import gettext as _

    from agencies.enums import EntityType, SchemeCode

    org = application.organisation
    legal = bool(org.registration_number) or org.entity_type in (EntityType.STATUTORY_BODY, EntityType.GOVERNMENT)
    checks = [
        GateCheck(
            "legal_entity",
            _("Legal entity"),
            legal,
            org.registration_number or org.get_entity_type_display(),
        )
    ]
    if application.scheme.code == SchemeCode.RPL:
        nonprofit_evidence = (
            Evidence.objects.filter(
                application=application, criterion__criteria_set=application.criteria_set, criterion__code="3"
            )
            .exclude(narrative="")
            .exists()
        )
        detail = (
            _("Charity under IRO s.88, file %(number)s") % {"number": org.charity_file_number}
            if org.is_charity
            else (_("Evidence given against the non-profit criterion") if nonprofit_evidence else _("No evidence"))
        )
        checks.append(
            GateCheck("non_profit", _("Non-profit basis (RPL)"), org.is_charity or nonprofit_evidence, detail)
        )
    return checks


@dataclass
class CriterionRow:
    criterion: Criterion
    cells: list  # one CriterionScore or None per reviewer column
    spread: int | None = None
    mean: Decimal | None = None
    flagged: bool = False
    moderation: Moderation | None = None
    effective_verdict: str = ""
    effective_score: Decimal | None = None


@dataclass
class CaseScores:
    reviewers: list = field(default_factory=list)  # submitted assignments, in order
    rows: list = field(default_factory=list)
    weighted_total: Decimal | None = None
    moderated_total: Decimal | None = None
    maximum: Decimal = Decimal("0")
    failed_gates: list = field(default_factory=list)
    unmoderated_flags: list = field(default_factory=list)

    @property
    def flagged_rows(self) -> list:
        return [row for row in self.rows if row.flagged]


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO_DP, rounding=ROUND_HALF_UP)


def case_scores(*, application: Application) -> CaseScores:
    """The criteria-by-reviewers table of the submitted reviews, and what follows from it.

    Weighted total = sum over merit criteria c of weight(c) x mean over submitted reviewers of
    score(c), which equals the mean over reviewers of each reviewer's own weighted sum. The maximum
    is 4 x the sum of merit weights. The moderated total uses the moderated score in place of the
    mean for each moderated criterion. A merit criterion is flagged when its scores spread by 2 or
    more; a gate criterion when the verdicts split. A gate fails when its effective verdict (the
    moderated one, or else the unanimous one) is "not met". Three queries whatever the size.
    """
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    reviewers = list(
        application.review_assignments.filter(state=A.SUBMITTED, has_conflict=False)
        .select_related("reviewer")
        .order_by("submitted_at", "id")
    )
    scores: dict[tuple[int, int], CriterionScore] = {
        (s.assignment_id, s.criterion_id): s
        for s in CriterionScore.objects.filter(assignment__in=[r.pk for r in reviewers])
    }
    moderations = {m.criterion_id: m for m in Moderation.objects.filter(application=application)}
    result = CaseScores(reviewers=reviewers)
    total = moderated = Decimal("0")
    for criterion in criteria:
        cells = [scores.get((r.pk, criterion.pk)) for r in reviewers]
        row = CriterionRow(criterion=criterion, cells=cells, moderation=moderations.get(criterion.pk))
        given = [c for c in cells if c is not None]
        if criterion.is_gate:
            verdicts = {c.verdict for c in given if c.verdict}
            row.flagged = len(verdicts) > 1
            if row.moderation:
                row.effective_verdict = row.moderation.verdict
            elif len(verdicts) == 1:
                row.effective_verdict = verdicts.pop()
            if row.effective_verdict == GateVerdict.NOT_MET:
                result.failed_gates.append(criterion)
        else:
            result.maximum += 4 * criterion.weight
            values = [c.score for c in given if c.score is not None]
            if values:
                row.spread = max(values) - min(values)
                row.flagged = row.spread >= 2
                row.mean = Decimal(sum(values)) / len(values)
                total += criterion.weight * row.mean
                row.effective_score = Decimal(row.moderation.score) if row.moderation else row.mean
                moderated += criterion.weight * row.effective_score
        if row.flagged and row.moderation is None:
            result.unmoderated_flags.append(criterion)
        result.rows.append(row)
    if reviewers:
        result.weighted_total = _q(total)
        result.moderated_total = _q(moderated)
    result.maximum = _q(result.maximum)
    return result


@dataclass
class Authorship:
    what: str
    author: object
    at: object
    detail: str = ""


def case_decision_authors(*, application: Application) -> list[Authorship]:
    """Who took each decision on the case, and when: the recommendation, HKCAAVQ's determination and
    the considerations as recorded, the decision, and what was decided on the appointment since
    (varied, cancelled, published). A handful of queries whatever the case."""
    from django.utils.translation import gettext as _

    from agencies.selectors import appointment_decisions

    from .models import Considerations, Decision, Determination, Recommendation
    from .templatetags.reviews_tags import action_label

    rows = []
    recommendation = Recommendation.objects.filter(application=application).select_related("recommended_by").first()
    if recommendation:
        rows.append(
            Authorship(
                _("Recommendation"),
                recommendation.recommended_by,
                recommendation.recommended_at,
                recommendation.get_outcome_display(),
            )
        )
    determination = Determination.objects.filter(application=application).select_related("recorded_by").first()
    if determination:
        rows.append(
            Authorship(
                _("HKCAAVQ determination recorded"),
                determination.recorded_by,
                determination.recorded_at,
                determination.get_outcome_display(),
            )
        )
    considerations = Considerations.objects.filter(application=application).select_related("recorded_by").first()
    if considerations:
        rows.append(Authorship(_("Considerations recorded"), considerations.recorded_by, considerations.recorded_at))
    decision = Decision.objects.filter(application=application).select_related("decided_by").first()
    if decision:
        rows.append(Authorship(_("Decision"), decision.decided_by, decision.decided_at, decision.get_outcome_display()))
    if application.appointment_id:
        for entry in appointment_decisions(appointment=application.appointment):
            if entry.action == "agencies.appointment.created":
                continue  # the decision above
            rows.append(Authorship(action_label(entry.action), entry.actor, entry.created_at, entry.note))
    return rows
