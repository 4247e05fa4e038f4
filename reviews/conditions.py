"""Conditions on the staff-side transitions of an application (django-fsm `conditions=`).

They take the application only and read the review tables lazily, so that applications.models
can name them without importing this app's models at import time.
"""

MIN_REVIEWS = 2


def evidence_complete(application) -> bool:
    """Every criterion of the application's criteria set has a narrative."""
    from applications.models import Evidence

    wanted = application.criteria_set.criteria.count()
    given = Evidence.objects.filter(application=application).exclude(narrative="").count()
    return wanted > 0 and given >= wanted


def reviews_complete(application) -> bool:
    """At least two reviews are submitted and no accepted reviewer is still scoring."""
    from .enums import AssignmentState
    from .models import ReviewAssignment

    states = list(
        ReviewAssignment.objects.filter(application=application, has_conflict=False).values_list("state", flat=True)
    )
    return states.count(AssignmentState.SUBMITTED) >= MIN_REVIEWS and AssignmentState.ACCEPTED not in states


def flags_moderated(application) -> bool:
    """Every criterion on which the reviewers disagree has a moderation."""
    from .selectors import case_scores

    return not case_scores(application=application).unmoderated_flags


def competence_determined(application) -> bool:
    """HKCAAVQ has determined the applicant competent, and the s.8(2) considerations are recorded."""
    from .enums import DeterminationOutcome
    from .models import Considerations, Determination

    return (
        Determination.objects.filter(application=application, outcome=DeterminationOutcome.COMPETENT).exists()
        and Considerations.objects.filter(application=application).exists()
    )


def considerations_recorded(application) -> bool:
    from .models import Considerations

    return Considerations.objects.filter(application=application).exists()
