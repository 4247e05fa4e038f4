"""Review and decision: reviewer assignments, criterion scores, moderation, the determination,
the s.8(2) considerations and the Secretary's decision."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Criterion, Organisation
from applications.models import Application, Document, Evidence

from .enums import AssignmentState, DeterminationOutcome, GateVerdict, Outcome, ReasonKind

A = AssignmentState


class ReviewAssignment(models.Model):
    """One reviewer asked to review one application, by a due date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(_("state"), max_length=12, choices=A.choices, default=A.INVITED, db_index=True)
    due_on = models.DateField(_("due on"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The reviewer's own declaration, made before any confidential content is shown.
    conflict_declared_at = models.DateTimeField(_("conflict declaration made"), null=True, blank=True)
    has_conflict = models.BooleanField(_("has a conflict of interest"), default=False)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    # What the automatic check matched (the reviewer's affiliation against the applicant's names).
    detected_conflict = models.CharField(_("detected conflict"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "invited_at", "id"]
        constraints = [
            # One assignment per reviewer and case, ever: a reviewer who declined (or stepped aside
            # for a conflict) is never invited again to that case.
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_once_per_reviewer"),
            models.CheckConstraint(
                condition=~Q(state=A.DECLINED) | ~Q(decline_reason=""), name="assignment_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(state=A.SUBMITTED) | Q(submitted_at__isnull=False), name="assignment_submitted_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[A.ACCEPTED, A.SUBMITTED]) | Q(conflict_declared_at__isnull=False),
                name="assignment_accepted_after_declaration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} / {self.reviewer}"

    @property
    def is_open(self) -> bool:
        return self.state == A.ACCEPTED


class CriterionScore(models.Model):
    """A reviewer's verdict (gate) or score (merit) on one criterion, with the reason."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=GateVerdict.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["assignment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=4), name="score_0_to_4"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(verdict=""), name="score_either_verdict_or_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} / {self.criterion.code}"


class Moderation(models.Model):
    """The case officer's final value for a criterion on which the reviewers disagreed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moderations")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("moderated verdict"), max_length=10, choices=GateVerdict.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("moderated score"), null=True, blank=True)
    rationale = models.TextField(_("rationale"))
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")
        ordering = ["application", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="moderation_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=4), name="moderation_score_0_to_4"
            ),
            models.CheckConstraint(
                condition=(Q(score__isnull=True) & ~Q(verdict="")) | (Q(score__isnull=False) & Q(verdict="")),
                name="moderation_verdict_or_score",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="moderation_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.application} / {self.criterion.code}"


class Recommendation(models.Model):
    """The case officer's recommendation to the approver."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="recommendation")
    outcome = models.CharField(_("recommendation"), max_length=10, choices=Outcome.choices)
    summary = models.TextField(_("summary"))
    weighted_total = models.DecimalField(_("weighted total"), max_digits=7, decimal_places=2, null=True, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class Determination(models.Model):
    """HKCAAVQ's determination that the applicant is (or is not) competent: no appointment without it."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="determination")
    determined_on = models.DateField(_("date of determination"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=DeterminationOutcome.choices)
    report_reference = models.CharField(_("HKCAAVQ report reference"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("HKCAAVQ determination")
        verbose_name_plural = _("HKCAAVQ determinations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="determination_validity_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class Considerations(models.Model):
    """The matters Cap. 592 s.8(2) requires the Secretary to have regard to."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="considerations")
    industry_views = models.TextField(_("views of organisations representing the industry"))
    industry_characteristics = models.TextField(_("characteristics of the industry"))
    fee_policy = models.TextField(_("the agency's fee-charging policy"))
    other_matters = models.TextField(_("other matters"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("considerations")
        verbose_name_plural = _("considerations")

    def __str__(self) -> str:
        return str(self.application)


class Decision(models.Model):
    """The Secretary's decision: appoint with a term, conditions and collaborators, or reject."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    conditions = models.TextField(_("conditions or restrictions"), blank=True)
    term_reason = models.TextField(
        _("reason for a term beyond the determination"),
        blank=True,
        help_text=_("Why the term starts before HKCAAVQ's determination or outlasts its validity."),
    )
    collaborators = models.ManyToManyField(
        Organisation, verbose_name=_("collaborating bodies"), blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=Outcome.REJECT)
                | (Q(term_start__isnull=False) & Q(term_end__isnull=False) & Q(term_end__gte=F("term_start"))),
                name="decision_appointment_has_term",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class CaseReason(models.Model):
    """A reason tied to a criterion: why a case was found ineligible, or why it was rejected."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="case_reasons")
    kind = models.CharField(_("kind"), max_length=12, choices=ReasonKind.choices)
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reason"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["application", "kind", "criterion__order"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="case_reason_has_text")]

    def __str__(self) -> str:
        return f"{self.application} / {self.criterion.code}: {self.text[:40]}"
