"""What must hold in the database whatever was posted: checked after every fuzzed request."""

from django.apps import apps
from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Length
from django_fsm import FSMField

from agencies.enums import MemberRole
from agencies.models import Appointment, AppointmentTerm, OrganisationMembership
from applications.enums import ApplicationKind, ApplicationState
from applications.models import (
    Application,
    Document,
    Evidence,
    OrganisationInvitation,
    ProposedQualification,
)
from applications.services.applications import NARRATIVE_MAX_CHARS
from reviews.enums import AssignmentState, GateVerdict, Outcome
from reviews.models import CriterionScore, Decision, Determination, Moderation, ReviewAssignment


def _none(queryset, what: str) -> None:
    rows = list(queryset[:3])
    assert rows == [], f"{what}: {rows}"


def check_invariants(touched=()) -> None:
    """Every state an enum value, every score in range, every criterion in its application's set, every
    term ending on or after it starts, and every row of the `touched` models passing full_clean()."""
    _none(Application.objects.exclude(state__in=ApplicationState.values), "application in an unknown state")
    _none(Application.objects.exclude(kind__in=ApplicationKind.values), "application of an unknown kind")
    _none(
        Application.objects.exclude(state=ApplicationState.DRAFT).filter(reference__isnull=True),
        "submitted without a reference",
    )
    _none(Application.objects.filter(scheme__code="rpl", industry__isnull=True), "RPL application without industry")
    _none(
        Evidence.objects.exclude(criterion__criteria_set=F("application__criteria_set")),
        "evidence for a criterion outside the application's set",
    )
    _none(
        Document.criteria.through.objects.exclude(criterion__criteria_set=F("document__application__criteria_set")),
        "document tied to a criterion outside the application's set",
    )
    _none(
        ProposedQualification.objects.filter(Q(proposed_level__lt=1) | Q(proposed_level__gt=7) | Q(title="")),
        "qualification outside QF levels 1-7 or without a title",
    )
    _none(ReviewAssignment.objects.exclude(state__in=AssignmentState.values), "assignment in an unknown state")
    _none(CriterionScore.objects.filter(Q(score__lt=0) | Q(score__gt=4)), "score outside 0-4")
    _none(CriterionScore.objects.exclude(verdict__in=["", *GateVerdict.values]), "unknown verdict")
    _none(
        CriterionScore.objects.exclude(criterion__criteria_set=F("assignment__application__criteria_set")),
        "score for a criterion outside the application's set",
    )
    _none(CriterionScore.objects.filter(criterion__kind="gate", score__isnull=False), "a gate given a score")
    _none(CriterionScore.objects.filter(criterion__kind="merit").exclude(verdict=""), "a merit given a verdict")
    _none(
        CriterionScore.objects.filter(document__isnull=False).exclude(
            document__application=F("assignment__application")
        ),
        "a score citing another application's document",
    )
    _none(Moderation.objects.filter(Q(score__lt=0) | Q(score__gt=4)), "moderated score outside 0-4")
    _none(
        Moderation.objects.exclude(criterion__criteria_set=F("application__criteria_set")),
        "moderation of a criterion outside the application's set",
    )
    _none(AppointmentTerm.objects.filter(end__lt=F("start")), "term ending before it starts")
    _none(
        Decision.objects.filter(outcome=Outcome.APPOINT).filter(
            Q(term_start__isnull=True) | Q(term_end__isnull=True) | Q(term_end__lt=F("term_start"))
        ),
        "appointment decision without a sound term",
    )
    _none(Determination.objects.filter(valid_until__lt=F("valid_from")), "determination valid until before from")
    _none(Appointment.objects.filter(current_end__lt=F("first_start")), "appointment ending before it starts")
    _none(OrganisationMembership.objects.exclude(role__in=MemberRole.values), "membership of an unknown role")
    _none(OrganisationInvitation.objects.exclude(role__in=MemberRole.values), "invitation of an unknown role")
    _none(
        Evidence.objects.annotate(length=Length("narrative")).filter(length__gt=NARRATIVE_MAX_CHARS),
        "narrative over the limit",
    )
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    _none(
        user_model.objects.exclude(preferred_language__in=[code for code, _name in settings.LANGUAGES]),
        "user with an unknown language",
    )
    _none(user_model.objects.exclude(notification_delivery__in=user_model.Delivery.values), "unknown e-mail delivery")
    for model in touched:
        # A protected state field refuses even full_clean's re-assignment; states are checked above.
        protected = [f.name for f in model._meta.fields if isinstance(f, FSMField)]
        for row in model.objects.all():
            row.full_clean(exclude=protected, validate_unique=False, validate_constraints=False)
