from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audit.models import AuditEntry
from reviews.models import CriterionScore, ReviewAssignment
from tests.factories import ApplicationFactory, IndustryFactory

from .conftest import TERM_END, TERM_START, criteria, due


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_screening_through_the_pages(client, submitted_case, case_officer):
    client.force_login(case_officer)
    url = reverse("reviews:case", args=[submitted_case.pk])
    page = client.get(url).content.decode()
    assert "Start screening" in page and "Legal entity" in page
    client.post(
        reverse("reviews:case_action", args=[submitted_case.pk, "start-screening"]), {"expected_state": "submitted"}
    )
    response = client.post(
        reverse("reviews:case_action", args=[submitted_case.pk, "send-to-review"]), {"expected_state": "screening"}
    )
    assert Application.objects.get(pk=submitted_case.pk).state == "under_review"
    entry = AuditEntry.objects.filter(action="applications.application.sent_to_review").get()
    assert entry.request_id == response["X-Request-ID"]
    assert messages_of(client.get(url)) == ["Screening started.", "Sent to review."]


def test_stale_page_post_is_refused_with_a_message(client, screening_case, case_officer):
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:case_action", args=[screening_case.pk, "start-screening"]),
        {"expected_state": "submitted"},
        follow=True,
    )
    assert messages_of(response) == [
        "This case has changed since the page was shown: it is now “Screening”. Nothing was changed; look at the "
        "case again."
    ]
    assert Application.objects.get(pk=screening_case.pk).state == "screening"
    refused = AuditEntry.objects.get(outcome="refused")
    assert (refused.action, refused.actor, refused.from_state) == (
        "applications.application.screening_started",
        case_officer,
        "screening",
    )
    assert refused.request_id


def test_wrong_state_post_is_refused_with_a_message(client, submitted_case, case_officer):
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:case_action", args=[submitted_case.pk, "recommend"]),
        {"outcome": "appoint", "summary": "x"},
        follow=True,
    )
    assert messages_of(response) == ["This action is not possible while the case is “Submitted”."]
    assert Application.objects.get(pk=submitted_case.pk).state == "submitted"


def test_return_for_information_through_the_page(client, screening_case, case_officer):
    client.force_login(case_officer)
    c = criteria(screening_case)
    response = client.post(
        reverse("reviews:case_action", args=[screening_case.pk, "return"]),
        {
            "expected_state": "screening",
            "reply_by": (timezone.localdate() + timedelta(days=14)).isoformat(),
            f"missing_{c['6'].pk}": "List of assessment venues.",
        },
        follow=True,
    )
    assert messages_of(response) == ["Returned to the applicant for information."]
    app = Application.objects.get(pk=screening_case.pk)
    assert app.state == "returned"
    assert [(i.criterion.code, i.text) for i in app.information_requests.get().items.all()] == [
        ("6", "List of assessment venues.")
    ]


def test_bad_date_is_a_message_not_a_500(client, screening_case, case_officer):
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:case_action", args=[screening_case.pk, "return"]),
        {"expected_state": "screening", "reply_by": "not a date"},
        follow=True,
    )
    assert response.status_code == 200
    assert messages_of(response) == ["Reply by: Enter a valid date."]
    assert Application.objects.get(pk=screening_case.pk).state == "screening"
    refused = AuditEntry.objects.get(outcome="refused")
    assert (refused.action, refused.note) == ("applications.application.returned", "reply_by: Enter a valid date.")


def test_reviewer_declares_accepts_and_scores_through_the_pages(client, review_case, case_officer, reviewer):
    client.force_login(case_officer)
    client.post(
        reverse("reviews:case_action", args=[review_case.pk, "invite"]),
        {"reviewers": [reviewer.pk], "due_on": due().isoformat()},
    )
    assignment = ReviewAssignment.objects.get()
    client.force_login(reviewer)
    url = reverse("reviews:assignment", args=[assignment.pk])
    before = client.get(url).content.decode()
    assert "declare whether you have a conflict of interest" in before
    assert "Evidence for 2." not in before  # nothing confidential before the declaration
    client.post(reverse("reviews:respond", args=[assignment.pk]), {"has_conflict": "no", "answer": "accept"})
    page = client.get(url).content.decode()
    assert "Evidence for 2." in page
    c = criteria(review_case)
    response = client.post(url, {f"score_{c['2'].pk}": "9", f"reason_{c['2'].pk}": "x"}, follow=True)
    assert messages_of(response) == ["Criterion 2: the score must be a whole number from 0 to 4."]
    assert not CriterionScore.objects.exists()
    response = client.post(url, {f"score_{c['2'].pk}": "3", f"reason_{c['2'].pk}": "Solid."}, follow=True)
    assert messages_of(response) == ["Draft saved."]
    assert CriterionScore.objects.get().score == 3


def test_decline_without_reason_is_a_message(client, review_case, case_officer, reviewer):
    from reviews import services

    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:respond", args=[assignment.pk]), {"has_conflict": "no", "answer": "decline"}, follow=True
    )
    assert messages_of(response) == ["Give a reason for declining."]
    assert ReviewAssignment.objects.get().state == "invited"


def test_bulk_assignment_from_the_queue(
    client, reference, case_officer, reviewer, second_reviewer, conflicted_reviewer, organisation
):
    cases = [ApplicationFactory(state="under_review", evidence=True) for _ in range(2)]
    conflicted_case = ApplicationFactory(state="under_review", evidence=True, organisation=organisation)
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:bulk_assign"),
        {
            "application": [a.pk for a in [*cases, conflicted_case]],
            "reviewers": [reviewer.pk, conflicted_reviewer.pk],
            "due_on": due().isoformat(),
        },
        follow=True,
    )
    msgs = messages_of(response)
    assert msgs[0] == "5 invitations sent."
    assert len(msgs) == 2 and msgs[1].startswith(f"{conflicted_case.reference}: Conflicted Reviewer has a conflict")
    assert ReviewAssignment.objects.count() == 5


def test_appoint_through_the_page(client, decidable_case, approver):
    client.force_login(approver)
    response = client.post(
        reverse("reviews:case_action", args=[decidable_case.pk, "appoint"]),
        {
            "expected_state": "recommended",
            "apt-term_start": TERM_START.isoformat(),
            "apt-term_end": TERM_END.isoformat(),
        },
        follow=True,
    )
    assert messages_of(response) == ["Appointed. The register administrator will publish the appointment."]
    app = Application.objects.get(pk=decidable_case.pk)
    assert (app.state, app.appointment.is_published) == ("appointed", False)
    page = response.content.decode()
    assert "applications.application.appointed" in page  # the timeline


def test_appoint_with_term_end_before_start_is_a_message(client, decidable_case, approver):
    client.force_login(approver)
    response = client.post(
        reverse("reviews:case_action", args=[decidable_case.pk, "appoint"]),
        {
            "expected_state": "recommended",
            "apt-term_start": TERM_END.isoformat(),
            "apt-term_end": TERM_START.isoformat(),
        },
        follow=True,
    )
    assert messages_of(response) == ["Term ends: The term cannot end before it starts."]
    assert Application.objects.get(pk=decidable_case.pk).state == "recommended"


# -- queue -----------------------------------------------------------------------------------------
def _make_cases(n: int, industry=None):
    made = []
    for _ in range(n):
        app = ApplicationFactory(
            state="under_review", evidence=True, submitted_at=timezone.now(), industry=industry or IndustryFactory()
        )
        made.append(app)
    return made


@pytest.mark.parametrize("size", [3, 12])
def test_queue_query_count_does_not_grow_with_rows(
    client, reference, case_officer, reviewer, django_assert_num_queries, size
):
    for app in _make_cases(size):
        ReviewAssignment.objects.create(application=app, reviewer=reviewer, due_on=due(), invited_by=case_officer)
    client.force_login(case_officer)
    client.get(reverse("reviews:queue"))  # warm the session and the role caches
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    assert response.content.decode().count('name="application"') == size


QUEUE_QUERIES = 9


def test_queue_filters_and_search(client, reference, case_officer, reviewer):
    industry = IndustryFactory(name="Printing", name_en="Printing")
    printing = _make_cases(1, industry=industry)[0]
    other = _make_cases(1)[0]
    ReviewAssignment.objects.create(
        application=other,
        reviewer=reviewer,
        due_on=timezone.localdate() - timedelta(days=1),
        invited_by=case_officer,
        state="invited",
    )
    client.force_login(case_officer)

    def refs(params):
        page = client.get(reverse("reviews:queue"), params).content.decode()
        return [a.reference for a in (printing, other) if a.reference in page]

    assert refs({"q": "print"}) == [printing.reference]
    assert refs({"q": other.reference}) == [other.reference]
    assert refs({"industry": industry.pk}) == [printing.reference]
    assert refs({"overdue": "on"}) == [other.reference]
    assert refs({"state": "screening"}) == []
    assert refs({"state": "under_review"}) == [printing.reference, other.reference]


def test_queue_paginates(client, reference, case_officer):
    _make_cases(27)
    client.force_login(case_officer)
    first = client.get(reverse("reviews:queue")).content.decode()
    second = client.get(reverse("reviews:queue"), {"page": 2}).content.decode()
    assert first.count('name="application"') == 25
    assert second.count('name="application"') == 2


def test_dashboard_sections(client, accepted, reviewer, case_officer, approver):
    client.force_login(reviewer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 review to do" in page
    client.force_login(case_officer)
    assert "1 open case in the work queue" in client.get(reverse("dashboard")).content.decode()
    client.force_login(approver)
    assert "0 cases awaiting a decision" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("size", [2, 9])
def test_reviewer_and_approver_queues_query_count_does_not_grow(
    client, reference, case_officer, reviewer, approver, django_assert_num_queries, size
):
    for app in _make_cases(size):
        ReviewAssignment.objects.create(application=app, reviewer=reviewer, due_on=due(), invited_by=case_officer)
    for _ in range(size):
        ApplicationFactory(state="recommended", evidence=False, submitted_at=timezone.now())
    client.force_login(reviewer)
    client.get(reverse("reviews:my_reviews"))
    with django_assert_num_queries(REVIEWER_QUEUE_QUERIES):
        page = client.get(reverse("reviews:my_reviews")).content.decode()
    assert page.count("/review/assignments/") >= size
    client.force_login(approver)
    client.get(reverse("reviews:approvals"))
    with django_assert_num_queries(APPROVER_QUEUE_QUERIES):
        page = client.get(reverse("reviews:approvals")).content.decode()
    assert page.count("/review/cases/") == size + 1  # and the navigation's "All cases"


REVIEWER_QUEUE_QUERIES = 6
APPROVER_QUEUE_QUERIES = 6


@pytest.mark.parametrize(
    ("lang", "heading", "checks"), [("zh-hant", "初步審查", "法律實體"), ("zh-hans", "初步审查", "法律实体")]
)
def test_case_page_in_chinese(client, screening_case, case_officer, lang, heading, checks):
    client.force_login(case_officer)
    page = client.get(f"/{lang}/review/cases/{screening_case.pk}/").content.decode()
    assert heading in page and checks in page


def test_declaring_a_conflict_needs_no_answer_and_hides_the_case(client, review_case, case_officer, reviewer):
    from reviews import services

    assignment = services.assignment_invite(
        application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer
    )
    client.force_login(reviewer)
    response = client.post(reverse("reviews:respond", args=[assignment.pk]), {"has_conflict": "no"}, follow=True)
    assert messages_of(response) == ["Your answer: Say whether you accept or decline the review."]
    response = client.post(
        reverse("reviews:respond", args=[assignment.pk]),
        {"has_conflict": "yes", "conflict_note": "I advise the applicant."},
        follow=True,
    )
    assert messages_of(response) == ["Thank you for declaring the conflict. The case officer will ask someone else."]
    assert ReviewAssignment.objects.get().state == "conflicted"
    assert client.get(reverse("reviews:assignment", args=[assignment.pk])).status_code == 404


def test_case_page_asks_for_a_replacement_reviewer(client, review_case, case_officer, reviewer, second_reviewer):
    from reviews import services

    client.force_login(case_officer)
    url = reverse("reviews:case", args=[review_case.pk])
    warning = "Fewer than two reviewers are active on this case: invite another."
    assert warning in client.get(url).content.decode()
    first = services.assignment_invite(application=review_case, reviewer=reviewer, due_on=due(), actor=case_officer)
    services.assignment_invite(application=review_case, reviewer=second_reviewer, due_on=due(), actor=case_officer)
    assert warning not in client.get(url).content.decode()
    services.assignment_respond(assignment=first, actor=reviewer, accept=True, has_conflict=True)
    assert warning in client.get(url).content.decode()


def test_ineligible_through_the_page(client, screening_case, case_officer):
    client.force_login(case_officer)
    c = criteria(screening_case)
    response = client.post(
        reverse("reviews:case_action", args=[screening_case.pk, "ineligible"]),
        {"expected_state": "screening", f"reason_{c['1'].pk}": "Not incorporated."},
        follow=True,
    )
    assert messages_of(response) == ["The case was closed as ineligible."]
    assert Application.objects.get(pk=screening_case.pk).state == "ineligible"


def test_reject_through_the_page(client, decidable_case, approver):
    client.force_login(approver)
    c = criteria(decidable_case)
    url = reverse("reviews:case_action", args=[decidable_case.pk, "reject"])
    response = client.post(url, {"expected_state": "recommended"}, follow=True)
    assert messages_of(response) == ["Give at least one reason, against a criterion."]
    response = client.post(
        url, {"expected_state": "recommended", f"rej-reason_{c['7'].pk}": "Reserves too thin."}, follow=True
    )
    assert messages_of(response) == ["The application was rejected."]
    assert Application.objects.get(pk=decidable_case.pk).state == "rejected"


def test_case_and_review_pages_link_the_documents_and_show_the_answers(
    client, accepted, review_case, case_officer, reviewer, other_applicant
):
    from applications.models import Document, InformationRequest

    document = Document.objects.create(
        application=review_case,
        title="Trade test records",
        original_name="records.pdf",
        stored_name="case-page-test.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=case_officer,
    )
    document.criteria.set([criteria(review_case)["5"]])
    InformationRequest.objects.create(
        application=review_case,
        requested_by=case_officer,
        reply_by=due(),
        response="Pass rates for three years.",
        responded_at=timezone.now(),
    )
    client.force_login(case_officer)
    page = client.get(reverse("reviews:case", args=[review_case.pk])).content.decode()
    # the case page opens documents through the case file (a PDF opens in the browser)
    inline = reverse("reviews:case_document", args=[review_case.pk, document.pk])
    assert f'href="{inline}" target="_blank" rel="noopener">Trade test records</a>' in page
    assert "Pass rates for three years." in page
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[accepted[0].pk])).content.decode()
    assert f'href="{inline}" target="_blank" rel="noopener">Trade test records</a>' in page
    client.force_login(other_applicant)
    assert client.get(reverse("reviews:case", args=[review_case.pk])).status_code == 404
