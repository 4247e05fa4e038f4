"""Decisions that hold on every path (issue 12, items 1, 2, 5, 6): gates, the determination's
validity, actors on every service that changes a decision or the register, and who holds which power."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.system import system_actor
from agencies import services as agency_services
from agencies.models import Appointment
from applications import services as applicant_services
from applications.models import Application
from audit.models import AuditEntry
from qfapp.exceptions import RuleViolation
from reviews import services
from reviews.enums import AssignmentState, DeterminationOutcome
from reviews.models import Decision, Determination, Moderation, ReviewAssignment

from .conftest import TERM_END, TERM_START, criteria, due, record_determination, score_all


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def gate_split(accepted, reviewer, second_reviewer, review_case):
    """Gate 3 (non-profit basis): one reviewer says met, the other not met."""
    score_all(accepted[0], reviewer)
    score_all(accepted[1], second_reviewer, gates={"3": "not_met"})
    return review_case


@pytest.fixture
def gate_failed(gate_split, case_officer):
    """Gate 3 moderated to "not met" by the case officer."""
    services.moderation_save(
        application=gate_split,
        criterion_id=criteria(gate_split)["3"].pk,
        actor=case_officer,
        verdict="not_met",
        rationale="Distributes surpluses to its members.",
    )
    return gate_split


# -- item 1: a gate not met ----------------------------------------------------------------------
def test_a_failed_gate_blocks_the_recommendation_to_appoint(gate_failed, case_officer):
    with pytest.raises(RuleViolation) as exc:
        services.case_recommend(application=gate_failed, actor=case_officer, outcome="appoint", summary="Fine.")
    assert "Gate criteria not met: 3." in exc.value.messages[0]
    assert state_of(gate_failed) == "under_review"
    assert AuditEntry.objects.filter(action="applications.application.recommended", outcome="refused").count() == 1


def test_a_failed_gate_allows_a_recommendation_to_reject(gate_failed, case_officer):
    services.case_recommend(application=gate_failed, actor=case_officer, outcome="reject", summary="Gate 3 fails.")
    assert state_of(gate_failed) == "recommended"


def test_a_failed_gate_blocks_the_appointment_even_when_recommended(gate_failed, case_officer, approver):
    services.case_recommend(application=gate_failed, actor=case_officer, outcome="reject", summary="Gate 3 fails.")
    record_determination(gate_failed, approver)
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=gate_failed, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert "Gate criteria not met: 3." in exc.value.messages[0]
    assert state_of(gate_failed) == "recommended"
    assert not Appointment.objects.exists()
    assert not Decision.objects.exists()
    # Rejection remains the way forward.
    c = criteria(gate_failed)
    services.case_reject(application=gate_failed, actor=approver, reasons=[(c["3"].pk, "Not non-profit.")])
    assert state_of(gate_failed) == "rejected"


def test_the_appoint_transition_itself_requires_every_gate_met(gate_failed, case_officer, approver):
    from django_fsm import can_proceed

    services.case_recommend(application=gate_failed, actor=case_officer, outcome="reject", summary="Gate 3 fails.")
    record_determination(gate_failed, approver)
    assert can_proceed(Application.objects.get(pk=gate_failed.pk).appoint) is False


def test_a_returned_case_goes_back_to_its_reviewers_to_reassess(gate_failed, case_officer, applicant, reviewer):
    c = criteria(gate_failed)
    info = services.case_return_for_information(
        application=gate_failed,
        actor=case_officer,
        items=[(c["3"].pk, "Show that surpluses are not distributed.")],
        reply_by=due(10),
    )
    applicant_services.information_request_respond(
        information_request=info, response="Our articles forbid distribution.", actor=applicant
    )
    applicant_services.application_resubmit(application=gate_failed, actor=applicant, declaration_accepted=True)
    services.case_start_screening(application=gate_failed, actor=case_officer)
    services.case_send_to_review(application=gate_failed, actor=case_officer)
    states = set(ReviewAssignment.objects.filter(application=gate_failed).values_list("state", flat=True))
    assert states == {AssignmentState.ACCEPTED}
    assert not Moderation.objects.filter(application=gate_failed).exists()
    assert AuditEntry.objects.filter(action="reviews.assignment.reopened").count() == 2
    # A reviewer reassesses: the gate can now be met.
    assignment = ReviewAssignment.objects.get(application=gate_failed, reviewer=reviewer)
    score_all(assignment, reviewer)
    assert ReviewAssignment.objects.get(pk=assignment.pk).state == AssignmentState.SUBMITTED


def test_the_recommend_page_shows_the_gate_refusal(client, gate_failed, case_officer):
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:case_action", args=[gate_failed.pk, "recommend"]),
        {"outcome": "appoint", "summary": "Fine.", "expected_state": "under_review"},
        follow=True,
    )
    assert any("Gate criteria not met: 3." in m for m in messages_of(response))
    assert state_of(gate_failed) == "under_review"


# -- item 2: the determination must be competent and valid on the decision date -------------------
def test_an_expired_determination_does_not_allow_an_appointment(recommended_case, approver):
    today = timezone.localdate()
    record_determination(recommended_case, approver, determined_on=today - timedelta(days=400))
    Determination.objects.filter(application=recommended_case).update(valid_until=today - timedelta(days=30))
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(
            application=recommended_case, actor=approver, term_start=today, term_end=today + timedelta(days=365)
        )
    assert "expired" in exc.value.messages[0]
    assert state_of(recommended_case) == "recommended"
    assert not Appointment.objects.exists()


def test_a_determination_that_is_not_competent_does_not_allow_an_appointment(recommended_case, approver):
    record_determination(recommended_case, approver)
    Determination.objects.filter(application=recommended_case).update(outcome=DeterminationOutcome.NOT_COMPETENT)
    with pytest.raises(RuleViolation):
        services.case_appoint(application=recommended_case, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert state_of(recommended_case) == "recommended"


def test_a_determination_dated_in_the_future_is_refused(recommended_case, approver):
    with pytest.raises(RuleViolation, match="cannot be in the future"):
        record_determination(recommended_case, approver, determined_on=timezone.localdate() + timedelta(days=1))


def test_a_term_outlasting_the_determination_needs_a_recorded_reason(recommended_case, approver):
    record_determination(recommended_case, approver, valid_until=TERM_END - timedelta(days=100))
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=recommended_case, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert any("after HKCAAVQ's determination ceases to be valid" in m for m in exc.value.messages)
    assert state_of(recommended_case) == "recommended"
    decision = services.case_appoint(
        application=recommended_case,
        actor=approver,
        term_start=TERM_START,
        term_end=TERM_END,
        term_reason="HKCAAVQ's renewal is under way; condition 2 requires it before 2031.",
    )
    assert decision.term_reason.startswith("HKCAAVQ's renewal")
    entry = AuditEntry.objects.get(action="applications.application.appointed", outcome="done")
    assert entry.data["term_reason"] == decision.term_reason


def test_a_term_starting_before_the_determination_needs_a_recorded_reason(recommended_case, approver):
    record_determination(recommended_case, approver)
    determined = Determination.objects.get(application=recommended_case).determined_on
    with pytest.raises(RuleViolation, match="before HKCAAVQ's determination"):
        services.case_appoint(
            application=recommended_case,
            actor=approver,
            term_start=determined - timedelta(days=10),
            term_end=determined + timedelta(days=365),
        )


def test_the_approver_sees_the_warning_before_confirming(client, recommended_case, approver):
    record_determination(recommended_case, approver, valid_until=TERM_END - timedelta(days=100))
    client.force_login(approver)
    url = reverse("reviews:case_action", args=[recommended_case.pk, "appoint"])
    data = {
        "expected_state": "recommended",
        "apt-term_start": TERM_START.isoformat(),
        "apt-term_end": TERM_END.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Before you confirm: this term goes beyond HKCAAVQ's determination." in html
    assert "after HKCAAVQ&#x27;s determination ceases to be valid" in html
    assert state_of(recommended_case) == "recommended"
    response = client.post(url, {**data, "apt-term_reason": "Renewal under way."}, follow=True)
    assert messages_of(response) == ["Appointed. The register administrator will publish the appointment."]
    assert Decision.objects.get(application=recommended_case).term_reason == "Renewal under way."


def test_the_case_page_warns_the_approver_of_an_expired_determination(client, recommended_case, approver):
    today = timezone.localdate()
    record_determination(recommended_case, approver, determined_on=today - timedelta(days=400))
    Determination.objects.filter(application=recommended_case).update(valid_until=today - timedelta(days=30))
    client.force_login(approver)
    html = client.get(reverse("reviews:case", args=[recommended_case.pk])).content.decode()
    assert "it no longer supports an appointment" in html


# -- item 5: services require an actor and check it -----------------------------------------------
@pytest.fixture
def appointment(organisation, rpl_scheme):
    from tests.factories import IndustryFactory

    return agency_services.appointment_create(
        agency=organisation,
        scheme=rpl_scheme,
        industry=IndustryFactory(),
        start=TERM_START,
        end=TERM_END,
        actor=system_actor(),
    )


@pytest.mark.parametrize("service", ["appointment_create", "appointment_reappoint", "appointment_publish"])
def test_a_register_service_without_an_actor_is_a_type_error(service):
    import inspect

    parameter = inspect.signature(getattr(agency_services, service)).parameters["actor"]
    assert parameter.default is inspect.Parameter.empty


def test_create_and_reappoint_refuse_anyone_but_an_approver_or_the_system(
    organisation, rpl_scheme, appointment, applicant, case_officer, register_admin
):
    from tests.factories import IndustryFactory

    for actor in (None, applicant, case_officer, register_admin):
        with pytest.raises(RuleViolation):
            agency_services.appointment_create(
                agency=organisation,
                scheme=rpl_scheme,
                industry=IndustryFactory(),
                start=TERM_START,
                end=TERM_END,
                actor=actor,
            )
        with pytest.raises(RuleViolation):
            agency_services.appointment_reappoint(
                appointment=appointment,
                start=TERM_END + timedelta(days=1),
                end=TERM_END + timedelta(days=1800),
                actor=actor,
                decided_on=TERM_START,
            )
    assert Appointment.objects.count() == 1
    assert appointment.terms.count() == 1


def test_publish_refuses_anyone_but_a_register_admin_or_the_system(appointment, applicant, approver, register_admin):
    for actor in (None, applicant, approver):
        with pytest.raises(RuleViolation):
            agency_services.appointment_publish(appointment=appointment, actor=actor)
    assert not Appointment.objects.get(pk=appointment.pk).is_published
    agency_services.appointment_publish(appointment=appointment, actor=register_admin)
    entry = AuditEntry.objects.get(action="agencies.appointment.published", outcome="done")
    assert (entry.actor, entry.actor_role) == (register_admin, "register_admins")


def test_the_system_actor_is_named_in_the_audit_trail(appointment):
    entry = AuditEntry.objects.get(action="agencies.appointment.created")
    assert entry.actor == system_actor()
    assert entry.actor_role == "system"


def test_the_system_actor_cannot_sign_in(db):
    assert not system_actor().has_usable_password()


# -- item 6: who holds which power ----------------------------------------------------------------
def test_the_approver_varies_the_conditions_with_grounds_and_an_effective_date(appointment, approver):
    effective = TERM_START + timedelta(days=30)
    agency_services.appointment_vary(
        appointment=appointment,
        conditions={"en": "Assess in Cantonese.", "zh-hant": "以粵語評估。", "zh-hans": "以粤语评估。"},
        grounds="The industry works in Cantonese.",
        effective=effective,
        actor=approver,
    )
    entry = AuditEntry.objects.get(action="agencies.appointment.varied", outcome="done")
    assert (entry.actor, entry.note, entry.data["effective"]) == (
        approver,
        "The industry works in Cantonese.",
        effective.isoformat(),
    )


def test_a_variation_needs_grounds(appointment, approver):
    with pytest.raises(RuleViolation, match="grounds of the variation"):
        agency_services.appointment_vary(appointment=appointment, conditions={"en": "x"}, actor=approver)


def test_the_approver_cancels_and_the_register_admin_may_not(appointment, approver, register_admin):
    effective = TERM_START + timedelta(days=30)
    with pytest.raises(RuleViolation, match="Only an approver"):
        agency_services.appointment_cancel(
            appointment=appointment, effective=effective, grounds="Ceased trading.", actor=register_admin
        )
    with pytest.raises(RuleViolation, match="Only an approver"):
        agency_services.appointment_vary(
            appointment=appointment, conditions={"en": "x"}, grounds="y", actor=register_admin
        )
    agency_services.appointment_cancel(
        appointment=appointment, effective=effective, grounds="Ceased trading.", actor=approver
    )
    assert Appointment.objects.get(pk=appointment.pk).cancelled_on == effective


def test_the_approver_cancels_through_the_management_page(client, appointment, approver, register_admin):
    effective = TERM_START + timedelta(days=30)
    client.force_login(approver)
    page = client.get(reverse("agencies:manage_detail", args=[appointment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("agencies:manage_cancel", args=[appointment.pk]) in html
    assert reverse("agencies:manage_publish", args=[appointment.pk]) not in html
    response = client.post(
        reverse("agencies:manage_cancel", args=[appointment.pk]),
        {"effective": effective.isoformat(), "grounds": "Ceased trading."},
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).cancelled_on == effective
    client.force_login(register_admin)
    html = client.get(reverse("agencies:manage_detail", args=[appointment.pk])).content.decode()
    assert reverse("agencies:manage_cancel", args=[appointment.pk]) not in html
    assert "Ceased trading." in html


def test_the_case_shows_each_decisions_author(client, decidable_case, approver, case_officer, register_admin):
    decision = services.case_appoint(
        application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END
    )
    agency_services.appointment_publish(appointment=decision.application.appointment, actor=register_admin)
    client.force_login(case_officer)
    html = client.get(reverse("reviews:case", args=[decidable_case.pk])).content.decode()
    section = html[html.index('id="authors-h"') :]
    assert "Recommendation" in section and case_officer.display_name in section
    assert "Decision" in section and approver.display_name in section
    assert register_admin.display_name in section


def test_a_past_appointment_is_recorded_by_the_register_admin_not_decided(organisation, rpl_scheme, register_admin):
    from tests.factories import IndustryFactory

    industry = IndustryFactory()
    past = dict(agency=organisation, scheme=rpl_scheme, industry=industry, start=TERM_START, end=TERM_END)
    with pytest.raises(RuleViolation, match="date of its decision"):
        agency_services.appointment_create(
            **past, actor=register_admin, past_record=True, decided_on=timezone.localdate() + timedelta(days=1)
        )
    recorded = agency_services.appointment_create(
        **past, actor=register_admin, past_record=True, decided_on=timezone.localdate() - timedelta(days=400)
    )
    term = recorded.terms.get()
    assert term.decided_by is None
    entry = AuditEntry.objects.get(action="agencies.appointment.created", outcome="done")
    assert (entry.actor, entry.data["recorded"]) == (register_admin, True)
