from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.roles import APPROVER
from accounts.system import system_actor
from agencies.enums import TermKind
from agencies.models import Appointment
from applications.enums import ApplicationKind
from applications.models import Application, InformationRequest
from audit.models import AuditEntry
from notifications import events
from notifications.models import Message
from qfapp.exceptions import RuleViolation
from reviews import services
from reviews.enums import AssignmentState, ReasonKind
from reviews.models import CaseReason, CriterionScore, Decision, ReviewAssignment
from tests.factories import OrganisationFactory

from .conftest import TERM_END, TERM_START, criteria, due, record_determination, score_all


def state_of(application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=application.pk)


def refusals(application, action):
    return AuditEntry.objects.filter(
        object_type="applications.application", object_id=str(application.pk), action=action, outcome="refused"
    )


def done(application, action):
    return AuditEntry.objects.filter(
        object_type="applications.application", object_id=str(application.pk), action=action, outcome="done"
    )


# -- screening --------------------------------------------------------------------------------
def test_start_screening_moves_submitted_to_screening_and_audits(submitted_case, case_officer):
    services.case_start_screening(application=submitted_case, actor=case_officer)
    assert state_of(submitted_case) == "screening"
    entry = done(submitted_case, "applications.application.screening_started").get()
    assert (entry.from_state, entry.to_state, entry.actor, entry.actor_role) == (
        "submitted",
        "screening",
        case_officer,
        "case_officers",
    )


def test_start_screening_refused_for_a_reviewer_and_audited(submitted_case, reviewer):
    with pytest.raises(RuleViolation) as exc:
        services.case_start_screening(application=submitted_case, actor=reviewer)
    assert exc.value.messages == ["You are not allowed to do this on this case."]
    assert state_of(submitted_case) == "submitted"
    assert refusals(submitted_case, "applications.application.screening_started").count() == 1


def test_start_screening_refused_from_the_wrong_state(screening_case, case_officer):
    with pytest.raises(RuleViolation) as exc:
        services.case_start_screening(application=screening_case, actor=case_officer)
    assert exc.value.messages == ["This action is not possible while the case is “Screening”."]
    assert state_of(screening_case) == "screening"
    assert refusals(screening_case, "applications.application.screening_started").count() == 1


def test_stale_page_is_refused_and_nothing_changes(screening_case, case_officer):
    with pytest.raises(RuleViolation) as exc:
        services.case_send_to_review(application=screening_case, actor=case_officer, expected_state="submitted")
    assert "it is now “Screening”" in exc.value.messages[0]
    assert state_of(screening_case) == "screening"
    assert refusals(screening_case, "applications.application.sent_to_review").get().from_state == "screening"


def test_return_for_information_records_items_and_notifies_members(screening_case, case_officer, applicant):
    c = criteria(screening_case)
    info = services.case_return_for_information(
        application=screening_case,
        actor=case_officer,
        items=[(c["5"].pk, "Trade test records for 2024-2025."), (c["7"].pk, "Audited accounts.")],
        reply_by=due(21),
        message="Please add the following.",
    )
    assert state_of(screening_case) == "returned"
    assert [(i.criterion.code, i.text) for i in info.items.all()] == [
        ("5", "Trade test records for 2024-2025."),
        ("7", "Audited accounts."),
    ]
    message = Message.objects.get(event=events.INFORMATION_REQUESTED)
    assert message.recipient == applicant
    assert "5. Trade test records for 2024-2025." in message.body_text
    assert "Please add the following." in message.body_text
    assert f"Reply by: {due(21):%-d.%-m.%Y}" in message.body_text


def test_return_for_information_refused_without_items_or_with_past_date(screening_case, case_officer):
    c = criteria(screening_case)
    with pytest.raises(RuleViolation):
        services.case_return_for_information(application=screening_case, actor=case_officer, items=[], reply_by=due())
    with pytest.raises(RuleViolation) as exc:
        services.case_return_for_information(
            application=screening_case,
            actor=case_officer,
            items=[(c["2"].pk, "More.")],
            reply_by=timezone.localdate(),
        )
    assert exc.value.messages == ["The reply-by date must be in the future."]
    assert state_of(screening_case) == "screening"
    assert InformationRequest.objects.count() == 0
    assert refusals(screening_case, "applications.application.returned").count() == 2


def test_return_for_information_refuses_a_criterion_of_another_set(screening_case, case_officer, reference):
    from agencies.models import Criterion

    pq_criterion = Criterion.objects.filter(criteria_set__scheme__code="pq").first()
    with pytest.raises(RuleViolation) as exc:
        services.case_return_for_information(
            application=screening_case, actor=case_officer, items=[(pq_criterion.pk, "x")], reply_by=due()
        )
    assert exc.value.messages == ["A reason names a criterion that is not in this application's criteria set."]


def test_mark_ineligible_with_reasons_notifies_members(screening_case, case_officer, applicant):
    c = criteria(screening_case)
    services.case_mark_ineligible(
        application=screening_case, actor=case_officer, reasons=[(c["3"].pk, "Charges for profit.")]
    )
    assert state_of(screening_case) == "ineligible"
    reason = CaseReason.objects.get()
    assert (reason.kind, reason.criterion.code, reason.text) == (ReasonKind.INELIGIBLE, "3", "Charges for profit.")
    assert Message.objects.get(event=events.INELIGIBLE).recipient == applicant


def test_mark_ineligible_refused_without_a_reason(screening_case, case_officer):
    with pytest.raises(RuleViolation):
        services.case_mark_ineligible(application=screening_case, actor=case_officer, reasons=[])
    assert state_of(screening_case) == "screening"


def test_send_to_review_refused_with_incomplete_evidence(screening_case, case_officer):
    screening_case.evidence.filter(criterion__code="4").update(narrative="")
    with pytest.raises(RuleViolation) as exc:
        services.case_send_to_review(application=screening_case, actor=case_officer)
    assert exc.value.messages == ["Evidence is missing for some criteria: return the case for information."]
    assert state_of(screening_case) == "screening"


def test_send_to_review(screening_case, case_officer):
    services.case_send_to_review(application=screening_case, actor=case_officer)
    assert state_of(screening_case) == "under_review"


# -- reviewers ----------------------------------------------------------------------------------
def test_invite_notifies_the_reviewer(review_case, case_officer, reviewer):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    assert assignment.state == AssignmentState.INVITED
    assert Message.objects.get(event=events.REVIEWER_INVITED).recipient == reviewer
    assert f"Due on: {due():%-d.%-m.%Y}" in Message.objects.get(event=events.REVIEWER_INVITED).body_text


def test_invite_refuses_a_conflicted_reviewer_detected_from_affiliations(
    review_case, case_officer, conflicted_reviewer
):
    with pytest.raises(RuleViolation) as exc:
        services.assignment_invite(
            application=review_case, reviewer=conflicted_reviewer, due_on=due(), actor=case_officer
        )
    assert "has a conflict of interest with" in exc.value.messages[0]
    assert not ReviewAssignment.objects.exists()


@pytest.mark.parametrize(
    "affiliation_of",
    [
        lambda app: f"  {app.organisation.name_en.upper()}  ",
        lambda app: app.organisation.name_zh_hant,
        lambda app: app.organisation.name_zh_hans,
        lambda app: "Some Other Body\n" + app.organisation.officers.get().name.lower(),
        lambda app: app.proposed_collaborators.get().name_en + " Limited",
    ],
    ids=["english-case-and-spaces", "traditional", "simplified", "officer", "collaborator"],
)
def test_conflict_detection_matches_names_officers_and_collaborators(
    review_case, case_officer, second_reviewer, affiliation_of
):
    from agencies.models import OrganisationOfficer

    OrganisationOfficer.objects.create(organisation=review_case.organisation, name="Chan Tai Man", position="Chair")
    review_case.proposed_collaborators.add(OrganisationFactory(name="Harbour Trade Union"))
    second_reviewer.affiliations = affiliation_of(review_case)
    second_reviewer.save()
    with pytest.raises(RuleViolation):
        services.assignment_invite(application=review_case, reviewer=second_reviewer, due_on=due(), actor=case_officer)


def test_invite_refuses_a_non_reviewer_and_a_repeat(review_case, case_officer, reviewer, approver):
    with pytest.raises(RuleViolation):
        services.assignment_invite(application=review_case, reviewer=approver, due_on=due(), actor=case_officer)
    services.assignment_invite(application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer)
    with pytest.raises(RuleViolation) as exc:
        services.assignment_invite(application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer)
    assert exc.value.messages == ["Reviewer One has already been asked to review this case."]


def test_declined_reviewer_is_never_invited_again(review_case, case_officer, reviewer):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    with pytest.raises(RuleViolation) as exc:
        services.assignment_respond(assignment=assignment, actor=reviewer, accept=False, has_conflict=False)
    assert exc.value.messages == ["Give a reason for declining."]
    services.assignment_respond(
        assignment=assignment, actor=reviewer, accept=False, has_conflict=False, decline_reason="On leave."
    )
    assert ReviewAssignment.objects.get().state == AssignmentState.DECLINED
    with pytest.raises(RuleViolation):
        services.assignment_invite(application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer)


def test_database_refuses_a_second_assignment_for_the_same_reviewer(review_case, case_officer, reviewer):
    from django.db import IntegrityError, transaction

    ReviewAssignment.objects.create(
        application=review_case, reviewer=reviewer, due_on=due(), invited_by=case_officer, state="invited"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewAssignment.objects.create(
            application=review_case, reviewer=reviewer, due_on=due(), invited_by=case_officer
        )


def test_declared_conflict_takes_the_reviewer_off_the_case(review_case, case_officer, reviewer):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    result = services.assignment_respond(
        assignment=assignment, actor=reviewer, accept=True, has_conflict=True, conflict_note="Former employee."
    )
    assert (result.state, result.has_conflict, result.conflict_note) == ("conflicted", True, "Former employee.")
    assert done(review_case, "reviews.assignment.conflicted").count() == 1


def test_affiliation_added_after_invitation_is_detected_on_answer(review_case, case_officer, reviewer):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    reviewer.affiliations = review_case.organisation.name_en
    reviewer.save()
    result = services.assignment_respond(assignment=assignment, actor=reviewer, accept=True, has_conflict=False)
    assert (result.state, result.detected_conflict) == ("conflicted", review_case.organisation.name_en)


def test_only_the_invited_reviewer_may_answer(review_case, case_officer, reviewer, second_reviewer):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    with pytest.raises(RuleViolation):
        services.assignment_respond(assignment=assignment, actor=second_reviewer, accept=True, has_conflict=False)
    assert ReviewAssignment.objects.get().state == "invited"


# -- scoring --------------------------------------------------------------------------------------
def test_scores_save_as_draft_and_lock_on_submit(accepted, reviewer):
    assignment = accepted[0]
    c = criteria(assignment.application)
    services.scores_save(assignment=assignment, actor=reviewer, entries={c["2"].pk: {"score": 3, "reason": "Good."}})
    services.scores_save(assignment=assignment, actor=reviewer, entries={c["2"].pk: {"score": 4, "reason": "Better."}})
    assert list(CriterionScore.objects.values_list("score", "reason")) == [(4, "Better.")]
    with pytest.raises(RuleViolation) as exc:
        services.review_submit(assignment=assignment, actor=reviewer)
    assert exc.value.messages == [
        "Give a verdict or score and a reason for every criterion; missing: 1, 3, 4, 5, 6, 7."
    ]
    score_all(assignment, reviewer)
    assert ReviewAssignment.objects.get(pk=assignment.pk).state == "submitted"
    with pytest.raises(RuleViolation) as exc:
        services.scores_save(assignment=assignment, actor=reviewer, entries={c["2"].pk: {"score": 0, "reason": "x"}})
    assert exc.value.messages == ["Your review is submitted and can no longer be changed."]
    assert CriterionScore.objects.get(assignment=assignment, criterion=c["2"]).score == 3


@pytest.mark.parametrize("value", [5, -1, "two", 3.5])
def test_out_of_range_score_is_refused(accepted, reviewer, value):
    c = criteria(accepted[0].application)
    with pytest.raises(RuleViolation) as exc:
        services.scores_save(
            assignment=accepted[0], actor=reviewer, entries={c["2"].pk: {"score": value, "reason": "x"}}
        )
    assert exc.value.messages == ["Criterion 2: the score must be a whole number from 0 to 4."]
    assert not CriterionScore.objects.exists()


def test_score_on_a_gate_and_verdict_on_a_merit_are_refused(accepted, reviewer):
    c = criteria(accepted[0].application)
    with pytest.raises(RuleViolation):
        services.scores_save(assignment=accepted[0], actor=reviewer, entries={c["1"].pk: {"score": 2, "reason": "x"}})
    with pytest.raises(RuleViolation):
        services.scores_save(
            assignment=accepted[0], actor=reviewer, entries={c["2"].pk: {"verdict": "met", "reason": "x"}}
        )
    assert not CriterionScore.objects.exists()


def test_criterion_outside_the_set_is_refused(accepted, reviewer):
    from agencies.models import Criterion

    pq = Criterion.objects.filter(criteria_set__scheme__code="pq").first()
    with pytest.raises(RuleViolation) as exc:
        services.scores_save(assignment=accepted[0], actor=reviewer, entries={pq.pk: {"score": 2, "reason": "x"}})
    assert exc.value.messages == ["That criterion is not part of this application's criteria set."]
    assert refusals(accepted[0].application, "reviews.scores.saved").count() == 1


def test_score_by_someone_not_assigned_is_refused(accepted, second_reviewer, case_officer):
    c = criteria(accepted[0].application)
    for person in (second_reviewer, case_officer):
        with pytest.raises(RuleViolation) as exc:
            services.scores_save(assignment=accepted[0], actor=person, entries={c["2"].pk: {"score": 2, "reason": "x"}})
        assert exc.value.messages == ["You are not assigned to review this case."]
    assert not CriterionScore.objects.exists()


def test_database_refuses_an_out_of_range_score(accepted):
    from django.db import IntegrityError, transaction

    c = criteria(accepted[0].application)
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionScore.objects.create(assignment=accepted[0], criterion=c["2"], score=5)


def test_submissions_notify_case_officers_and_all_in(accepted, reviewer, second_reviewer, case_officer):
    score_all(accepted[0], reviewer)
    assert Message.objects.filter(event=events.REVIEW_SUBMITTED, recipient=case_officer).count() == 1
    assert not Message.objects.filter(event=events.ALL_REVIEWS_IN).exists()
    score_all(accepted[1], second_reviewer)
    assert Message.objects.filter(event=events.REVIEW_SUBMITTED, recipient=case_officer).count() == 2
    assert Message.objects.filter(event=events.ALL_REVIEWS_IN, recipient=case_officer).count() == 1


# -- moderation and recommendation -------------------------------------------------------------
def test_recommend_refused_until_reviews_are_in(accepted, reviewer, case_officer):
    score_all(accepted[0], reviewer)
    app = accepted[0].application
    with pytest.raises(RuleViolation) as exc:
        services.case_recommend(application=app, actor=case_officer, outcome="appoint", summary="Good.")
    assert exc.value.messages == ["At least two reviews must be submitted and no accepted review may be outstanding."]
    assert state_of(app) == "under_review"
    assert refusals(app, "applications.application.recommended").count() == 1


def test_recommend_refused_until_flags_are_moderated(accepted, reviewer, second_reviewer, case_officer, approver):
    score_all(accepted[0], reviewer, merit={"5": 4})
    score_all(accepted[1], second_reviewer, merit={"5": 1})
    app = accepted[0].application
    with pytest.raises(RuleViolation) as exc:
        services.case_recommend(application=app, actor=case_officer, outcome="appoint", summary="Good.")
    assert exc.value.messages == ["Moderate every flagged criterion first: 5."]
    c = criteria(app)
    with pytest.raises(RuleViolation):
        services.moderation_save(application=app, criterion_id=c["5"].pk, actor=case_officer, rationale="", score=3)
    with pytest.raises(RuleViolation) as exc:
        services.moderation_save(application=app, criterion_id=c["2"].pk, actor=case_officer, rationale="x", score=3)
    assert exc.value.messages == ["Only criteria on which the reviewers disagree are moderated."]
    services.moderation_save(
        application=app, criterion_id=c["5"].pk, actor=case_officer, rationale="Records show 12 trade tests.", score=3
    )
    recommendation = services.case_recommend(application=app, actor=case_officer, outcome="appoint", summary="Good.")
    assert state_of(app) == "recommended"
    # merit 2,4,6,7 at 3 with weight 1, criterion 5 (weight 2) moderated to 3: 12 + 6 = 18.
    assert str(recommendation.weighted_total) == "18.00"
    assert Message.objects.get(event=events.RECOMMENDATION_MADE).recipient == approver


def test_recommend_refused_for_an_approver(reviewed_case, approver):
    with pytest.raises(RuleViolation):
        services.case_recommend(application=reviewed_case, actor=approver, outcome="appoint", summary="x")
    assert state_of(reviewed_case) == "under_review"


# -- decision ---------------------------------------------------------------------------------------
def test_appoint_refused_without_a_determination(recommended_case, approver):
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=recommended_case, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert exc.value.messages == [
        "Record HKCAAVQ's determination that the applicant is competent, and the considerations, first."
    ]
    assert state_of(recommended_case) == "recommended"
    assert not Appointment.objects.exists()
    assert refusals(recommended_case, "applications.application.appointed").count() == 1


def test_appoint_creates_an_unpublished_appointment_and_notifies(decidable_case, approver, applicant, register_admin):
    collaborator = OrganisationFactory(name="Harbour Trade Union")
    decision = services.case_appoint(
        application=decidable_case,
        actor=approver,
        term_start=TERM_START,
        term_end=TERM_END,
        conditions_text="Report annually.",
        collaborators=[collaborator],
    )
    app = Application.objects.get(pk=decidable_case.pk)
    assert app.state == "appointed"
    appointment = app.appointment
    assert (appointment.agency, appointment.industry, appointment.is_published) == (
        app.organisation,
        app.industry,
        False,
    )
    assert (appointment.first_start, appointment.current_end, appointment.conditions) == (
        TERM_START,
        TERM_END,
        "Report annually.",
    )
    assert list(appointment.collaborators.all()) == [collaborator]
    assert (decision.outcome, list(decision.collaborators.all())) == ("appoint", [collaborator])
    assert Message.objects.get(event=events.DECISION_MADE).recipient == applicant
    assert Message.objects.get(event=events.APPOINTMENT_TO_PUBLISH).recipient == register_admin
    assert Message.objects.get(event=events.APPOINTMENT_TO_PUBLISH).link == f"/en/register/manage/{appointment.pk}/"
    entry = done(app, "applications.application.appointed").get()
    assert (entry.from_state, entry.to_state) == ("recommended", "appointed")


def test_appoint_refused_for_a_reviewer_of_the_case_even_as_approver(decidable_case, reviewer):
    from django.contrib.auth.models import Group

    reviewer.groups.add(Group.objects.get_or_create(name=APPROVER)[0])
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=decidable_case, actor=reviewer, term_start=TERM_START, term_end=TERM_END)
    assert "only an approver who is neither its reviewer nor conflicted" in exc.value.messages[0]
    assert state_of(decidable_case) == "recommended"


def test_appoint_refused_for_an_affiliated_approver(decidable_case, approver):
    approver.affiliations = decidable_case.organisation.name_zh_hant
    approver.save()
    with pytest.raises(RuleViolation):
        services.case_appoint(application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END)


def test_overlapping_term_is_refused_with_a_message(decidable_case, approver):
    from agencies.services import appointment_create

    appointment_create(
        agency=decidable_case.organisation,
        scheme=decidable_case.scheme,
        industry=decidable_case.industry,
        start=date(2025, 1, 1),
        end=date(2028, 12, 31),
        actor=system_actor(),
    )
    with pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert exc.value.messages == ["This agency already holds a term for this industry that overlaps these dates."]
    assert state_of(decidable_case) == "recommended"
    assert Appointment.objects.count() == 1


def test_reappointment_adds_a_term_to_the_existing_appointment(decidable_case, approver, register_admin):
    from agencies.services import appointment_create

    current = appointment_create(
        agency=decidable_case.organisation,
        scheme=decidable_case.scheme,
        industry=decidable_case.industry,
        start=date(2022, 4, 1),
        end=TERM_START - timedelta(days=1),
        actor=system_actor(),
    )
    Appointment.objects.filter(pk=current.pk).update(is_published=True)
    Application.objects.filter(pk=decidable_case.pk).update(
        kind=ApplicationKind.REAPPOINTMENT, previous_appointment=current
    )
    app = Application.objects.get(pk=decidable_case.pk)
    services.case_appoint(application=app, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert Appointment.objects.count() == 1
    assert list(current.terms.values_list("kind", "start", "end")) == [
        (TermKind.FIRST, date(2022, 4, 1), date(2027, 3, 31)),
        (TermKind.REAPPOINTMENT, TERM_START, TERM_END),
    ]
    assert Application.objects.get(pk=app.pk).appointment == current
    assert not Message.objects.filter(event=events.APPOINTMENT_TO_PUBLISH).exists()


def test_reappointment_after_the_current_term_ended_is_refused(decidable_case, approver):
    import time_machine

    from agencies.services import appointment_create

    current = appointment_create(
        agency=decidable_case.organisation,
        scheme=decidable_case.scheme,
        industry=decidable_case.industry,
        start=date(2022, 4, 1),
        end=date(2027, 3, 31),
        actor=system_actor(),
    )
    Application.objects.filter(pk=decidable_case.pk).update(
        kind=ApplicationKind.REAPPOINTMENT, previous_appointment=current
    )
    app = Application.objects.get(pk=decidable_case.pk)
    with time_machine.travel(date(2027, 4, 2)), pytest.raises(RuleViolation) as exc:
        services.case_appoint(application=app, actor=approver, term_start=TERM_START, term_end=TERM_END)
    assert exc.value.messages == ["A re-appointment must be made on or before the end of the current term."]
    assert state_of(app) == "recommended"


def test_reject_with_reasons(recommended_case, approver, applicant):
    c = criteria(recommended_case)
    with pytest.raises(RuleViolation) as exc:
        services.case_reject(application=recommended_case, actor=approver, reasons=[(c["7"].pk, "Thin reserves.")])
    assert exc.value.messages == ["Record the considerations first."]
    record_determination(recommended_case, approver)
    services.case_reject(application=recommended_case, actor=approver, reasons=[(c["7"].pk, "Thin reserves.")])
    assert state_of(recommended_case) == "rejected"
    assert Decision.objects.get().outcome == "reject"
    assert list(CaseReason.objects.values_list("kind", "criterion__code", "text")) == [
        ("rejected", "7", "Thin reserves.")
    ]
    assert Message.objects.get(event=events.DECISION_MADE).recipient == applicant


def test_reject_refused_for_a_case_officer(decidable_case, case_officer):
    c = criteria(decidable_case)
    with pytest.raises(RuleViolation):
        services.case_reject(application=decidable_case, actor=case_officer, reasons=[(c["7"].pk, "x")])
    assert state_of(decidable_case) == "recommended"


def test_a_decided_case_cannot_be_decided_again(decidable_case, approver):
    services.case_appoint(application=decidable_case, actor=approver, term_start=TERM_START, term_end=TERM_END)
    c = criteria(decidable_case)
    with pytest.raises(RuleViolation) as exc:
        services.case_reject(application=decidable_case, actor=approver, reasons=[(c["7"].pk, "x")])
    assert exc.value.messages == ["This action is not possible while the case is “Appointed”."]
    assert state_of(decidable_case) == "appointed"
