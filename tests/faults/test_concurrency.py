"""Concurrent submissions and approvals end in exact counts: one reference per application with no
gap or duplicate, and one appointment per case however many approvers press the button at once."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts.roles import APPROVER
from agencies.models import Appointment, AppointmentTerm
from applications.models import Application, ReferenceCounter
from applications.services import application_submit
from qfapp.exceptions import RuleViolation
from reviews import services as reviews
from reviews.models import Decision
from tests.factories import ApplicationFactory, UserFactory
from tests.reviews.conftest import TERM_END, TERM_START, due, record_determination, score_all

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 12
CASES = 4


def at_once(calls) -> list[str]:
    """Run every call on its own thread and database connection, released together; the outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            result = call()
        except RuleViolation as exc:
            result = f"refused: {exc.messages[0]}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == len(calls), "a thread did not finish"
    return outcomes


def test_concurrent_submissions_get_consecutive_distinct_references(reference, organisation, applicant):
    drafts = [
        ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True) for _ in range(SUBMISSIONS)
    ]

    def submit(pk):
        return lambda: (
            application_submit(
                application=Application.objects.get(pk=pk), actor=applicant, declaration_accepted=True
            ).reference
        )

    outcomes = at_once([submit(d.pk) for d in drafts])

    prefix = f"RPL-{timezone.localdate().year}"
    expected = [f"{prefix}-{n:04d}" for n in range(1, SUBMISSIONS + 1)]
    assert sorted(outcomes) == expected
    stored = sorted(Application.objects.filter(pk__in=[d.pk for d in drafts]).values_list("reference", flat=True))
    assert stored == expected
    assert set(Application.objects.filter(pk__in=[d.pk for d in drafts]).values_list("state", flat=True)) == {
        "submitted"
    }
    assert ReferenceCounter.objects.get(prefix=prefix).last == SUBMISSIONS


def test_the_same_draft_submitted_many_times_at_once_gets_one_reference(reference, organisation, applicant):
    draft = ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True)

    def submit():
        try:
            return application_submit(
                application=Application.objects.get(pk=draft.pk), actor=applicant, declaration_accepted=True
            ).reference
        except RuleViolation as exc:
            return f"refused: {exc.messages[0]}"

    outcomes = at_once([submit] * 6)

    prefix = f"RPL-{timezone.localdate().year}"
    assert sorted(outcomes) == [f"{prefix}-0001"] + ["refused: This application has already been submitted."] * 5
    assert Application.objects.get(pk=draft.pk).reference == f"{prefix}-0001"
    assert ReferenceCounter.objects.get(prefix=prefix).last == 1


def _decidable(organisation, case_officer, reviewer, second_reviewer, approver) -> Application:
    application = ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
    reviews.case_start_screening(application=application, actor=case_officer)
    application = reviews.case_send_to_review(application=application, actor=case_officer)
    for person in (reviewer, second_reviewer):
        assignment = reviews.assignment_invite(
            application=application, reviewer=person, due_on=due(), actor=case_officer
        )
        assignment = reviews.assignment_respond(assignment=assignment, actor=person, accept=True, has_conflict=False)
        score_all(assignment, person)
    reviews.case_recommend(application=application, actor=case_officer, outcome="appoint", summary="Meets all.")
    application = Application.objects.get(pk=application.pk)
    record_determination(application, approver)
    return application


def test_two_approvers_on_many_cases_at_once_make_exactly_one_appointment_each(
    reference, organisation, applicant, case_officer, reviewer, second_reviewer, approver
):
    second_approver = UserFactory(full_name="Approver Two", is_staff=True)
    second_approver.groups.add(Group.objects.get_or_create(name=APPROVER)[0])
    cases = [_decidable(organisation, case_officer, reviewer, second_reviewer, approver) for _ in range(CASES)]

    def appoint(pk, actor):
        def call():
            reviews.case_appoint(
                application=Application.objects.get(pk=pk),
                actor=actor,
                term_start=TERM_START,
                term_end=TERM_END,
                expected_state="recommended",
            )
            return "appointed"

        return call

    outcomes = at_once([appoint(c.pk, actor) for c in cases for actor in (approver, second_approver)])

    assert outcomes.count("appointed") == CASES
    assert sorted(set(outcomes) - {"appointed"}) == [
        "refused: This case has changed since the page was shown: it is now “Appointed”. Nothing was "
        "changed; look at the case again."
    ]
    assert Appointment.objects.count() == CASES
    assert AppointmentTerm.objects.count() == CASES
    assert Decision.objects.count() == CASES
    for case in cases:
        case = Application.objects.get(pk=case.pk)
        assert case.state == "appointed"
        assert case.appointment.terms.get().start == TERM_START
    assert len({Application.objects.get(pk=c.pk).appointment_id for c in cases}) == CASES
