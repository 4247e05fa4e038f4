from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    RETURNED = "returned", _("Information requested")
    INELIGIBLE = "ineligible", _("Ineligible")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOMMENDED = "recommended", _("Recommended")
    APPOINTED = "appointed", _("Appointed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which the applicant may still withdraw (before a decision).
WITHDRAWABLE = [
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.SCREENING,
    ApplicationState.RETURNED,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.RECOMMENDED,
]
FINAL_STATES = [
    ApplicationState.INELIGIBLE,
    ApplicationState.APPOINTED,
    ApplicationState.REJECTED,
    ApplicationState.WITHDRAWN,
]


class ApplicationKind(models.TextChoices):
    NEW = "new", _("New appointment")
    REAPPOINTMENT = "reappointment", _("Re-appointment")


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Pending scan")
    CLEAN = "clean", _("Clean")
    INFECTED = "infected", _("Rejected by the scanner")
