from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CONFLICTED = "conflicted", _("Conflict of interest")
    SUBMITTED = "submitted", _("Review submitted")


# Assignments that still count towards the case: the reviewer has not stepped aside.
ACTIVE_ASSIGNMENT_STATES = [AssignmentState.INVITED, AssignmentState.ACCEPTED, AssignmentState.SUBMITTED]


class GateVerdict(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")


class Outcome(models.TextChoices):
    APPOINT = "appoint", _("Appoint")
    REJECT = "reject", _("Reject")


class DeterminationOutcome(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_COMPETENT = "not_competent", _("Not competent")


class ReasonKind(models.TextChoices):
    INELIGIBLE = "ineligible", _("Ineligible at screening")
    REJECTED = "rejected", _("Reason for rejection")
