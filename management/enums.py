from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState

S = ApplicationState


class Stage(models.TextChoices):
    """The bureau's steps that carry a service target, in the order a case passes them."""

    SCREENING = "screening", _("Screening")
    REVIEW = "review", _("Review")
    DECISION = "decision", _("Decision")
    PUBLICATION = "publication", _("Publication")


# The application states each stage covers, and the state whose (latest) entry starts the stage's
# clock. Screening runs from submission (waiting to be taken counts) to the end of screening; the
# clock stops while the applicant holds the case (returned) and restarts at resubmission.
STAGE_STATES = {
    Stage.SCREENING: [S.SUBMITTED, S.SCREENING],
    Stage.REVIEW: [S.UNDER_REVIEW],
    Stage.DECISION: [S.RECOMMENDED],
}
STAGE_ENTRY = {Stage.SCREENING: S.SUBMITTED, Stage.REVIEW: S.UNDER_REVIEW, Stage.DECISION: S.RECOMMENDED}
STATE_STAGE = {state: stage for stage, states in STAGE_STATES.items() for state in states}

# Default targets in working days (the bureau changes them in the admin).
DEFAULT_TARGETS = {Stage.SCREENING: (10, 2), Stage.REVIEW: (30, 5), Stage.DECISION: (15, 3), Stage.PUBLICATION: (5, 1)}


class TargetStatus(models.TextChoices):
    WITHIN = "within", _("Within target")
    NEAR = "near", _("Near target")
    OVER = "over", _("Over target")


class DayKind(models.TextChoices):
    WORKING = "working", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Public holiday")


class ClosureKind(models.TextChoices):
    TYPHOON = "typhoon", _("Tropical cyclone signal No. 8 or above")
    RAINSTORM = "rainstorm", _("Black rainstorm warning")
    OTHER = "other", _("Other closure")


# The open states shown on the dashboard, in the order a case passes them.
OPEN_STATES = [S.SUBMITTED, S.SCREENING, S.RETURNED, S.UNDER_REVIEW, S.RECOMMENDED]
DECIDED_STATES = [S.APPOINTED, S.REJECTED, S.INELIGIBLE, S.WITHDRAWN]
