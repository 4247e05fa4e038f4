"""A case from screening through two reviews, moderation and appointment, in the browser."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import APPROVER, CASE_OFFICER, REVIEWER, STAFF_ROLES
from accounts.system import system_actor
from agencies.enums import MemberRole
from agencies.services import appointment_publish
from applications.models import Application
from audit.models import AuditEntry
from tests.conftest import _with_totp
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(name: str, role: str | None = None):
    user = UserFactory(full_name=name, is_staff=role in (CASE_OFFICER, APPROVER))
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role in STAFF_ROLES:
        _with_totp(user)  # bureau staff must have an authenticator app
    return user


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    login_as(page, live_server, user)


def submit(page, action: str):
    page.locator(f"form[action$='/{action}/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def score(page, application, merit: dict[str, int]):
    for criterion in application.criteria_set.criteria.order_by("order"):
        if criterion.is_gate:
            page.select_option(f"#id_verdict_{criterion.pk}", "met")
        else:
            page.select_option(f"#id_score_{criterion.pk}", str(merit.get(criterion.code, 3)))
        page.fill(f"#id_reason_{criterion.pk}", f"Reason for criterion {criterion.code}.")


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_review_journey(page, live_server, shot, axe_check, reference, lang):
    organisation = OrganisationFactory(name="Harbour Skills Institute", name_en="Harbour Skills Institute")
    MembershipFactory(organisation=organisation, user=person("Applicant One"), role=MemberRole.OWNER)
    application = ApplicationFactory(
        state="submitted", evidence=True, organisation=organisation, submitted_at=timezone.now()
    )
    officer = person("Case Officer", CASE_OFFICER)
    first = person("Reviewer One", REVIEWER)
    second = person("Reviewer Two", REVIEWER)
    approver = person("Approver", APPROVER)
    base = f"{live_server.url}/{lang}/review"
    case_url = f"{base}/cases/{application.pk}/"
    criterion_5 = application.criteria_set.criteria.get(code="5")

    # Screening: the case officer finds the case in the queue, screens it and sends it to review.
    sign_in(page, live_server, officer)
    page.goto(f"{base}/")
    assert application.reference in page.locator("table").inner_text()
    shot(page, f"review-01-queue-{lang}")
    axe_check(page, f"queue {lang}")
    page.click(f"text={application.reference}")
    submit(page, "start-screening")
    assert "Legal entity" in page.content() or "法律實體" in page.content()
    shot(page, f"review-02-screening-{lang}")
    axe_check(page, f"screening {lang}")
    submit(page, "send-to-review")
    page.select_option("#id_reviewers", [str(first.pk), str(second.pk)])
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=14)).isoformat())
    submit(page, "invite")
    assert Application.objects.get(pk=application.pk).state == "under_review"

    # Two reviews: each reviewer declares no conflict, accepts and scores; they disagree on criterion 5.
    for reviewer, merit in ((first, {"5": 4}), (second, {"5": 2})):
        sign_in(page, live_server, reviewer)
        page.goto(f"{base}/assignments/")
        page.click(f"text={application.reference}")
        if reviewer == first:
            shot(page, f"review-03-declaration-{lang}")
            axe_check(page, f"declaration {lang}")
        page.check("#id_has_conflict_0")
        page.check("#id_answer_0")
        page.locator("form[action$='/respond/'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        score(page, application, merit)
        if reviewer == first:
            shot(page, f"review-04-scoring-{lang}")
            axe_check(page, f"scoring {lang}")
        page.click("button[name=submit_review]")
        page.wait_for_load_state("networkidle")
    shot(page, f"review-05-submitted-review-{lang}")

    # Moderation and recommendation by the case officer.
    sign_in(page, live_server, officer)
    page.goto(case_url)
    page.select_option(f"#id_m{criterion_5.pk}-score", "3")
    page.fill(f"#id_m{criterion_5.pk}-rationale", "Trade-test records support a 3.")
    page.locator("form.moderation-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.check("#id_outcome_0")
    page.fill("#id_summary", "Meets the gates; strong network and experience.")
    shot(page, f"review-06-moderation-{lang}")
    axe_check(page, f"moderation {lang}")
    submit(page, "recommend")
    assert Application.objects.get(pk=application.pk).state == "recommended"

    # The approver records the determination and the considerations, then appoints.
    sign_in(page, live_server, approver)
    page.goto(f"{base}/approvals/")
    page.click(f"text={application.reference}")
    # Made a month ago, with no end to its validity: the term below needs no reason.
    page.fill("#id_det-determined_on", (timezone.localdate() - timedelta(days=30)).isoformat())
    page.select_option("#id_det-outcome", "competent")
    page.fill("#id_det-report_reference", "HKCAAVQ/AA/2027/001")
    submit(page, "determination")
    page.fill("#id_con-industry_views", "The trade associations support the application.")
    page.fill("#id_con-industry_characteristics", "Small firms, shift work.")
    submit(page, "considerations")
    page.fill("#id_apt-term_start", "2027-04-01")
    page.fill("#id_apt-term_end", "2032-03-31")
    page.fill("#id_apt-conditions", "Report to the Secretary every year.")
    shot(page, f"review-07-decision-{lang}")
    axe_check(page, f"decision {lang}")
    submit(page, "appoint")
    shot(page, f"review-08-appointed-{lang}")
    axe_check(page, f"appointed {lang}")

    application = Application.objects.select_related("appointment").get(pk=application.pk)
    assert application.state == "appointed"
    appointment = application.appointment
    assert (appointment.agency, appointment.is_published) == (organisation, False)
    assert (str(appointment.first_start), str(appointment.current_end)) == ("2027-04-01", "2032-03-31")
    timeline = page.locator(".timeline").inner_text()
    for code in (
        "applications.application.screening_started",
        "applications.application.sent_to_review",
        "reviews.assignment.submitted",
        "reviews.moderation.saved",
        "applications.application.recommended",
        "applications.application.appointed",
    ):
        assert code in timeline
    assert not AuditEntry.objects.filter(outcome="refused").exists()
    appointment_publish(appointment=appointment, actor=system_actor())
    appointment.refresh_from_db()
    assert appointment.is_published
