"""Conditions on the staff-side transitions of an application (django-fsm `conditions=`).

They take the application only. `register()` (called from ReviewsConfig.ready) hands them to
applications.conditions, so that applications.models never imports this app.
"""

MIN_REVIEWS = 2


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


def failed_gates(application) -> list:
    """The gate criteria whose effective verdict (moderated, or else unanimous) is not "met": a gate
    not met, or one the reviewers have not settled, blocks a recommendation to appoint and the
    appointment."""
    from .enums import GateVerdict
    from .selectors import case_scores

    scores = case_scores(application=application)
    return [row.criterion for row in scores.rows if row.criterion.is_gate and row.effective_verdict != GateVerdict.MET]


def gates_met(application) -> bool:
    """Every gate criterion is met."""
    return not failed_gates(application)


def determination_problem(application, on) -> str:
    """Why HKCAAVQ's determination does not allow an appointment decided on the date `on`, or "".

    It must exist, say competent, have been made on or before `on`, and be valid on `on` (its
    validity runs from `valid_from`, or else the determination date, to `valid_until` if given)."""
    from django.utils.translation import gettext as _

    from .enums import DeterminationOutcome
    from .models import Determination

    determination = Determination.objects.filter(application=application).first()
    if determination is None:
        return _("Record HKCAAVQ's determination that the applicant is competent first.")
    if determination.outcome != DeterminationOutcome.COMPETENT:
        return _("HKCAAVQ did not determine the applicant competent: the applicant cannot be appointed.")
    starts = determination.valid_from or determination.determined_on
    if determination.determined_on > on or starts > on:
        return _("HKCAAVQ's determination is not yet valid on the date of the decision.")
    if determination.valid_until and determination.valid_until < on:
        return _("HKCAAVQ's determination expired on %(date)s: it no longer supports an appointment.") % {
            "date": determination.valid_until.strftime("%-d.%-m.%Y")
        }
    return ""


def term_outside_determination(application, start, end) -> list[str]:
    """How a proposed term [start, end] goes beyond HKCAAVQ's determination: it starts before the
    determination or outlasts its validity. Each needs an explicit, recorded reason."""
    from django.utils.translation import gettext as _

    from .models import Determination

    determination = Determination.objects.filter(application=application).first()
    if determination is None:
        return []
    problems = []
    starts = determination.valid_from or determination.determined_on
    if start < starts:
        problems.append(
            _("The term starts on %(start)s, before HKCAAVQ's determination (%(from)s).")
            % {"start": start.strftime("%-d.%-m.%Y"), "from": starts.strftime("%-d.%-m.%Y")}
        )
    if determination.valid_until and end > determination.valid_until:
        problems.append(
            _("The term ends on %(end)s, after HKCAAVQ's determination ceases to be valid (%(until)s).")
            % {"end": end.strftime("%-d.%-m.%Y"), "until": determination.valid_until.strftime("%-d.%-m.%Y")}
        )
    return problems


def appointment_blockers(application, on) -> list[str]:
    """What stops an appointment decided on the date `on`, beyond the recorded determination and
    considerations: a determination that is not competent or not valid on that date, and gate
    criteria not met. Shown to the approver on the case and refused by case_appoint."""
    from django.utils.translation import gettext as _

    blockers = []
    problem = determination_problem(application, on)
    if problem:
        blockers.append(problem)
    failed = failed_gates(application)
    if failed:
        blockers.append(
            _(
                "Gate criteria not met: %(codes)s. The applicant cannot be appointed: reject the application, or "
                "the case officer returns it for information so that the applicant can cure it and the reviewers "
                "reassess."
            )
            % {"codes": ", ".join(c.code for c in failed)}
        )
    return blockers


def competence_determined(application) -> bool:
    """HKCAAVQ has determined the applicant competent, valid today, and the s.8(2) considerations are
    recorded."""
    from django.utils import timezone

    from .models import Considerations

    return (
        not determination_problem(application, timezone.localdate())
        and Considerations.objects.filter(application=application).exists()
    )


def considerations_recorded(application) -> bool:
    from .models import Considerations

    return Considerations.objects.filter(application=application).exists()


def register() -> None:
    """Register these conditions on the application's transitions."""
    from applications import conditions

    conditions.register("recommend", reviews_complete, flags_moderated)
    conditions.register("appoint", competence_determined, gates_met)
    conditions.register("reject", considerations_recorded)
