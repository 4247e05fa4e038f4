"""Read-only views of review records for support; every change goes through the services."""

from django.contrib import admin

from qfapp.admin_readonly import ReadOnlyAdminMixin

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


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "reviewer", "state", "due_on", "has_conflict", "submitted_at")
    list_filter = ("state", "has_conflict")
    search_fields = ("application__reference", "reviewer__email", "reviewer__full_name")
    list_select_related = ("application", "reviewer")


@admin.register(CriterionScore)
class CriterionScoreAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "criterion", "verdict", "score")
    list_select_related = ("assignment__application", "assignment__reviewer", "criterion")


@admin.register(Moderation)
class ModerationAdmin(ReadOnlyAdmin):
    list_display = ("application", "criterion", "verdict", "score", "moderated_by")
    list_select_related = ("application", "criterion", "moderated_by")


@admin.register(Determination)
class DeterminationAdmin(ReadOnlyAdmin):
    list_display = ("application", "determined_on", "outcome", "valid_until")
    list_select_related = ("application",)


@admin.register(Considerations)
class ConsiderationsAdmin(ReadOnlyAdmin):
    list_display = ("application", "recorded_by", "recorded_at")
    list_select_related = ("application", "recorded_by")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("application", "outcome", "term_start", "term_end", "decided_by", "decided_at")
    list_select_related = ("application", "decided_by")


@admin.register(CaseReason)
class CaseReasonAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "criterion", "author")
    list_select_related = ("application", "criterion", "author")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("application", "outcome", "weighted_total", "recommended_by", "recommended_at")
    list_select_related = ("application", "recommended_by")
