"""Who may do what in review and decision. Views, templates and services ask these names."""

import re
import unicodedata

import rules

from accounts.rules import is_approver, is_case_officer, is_register_admin, is_reviewer

from .enums import AssignmentState

A = AssignmentState


def normalise_name(value: str) -> str:
    """Compare names by letters and digits only, case-folded, after Unicode compatibility folding."""
    folded = unicodedata.normalize("NFKC", value or "").casefold()
    folded = re.sub(r"\b(the|limited|ltd|company|co|inc|incorporated)\b", " ", folded)
    return "".join(ch for ch in folded if ch.isalnum())


def affiliation_keys(user) -> set[str]:
    return {key for line in (getattr(user, "affiliations", "") or "").splitlines() if (key := normalise_name(line))}


def applicant_name_keys(application) -> dict[str, str]:
    """Normalised key -> display name, for every name that makes a conflict with this applicant."""
    organisation = application.organisation
    names = [getattr(organisation, f"name_{lang}", "") for lang in ("en", "zh_hant", "zh_hans")]
    names.append(organisation.name)
    for body in application.proposed_collaborators.all():
        names += [getattr(body, f"name_{lang}", "") for lang in ("en", "zh_hant", "zh_hans")]
    names += [officer.name for officer in organisation.officers.all()]
    return {normalise_name(name): name for name in names if name and normalise_name(name)}


def detect_conflict(user, application) -> str:
    """The applicant-side name a user's declared affiliations match, or '' when none does."""
    keys = affiliation_keys(user)
    if not keys:
        return ""
    for key, name in applicant_name_keys(application).items():
        if key in keys:
            return name
    return ""


def _assignment_for(user, application):
    if not getattr(user, "is_authenticated", False) or application is None or application.pk is None:
        return None
    cache = getattr(user, "_qf_assignments", None)
    if cache is None:
        cache = {}
        user._qf_assignments = cache
    if application.pk not in cache:
        from .models import ReviewAssignment

        cache[application.pk] = (
            ReviewAssignment.objects.filter(application_id=application.pk, reviewer=user)
            .values("state", "has_conflict")
            .first()
        )
    return cache[application.pk]


@rules.predicate
def is_cleared_reviewer_of(user, application) -> bool:
    """An accepted (or submitted), conflict-free reviewer of this application."""
    row = _assignment_for(user, application)
    return bool(row) and row["state"] in (A.ACCEPTED, A.SUBMITTED) and not row["has_conflict"]


@rules.predicate
def is_submitted_reviewer_of(user, application) -> bool:
    row = _assignment_for(user, application)
    return bool(row) and row["state"] == A.SUBMITTED and not row["has_conflict"]


@rules.predicate
def is_any_reviewer_of(user, application) -> bool:
    return _assignment_for(user, application) is not None


@rules.predicate
def has_affiliation_conflict(user, application) -> bool:
    return application is not None and bool(detect_conflict(user, application))


@rules.predicate
def is_own_assignment(user, assignment) -> bool:
    return assignment is not None and assignment.reviewer_id == getattr(user, "pk", None)


@rules.predicate
def assignment_is_invited(user, assignment) -> bool:
    return assignment is not None and assignment.state == A.INVITED


@rules.predicate
def assignment_is_open(user, assignment) -> bool:
    return assignment is not None and assignment.state in (A.ACCEPTED, A.SUBMITTED) and not assignment.has_conflict


@rules.predicate
def assignment_is_accepted(user, assignment) -> bool:
    return assignment is not None and assignment.state == A.ACCEPTED and not assignment.has_conflict


is_staff_on_case = is_case_officer | is_approver

rules.add_perm("reviews.view_case_queue", is_case_officer)
rules.add_perm("reviews.view_case", is_staff_on_case)
rules.add_perm("reviews.assign_reviewers", is_case_officer)
rules.add_perm("reviews.moderate", is_case_officer)
rules.add_perm("reviews.view_reviewer_queue", is_reviewer)
rules.add_perm("reviews.view_approver_queue", is_approver)
# The approver deciding a case must not be one of its reviewers nor affiliated with the applicant.
rules.add_perm("reviews.decide_case", is_approver & ~is_any_reviewer_of & ~has_affiliation_conflict)
rules.add_perm("reviews.respond_assignment", is_own_assignment & assignment_is_invited)
rules.add_perm("reviews.view_assignment", is_own_assignment & assignment_is_open)
rules.add_perm("reviews.score_assignment", is_own_assignment & assignment_is_accepted)
# Other reviewers' scores: staff, or a reviewer whose own review is in.
rules.add_perm("reviews.view_all_reviews", is_staff_on_case | is_submitted_reviewer_of)


@rules.predicate
def case_is_decided_appointment(user, application) -> bool:
    from applications.enums import ApplicationState

    return application is not None and application.state == ApplicationState.APPOINTED


@rules.predicate
def case_is_submitted(user, application) -> bool:
    from applications.enums import ApplicationState

    return application is not None and application.state != ApplicationState.DRAFT


# The case file: every particular of a submitted case, read by the case officer, the approver and a
# cleared reviewer; the register administrator reads it once the case ends in an appointment.
rules.add_perm(
    "reviews.view_case_file",
    case_is_submitted & (is_staff_on_case | is_cleared_reviewer_of | (is_register_admin & case_is_decided_appointment)),
)
# One search over every case in every state (drafts are the applicant's alone).
rules.add_perm("reviews.search_cases", is_case_officer | is_approver | is_register_admin)
# Internal case notes: the bureau's staff on the case; never the applicant.
rules.add_perm("reviews.add_case_note", case_is_submitted & is_staff_on_case)
rules.add_perm("reviews.message_applicant", case_is_submitted & is_case_officer)
# Bureau staff and reviewers: people who work on cases, and never apply through this account.
rules.add_perm("reviews.works_on_cases", is_case_officer | is_approver | is_register_admin | is_reviewer)
