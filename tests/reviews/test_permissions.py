"""Who sees what. Every page is asked by each persona; a page someone may not see is a 404."""

import pytest
from django.urls import reverse

from applications.models import Application
from reviews import services
from reviews.models import ReviewAssignment

from .conftest import due

PERSONAS = [
    "applicant",
    "other_applicant",
    "case_officer",
    "reviewer",
    "second_reviewer",
    "conflicted_reviewer",
    "approver",
    "register_admin",
]


@pytest.fixture
def people(request):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def conflicted_assignment(review_case, case_officer, conflicted_reviewer):
    """The conflicted reviewer was invited before their affiliation was known, then answered."""
    assignment = ReviewAssignment.objects.create(
        application=review_case, reviewer=conflicted_reviewer, due_on=due(), invited_by=case_officer
    )
    return services.assignment_respond(
        assignment=assignment, actor=conflicted_reviewer, accept=True, has_conflict=False
    )


def status(client, user, url, method="get", data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    client.logout()
    return response.status_code


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("reviews:queue", {"case_officer"}),
        ("reviews:approvals", {"approver"}),
        ("reviews:my_reviews", {"reviewer", "second_reviewer", "conflicted_reviewer"}),
    ],
)
def test_queues_by_role(client, people, url_name, allowed):
    url = reverse(url_name)
    for name, user in people.items():
        assert status(client, user, url) == (200 if name in allowed else 404), name


def test_case_page_only_for_case_officers_and_approvers(client, people, accepted, conflicted_assignment, review_case):
    url = reverse("reviews:case", args=[review_case.pk])
    for name, user in people.items():
        assert status(client, user, url) == (200 if name in {"case_officer", "approver"} else 404), name


def test_case_actions_refused_with_404_for_everyone_else(client, people, screening_case):
    for action in ("send-to-review", "return", "ineligible", "invite", "recommend", "appoint", "reject"):
        url = reverse("reviews:case_action", args=[screening_case.pk, action])
        for name, user in people.items():
            if name in {"case_officer", "approver"}:
                continue
            assert status(client, user, url, "post", {"expected_state": "screening"}) == 404, (action, name)
    assert Application.objects.get(pk=screening_case.pk).state == "screening"


def test_assignment_page_only_for_its_cleared_reviewer(client, people, accepted, conflicted_assignment):
    mine = accepted[0]
    url = reverse("reviews:assignment", args=[mine.pk])
    for name, user in people.items():
        assert status(client, user, url) == (200 if name == "reviewer" else 404), name
    conflicted_url = reverse("reviews:assignment", args=[conflicted_assignment.pk])
    for name, user in people.items():
        assert status(client, user, conflicted_url) == 404, name


def test_conflicted_reviewer_sees_nothing_of_the_case(client, conflicted_reviewer, conflicted_assignment, review_case):
    assert conflicted_assignment.state == "conflicted"
    app = Application.objects.get(pk=review_case.pk)
    assert not conflicted_reviewer.has_perm("applications.access_application", app)
    urls = [
        reverse("reviews:case", args=[app.pk]),
        reverse("reviews:assignment", args=[conflicted_assignment.pk]),
        reverse("reviews:respond", args=[conflicted_assignment.pk]),
        reverse("reviews:case_action", args=[app.pk, "moderate"]),
    ]
    for url in urls:
        assert status(client, conflicted_reviewer, url) == 404, url
    client.force_login(conflicted_reviewer)
    assert app.reference not in client.get(reverse("reviews:my_reviews")).content.decode()


def test_view_application_permission_follows_the_assignment(
    review_case, case_officer, reviewer, second_reviewer, other_applicant, applicant, approver
):
    app = Application.objects.get(pk=review_case.pk)
    assert not reviewer.has_perm("applications.access_application", app)
    assignment = services.assignment_invite(application=app, reviewer=reviewer, due_on=due(), actor=case_officer)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # fresh: the predicate caches per user object
    assert not reviewer.has_perm("applications.access_application", app)  # invited, not yet declared
    services.assignment_respond(assignment=assignment, actor=reviewer, accept=True, has_conflict=False)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert reviewer.has_perm("applications.access_application", app)
    declined = services.assignment_invite(application=app, reviewer=second_reviewer, due_on=due(), actor=case_officer)
    services.assignment_respond(
        assignment=declined, actor=second_reviewer, accept=False, has_conflict=False, decline_reason="Busy."
    )
    second_reviewer = type(second_reviewer).objects.get(pk=second_reviewer.pk)
    assert not second_reviewer.has_perm("applications.access_application", app)
    assert not other_applicant.has_perm("applications.access_application", app)
    assert applicant.has_perm("applications.access_application", app)
    assert approver.has_perm("applications.access_application", app)


def test_other_reviews_hidden_until_own_submitted(client, accepted, reviewer, second_reviewer):
    from .conftest import score_all

    score_all(accepted[1], second_reviewer, merit={"2": 1})
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[accepted[0].pk])).content.decode()
    assert "All submitted reviews" not in page
    assert "Reviewer Two" not in page
    score_all(accepted[0], reviewer)
    page = client.get(reverse("reviews:assignment", args=[accepted[0].pk])).content.decode()
    assert "All submitted reviews" in page
    assert "Reviewer Two" in page


def test_reviewer_queue_lists_only_own_conflict_free_assignments(
    client, accepted, conflicted_assignment, reviewer, second_reviewer, conflicted_reviewer
):
    ref = accepted[0].application.reference
    client.force_login(reviewer)
    assert client.get(reverse("reviews:my_reviews")).content.decode().count(ref) == 1
    client.force_login(conflicted_reviewer)
    assert ref not in client.get(reverse("reviews:my_reviews")).content.decode()


def test_approver_who_reviewed_the_case_sees_no_decision_forms(client, decidable_case, reviewer):
    from django.contrib.auth.models import Group

    from accounts.roles import APPROVER

    reviewer.groups.add(Group.objects.get_or_create(name=APPROVER)[0])
    client.force_login(reviewer)
    page = client.get(reverse("reviews:case", args=[decidable_case.pk])).content.decode()
    assert "Appoint for this term" not in page
