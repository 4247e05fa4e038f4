"""Every form of the case officer, the reviewer and the approver, posted by the right persona with
hostile data: never a 500 and never an invalid state."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.enums import ApplicationState
from applications.models import Application, InformationRequest
from applications.services import document_upload
from reviews import services
from reviews.enums import AssignmentState, DeterminationOutcome, GateVerdict
from reviews.models import (
    CaseReason,
    Considerations,
    CriterionScore,
    Decision,
    Determination,
    Moderation,
    Recommendation,
    ReviewAssignment,
)
from tests import factories
from tests.applications.conftest import make_pdf
from tests.reviews.conftest import due, score_all

from .conftest import fuzz_post, get
from .strategies import choice, form_data, fuzz_settings, iso_dates, mostly, plain

EXAMPLES = 12
REVIEW_TABLES = (ReviewAssignment, CriterionScore, Moderation, CaseReason, InformationRequest)


@pytest.fixture
def others(reference, other_organisation, other_applicant, reviewer, second_reviewer, conflicted_reviewer):
    """Ids of things that are not the case at hand: another organisation's application and document."""
    foreign = factories.ApplicationFactory(organisation=other_organisation, created_by=other_applicant)
    document = document_upload(
        application=foreign, actor=other_applicant, name="x.pdf", data=make_pdf(), title="Foreign", criteria=[]
    )
    pq_criteria = list(factories.criteria_set_for("pq").criteria.values_list("pk", flat=True))
    return [foreign.pk, document.pk, other_organisation.pk, conflicted_reviewer.pk, *pq_criteria]


def test_queue_filter(client, case_officer, screening_case, others):
    client.force_login(case_officer)
    url = reverse("reviews:queue")

    @fuzz_settings(EXAMPLES)
    @given(
        data=form_data(
            {
                "q": plain(100),
                "state": choice("", *ApplicationState.values),
                "industry": choice(screening_case.industry_id),
                "scheme": choice(screening_case.scheme_id),
                "older_than": choice(0, 1, 30, 10**12),
                "overdue": choice("on", ""),
                "order": choice("oldest", "newest"),
                "page": choice(1, 2, -1, 10**9, "last"),
            },
            others,
        )
    )
    def run(data):
        get(client, url, data)

    run()


def test_bulk_assign(client, case_officer, screening_case, reviewer, second_reviewer, conflicted_reviewer, others):
    client.force_login(case_officer)
    url = reverse("reviews:bulk_assign")

    def check(response):
        assert not ReviewAssignment.objects.filter(
            reviewer=conflicted_reviewer, state__in=[AssignmentState.INVITED, AssignmentState.ACCEPTED]
        ).exists()
        for assignment in ReviewAssignment.objects.all():
            assert assignment.application.state in (ApplicationState.SCREENING, ApplicationState.UNDER_REVIEW)

    @fuzz_settings(EXAMPLES)
    @given(
        data=form_data(
            {
                "reviewers": st.lists(choice(reviewer.pk, second_reviewer.pk, conflicted_reviewer.pk), max_size=3),
                "due_on": iso_dates(),
                "application": st.lists(mostly(screening_case.pk, *others), max_size=3),
            },
            others,
        )
    )
    def run(data):
        fuzz_post(client, url, data, check=check, touched=REVIEW_TABLES)

    run()


def test_screening_actions(client, case_officer, screening_case, reviewer, conflicted_reviewer, others):
    client.force_login(case_officer)
    criteria = list(screening_case.criteria_set.criteria.values_list("pk", flat=True))
    fields = {
        "expected_state": mostly("screening", "submitted", "under_review"),
        "reply_by": iso_dates(),
        "message": plain(),
        "reviewers": st.lists(choice(reviewer.pk, conflicted_reviewer.pk), max_size=2),
        "due_on": iso_dates(),
    }
    for pk in criteria[:3]:
        fields[f"missing_{pk}"] = plain()
        fields[f"reason_{pk}"] = plain()

    def check(response):
        application = Application.objects.get(pk=screening_case.pk)
        assert application.state in ("screening", "returned", "ineligible", "under_review")
        if application.state == "returned":
            request = application.information_requests.get()
            assert request.items.exists()
        if application.state == "ineligible":
            assert application.case_reasons.exists()

    @fuzz_settings(EXAMPLES)
    @given(
        action=st.sampled_from(["return", "ineligible", "invite", "send-to-review", "start-screening", "unknown"]),
        data=form_data(fields, others),
    )
    def run(action, data):
        url = reverse("reviews:case_action", args=[screening_case.pk, action])
        fuzz_post(client, url, data, check=check, touched=(Application, *REVIEW_TABLES))

    run()


def test_respond(client, review_case, case_officer, reviewer, others):
    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    client.force_login(reviewer)
    url = reverse("reviews:respond", args=[assignment.pk])

    def check(response):
        current = ReviewAssignment.objects.get(pk=assignment.pk)
        if current.state != AssignmentState.INVITED:
            assert current.conflict_declared_at is not None
        if current.state == AssignmentState.CONFLICTED:
            assert current.has_conflict

    @fuzz_settings(EXAMPLES)
    @given(
        data=form_data(
            {
                "has_conflict": choice("no", "yes"),
                "conflict_note": plain(),
                "answer": choice("accept", "decline"),
                "decline_reason": plain(),
            },
            others,
        )
    )
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(ReviewAssignment,))

    run()


def test_scores(client, accepted, reviewer, review_case, applicant, others):
    assignment = accepted[0]
    criteria = list(review_case.criteria_set.criteria.all())
    fields = {"submit_review": choice("1")}
    for c in criteria:
        if c.is_gate:
            fields[f"verdict_{c.pk}"] = choice(*GateVerdict.values)
        else:
            fields[f"score_{c.pk}"] = choice(0, 1, 2, 3, 4)
        fields[f"reason_{c.pk}"] = plain()
        fields[f"document_{c.pk}"] = choice("", *others[:2])
    client.force_login(reviewer)
    url = reverse("reviews:assignment", args=[assignment.pk])

    def check(response):
        current = ReviewAssignment.objects.get(pk=assignment.pk)
        if current.state == AssignmentState.SUBMITTED:
            scores = {s.criterion_id: s for s in current.scores.all()}
            assert set(scores) == {c.pk for c in criteria}
            for c in criteria:
                assert scores[c.pk].reason.strip()
                assert (scores[c.pk].verdict in GateVerdict.values) if c.is_gate else (scores[c.pk].score is not None)

    @fuzz_settings(EXAMPLES)
    @given(data=form_data(fields, others))
    def run(data):
        fuzz_post(client, url, data, check=check, touched=(ReviewAssignment, CriterionScore))

    run()


@pytest.fixture
def disputed_case(accepted, reviewer, second_reviewer, review_case):
    """Two reviews that disagree on every merit criterion and split on the first gate."""
    gates = [c.code for c in review_case.criteria_set.criteria.all() if c.is_gate]
    merits = [c.code for c in review_case.criteria_set.criteria.all() if not c.is_gate]
    score_all(accepted[0], reviewer, merit=dict.fromkeys(merits, 0))
    score_all(accepted[1], second_reviewer, merit=dict.fromkeys(merits, 4), gates={gates[0]: "not_met"})
    return review_case


def test_moderation_and_recommendation(client, case_officer, disputed_case, others):
    client.force_login(case_officer)
    criteria = list(disputed_case.criteria_set.criteria.values_list("pk", flat=True))

    def check(response):
        application = Application.objects.get(pk=disputed_case.pk)
        if application.state == ApplicationState.RECOMMENDED:
            assert Recommendation.objects.filter(application=application).exclude(summary="").exists()

    @fuzz_settings(EXAMPLES)
    @given(
        criterion=st.sampled_from(criteria),
        action=st.sampled_from(["moderate", "recommend"]),
        data=st.data(),
    )
    def run(criterion, action, data):
        prefix = f"m{criterion}"
        fields = {
            "criterion_pk": mostly(criterion, *others),
            f"{prefix}-criterion": mostly(criterion, *others),
            f"{prefix}-score": choice("", 0, 1, 2, 3, 4),
            f"{prefix}-verdict": choice("", *GateVerdict.values),
            f"{prefix}-rationale": plain(),
            "outcome": choice("appoint", "reject"),
            "summary": plain(),
            "expected_state": mostly("under_review", "screening"),
        }
        url = reverse("reviews:case_action", args=[disputed_case.pk, action])
        fuzz_post(client, url, data.draw(form_data(fields, others)), check=check, touched=(Moderation, Recommendation))

    run()


def test_decision(client, approver, recommended_case, other_organisation, others):
    client.force_login(approver)
    criteria = list(recommended_case.criteria_set.criteria.values_list("pk", flat=True))
    fields = {
        "expected_state": mostly("recommended", "under_review"),
        "det-determined_on": iso_dates(),
        "det-outcome": choice(*DeterminationOutcome.values),
        "det-report_reference": plain(60),
        "det-valid_from": iso_dates(),
        "det-valid_until": iso_dates(),
        "det-conditions": plain(),
        "con-industry_views": plain(),
        "con-industry_characteristics": plain(),
        "con-fee_policy": plain(),
        "con-other_matters": plain(),
        "apt-term_start": iso_dates(),
        "apt-term_end": iso_dates(),
        "apt-conditions": plain(),
        "apt-collaborators": st.lists(choice(other_organisation.pk, recommended_case.organisation_id), max_size=2),
        f"rej-reason_{criteria[0]}": plain(),
    }

    def check(response):
        application = Application.objects.get(pk=recommended_case.pk)
        assert application.state in ("recommended", "appointed", "rejected")
        if application.state == "appointed":
            decision = application.decision
            assert decision.term_start <= decision.term_end
            assert application.appointment.terms.get().end == decision.term_end
            assert Determination.objects.get(application=application).outcome == "competent"
            assert application.organisation_id not in decision.collaborators.values_list("pk", flat=True)
        if application.state == "rejected":
            assert application.case_reasons.filter(kind="rejected").exists()

    @fuzz_settings(EXAMPLES)
    @given(
        steps=st.lists(
            st.sampled_from(["determination", "considerations", "appoint", "reject"]), min_size=1, max_size=3
        ),
        data=form_data(fields, others),
    )
    def run(steps, data):
        touched = (Application, Decision, Determination, Considerations, CaseReason)
        for action in steps:
            url = reverse("reviews:case_action", args=[recommended_case.pk, action])
            fuzz_post(client, url, data, check=check, touched=touched)

    run()


def test_an_absurd_age_filter_is_refused(client, case_officer, screening_case):
    client.force_login(case_officer)
    response = client.get(reverse("reviews:queue"), {"older_than": str(10**12)})
    assert response.status_code == 200
    assert response.context["form"].errors["older_than"] == ["Ensure this value is less than or equal to 36500."]


def test_superscript_case_ids_choose_no_case(client, case_officer, screening_case, reviewer):
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:bulk_assign"), {"application": ["²"], "reviewers": [reviewer.pk], "due_on": "2030-01-01"}
    )
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == ["Choose at least one case."]
    assert not ReviewAssignment.objects.exists()


def test_odd_scores_documents_and_reasons_are_refused_with_a_message(client, accepted, reviewer, review_case):
    client.force_login(reviewer)
    merit = [c for c in review_case.criteria_set.criteria.all() if not c.is_gate]
    data = {
        f"score_{merit[0].pk}": "²",
        f"reason_{merit[0].pk}": "Fine.",
        f"score_{merit[1].pk}": "3",
        f"reason_{merit[1].pk}": "Bad\x00byte",
        f"score_{merit[2].pk}": "2",
        f"reason_{merit[2].pk}": "Cites nothing.",
        f"document_{merit[2].pk}": ":",
    }
    response = client.post(reverse("reviews:assignment", args=[accepted[0].pk]), data)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"Criterion {merit[0].code}: the score must be a whole number from 0 to 4.",
        f"{merit[1].code}: Null characters are not allowed.",
    ]
    assert not CriterionScore.objects.exists()
    del data[f"score_{merit[0].pk}"], data[f"reason_{merit[1].pk}"]
    response = client.post(reverse("reviews:assignment", args=[accepted[0].pk]), data)
    assert response.status_code == 302
    assert CriterionScore.objects.get(criterion=merit[2]).document is None
