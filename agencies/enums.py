from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeCode(models.TextChoices):
    RPL = "rpl", _("Recognition of Prior Learning")
    PQ = "pq", _("Professional qualifications")


class CriterionKind(models.TextChoices):
    GATE = "gate", _("Gate (met / not met)")
    MERIT = "merit", _("Merit (scored 0-4)")


class EvidenceRequirement(models.TextChoices):
    """What an application must give against a criterion to be complete."""

    NARRATIVE = "narrative", _("A narrative")
    DOCUMENT = "document", _("At least one document")
    BOTH = "both", _("A narrative and at least one document")


class EntityType(models.TextChoices):
    COMPANY = "company", _("Company")
    STATUTORY_BODY = "statutory_body", _("Statutory body")
    GOVERNMENT = "government", _("Government department")
    SOCIETY = "society", _("Society")
    TRUST = "trust", _("Trust")
    EDUCATION = "education", _("Post-secondary institution")
    OTHER = "other", _("Other")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class TermKind(models.TextChoices):
    FIRST = "first", _("First appointment")
    REAPPOINTMENT = "reappointment", _("Re-appointment")


class RegisterStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    UPCOMING = "upcoming", _("Upcoming")
    # Between two terms: the last one has ended and the next has not begun.
    LAPSED = "lapsed", _("Lapsed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class RegisterEventKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    REAPPOINTED = "reappointed", _("Re-appointed")
    VARIED = "varied", _("Conditions varied")
    CANCELLED = "cancelled", _("Cancelled")
    UNPUBLISHED = "unpublished", _("Unpublished")
