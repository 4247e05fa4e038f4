"""Cases at each stage of review, built through the services under test."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.models import Application
from reviews import services
from reviews.enums import DeterminationOutcome
from tests.factories import ApplicationFactory

TERM_START = date(2027, 4, 1)
TERM_END = date(2032, 3, 31)


def due(days: int = 14) -> date:
    return timezone.localdate() + timedelta(days=days)


def criteria(application) -> dict[str, object]:
    return {c.code: c for c in application.criteria_set.criteria.all()}


def score_all(assignment, actor, merit: dict[str, int] | None = None, gates: dict[str, str] | None = None):
    """Score every criterion (merit 3 and gates met unless given) and submit."""
    merit = merit or {}
    gates = gates or {}
    entries = {}
    for code, criterion in criteria(assignment.application).items():
        if criterion.is_gate:
            entries[criterion.pk] = {"verdict": gates.get(code, "met"), "reason": f"Gate {code} checked."}
        else:
            entries[criterion.pk] = {"score": merit.get(code, 3), "reason": f"Scored {code}."}
    services.scores_save(assignment=assignment, actor=actor, entries=entries)
    return services.review_submit(assignment=assignment, actor=actor)


@pytest.fixture
def submitted_case(reference, organisation, applicant):
    return ApplicationFactory(state="submitted", evidence=True, organisation=organisation)


@pytest.fixture
def screening_case(submitted_case, case_officer):
    return services.case_start_screening(application=submitted_case, actor=case_officer)


@pytest.fixture
def review_case(screening_case, case_officer):
    return services.case_send_to_review(application=screening_case, actor=case_officer)


@pytest.fixture
def accepted(review_case, case_officer, reviewer, second_reviewer):
    """Two accepted reviewers on a case under review."""
    result = []
    for person in (reviewer, second_reviewer):
        assignment = services.assignment_invite(
            application=review_case, reviewer=person, due_on=due(), actor=case_officer
        )
        result.append(services.assignment_respond(assignment=assignment, actor=person, accept=True, has_conflict=False))
    return result


@pytest.fixture
def reviewed_case(accepted, reviewer, second_reviewer, review_case):
    score_all(accepted[0], reviewer)
    score_all(accepted[1], second_reviewer)
    return review_case


@pytest.fixture
def recommended_case(reviewed_case, case_officer):
    services.case_recommend(
        application=reviewed_case, actor=case_officer, outcome="appoint", summary="Meets every criterion."
    )
    return Application.objects.get(pk=reviewed_case.pk)


def record_determination(application, approver, *, determined_on=None, valid_until=None):
    """A competent determination made a month ago and valid beyond the term (unless told otherwise)."""
    determined_on = determined_on or timezone.localdate() - timedelta(days=30)
    services.determination_record(
        application=application,
        actor=approver,
        determined_on=determined_on,
        outcome=DeterminationOutcome.COMPETENT,
        report_reference="HKCAAVQ/AA/2026/001",
        valid_from=determined_on,
        valid_until=valid_until or TERM_END + timedelta(days=365),
        conditions="",
    )
    services.considerations_record(
        application=application,
        actor=approver,
        industry_views="The industry's associations support the applicant.",
        industry_characteristics="Small and medium enterprises; shift work.",
        fee_policy="Cost recovery only.",
        other_matters="",
    )


@pytest.fixture
def decidable_case(recommended_case, approver):
    record_determination(recommended_case, approver)
    return recommended_case


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request in another language leaves it active in the thread."""
    from django.utils import translation

    with translation.override("en"):
        yield
