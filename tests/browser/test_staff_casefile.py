"""Each member of staff does their job from the case file, by reading and clicking only, in English
and Traditional Chinese: the case officer, a reviewer, the approver and the register administrator."""

import hashlib
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import APPROVER, CASE_OFFICER, REGISTER_ADMIN, REVIEWER, STAFF_ROLES
from agencies.enums import MemberRole
from agencies.models import Appointment, Organisation, OrganisationOfficer
from applications import storage
from applications.models import Application, Document, InformationRequest, InformationRequestItem
from casework.models import CaseMessage, CaseNote
from reviews import services
from reviews.models import ReviewAssignment
from tests.conftest import _with_totp
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "zh-hant"]
PDF = b"%PDF-1.4\n% case file\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def person(name: str, role: str):
    user = UserFactory(full_name=name, is_staff=role in STAFF_ROLES)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if role in STAFF_ROLES or role == REVIEWER:  # reviewers read confidential evidence: a second factor too
        _with_totp(user)
    return user


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    login_as(page, live_server, user)


def go(page, selector: str):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def submit(page, action: str):
    go(page, f"form[action$='/{action}/'] button[type=submit]")


def a_case(state: str = "submitted") -> Application:
    """A case with officers, a collaborator, narratives, a PDF per criterion 4 and an answered request."""
    organisation = OrganisationFactory(name="Harbour Skills Institute", name_en="Harbour Skills Institute")
    MembershipFactory(organisation=organisation, user=UserFactory(full_name="Applicant One"), role=MemberRole.OWNER)
    OrganisationOfficer.objects.create(organisation=organisation, name="Chan Tai Man", position="Chair")
    OrganisationOfficer.objects.create(organisation=organisation, name="Wong Siu Ming", position="Director")
    application = ApplicationFactory(state=state, evidence=True, organisation=organisation, submitted_at=timezone.now())
    collaborator = Organisation.objects.create(name="Harbour Craft Guild", name_en="Harbour Craft Guild")
    application.proposed_collaborators.add(collaborator)
    criterion_4 = application.criteria_set.criteria.get(code="4")
    application.evidence.filter(criterion=criterion_4).update(
        narrative="We chair the ITAC's assessment working group and run trade tests with five employers."
    )
    stored = storage.new_stored_name("pdf")
    storage.write(stored, PDF)
    document = Document.objects.create(
        application=application,
        title="Letters from employers",
        original_name="letters.pdf",
        stored_name=stored,
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=application.created_by,
    )
    document.criteria.set([criterion_4])
    rfi = InformationRequest.objects.create(
        application=application,
        requested_by=person("Earlier Officer", CASE_OFFICER),
        reply_by=timezone.localdate(),
        response="Our audited accounts for three years are attached.",
        responded_at=timezone.now(),
    )
    InformationRequestItem.objects.create(
        request=rfi, criterion=application.criteria_set.criteria.get(code="7"), text="Show three years of accounts."
    )
    return application


def _scored_and_recommended(application, officer):
    reviewers = [person("Reviewer One", REVIEWER), person("Reviewer Two", REVIEWER)]
    services.case_start_screening(application=application, actor=officer)
    services.case_send_to_review(application=application, actor=officer)
    for reviewer in reviewers:
        assignment = services.assignment_invite(
            application=application, reviewer=reviewer, due_on=timezone.localdate() + timedelta(days=14), actor=officer
        )
        services.assignment_respond(assignment=assignment, actor=reviewer, accept=True, has_conflict=False)
        entries = {
            c.pk: ({"verdict": "met", "reason": "Shown."} if c.is_gate else {"score": 3, "reason": "Well shown."})
            for c in application.criteria_set.criteria.all()
        }
        services.scores_save(assignment=assignment, actor=reviewer, entries=entries)
        services.review_submit(assignment=assignment, actor=reviewer)
    services.case_recommend(application=application, actor=officer, outcome="appoint", summary="Meets every criterion.")


@pytest.mark.parametrize("lang", LANGS)
def test_case_officer_screens_from_the_case_file(page, live_server, shot, axe_check, reference, lang):
    application = a_case()
    closed = ApplicationFactory(state="rejected", evidence=True, submitted_at=timezone.now())
    officer = person("Case Officer", CASE_OFFICER)
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/{lang}/dashboard/")
    go(page, ".work-nav a[href$='/review/']")  # the work queue, from the tab bar
    go(page, f"a:text('{application.reference}')")
    submit(page, "start-screening")
    text = page.locator("main").inner_text()
    for expected in (
        "We chair the ITAC's assessment working group",
        "Chan Tai Man",
        "Wong Siu Ming",
        "Harbour Craft Guild",
        "HK$1,200 per assessment",
        "Show three years of accounts.",
        "Our audited accounts for three years are attached.",
        application.organisation.registration_number,
    ):
        assert expected in text, expected
    # the PDF opens in a new tab, permission-checked and audited
    link = page.locator(".case-criterion-documents a").first
    assert link.get_attribute("target") == "_blank"
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"
    shot(page, f"staff-officer-01-case-file-{lang}")
    axe_check(page, f"case page with the case file {lang}")
    # an internal note and a message to the applicant, from the case page
    page.fill("#id_text", "Site visit to confirm the workshop.")
    submit(page, "notes")
    page.fill("#id_subject", "Site visit")
    page.fill("#id_body", "We will visit your workshop on Monday at 10:00.")
    submit(page, "messages")
    assert CaseNote.objects.filter(application=application).count() == 1
    assert CaseMessage.objects.filter(application=application).count() == 1
    assert "Site visit to confirm the workshop." in page.locator(".case-conversation").inner_text()
    shot(page, f"staff-officer-02-notes-{lang}")
    # every case in every state: the closed one is found by its organisation
    go(page, ".work-nav a[href$='/review/cases/']")
    page.fill("#id_q", closed.organisation.name_en)
    go(page, ".case-search-form button[type=submit]")
    assert closed.reference in page.locator(".case-search-results").inner_text()
    shot(page, f"staff-officer-03-search-{lang}")
    axe_check(page, f"search {lang}")
    go(page, f".case-search-results a:text('{closed.reference}')")
    assert "/file/" in page.url
    shot(page, f"staff-officer-04-closed-case-file-{lang}")
    axe_check(page, f"case file {lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_reviewer_declares_knowing_the_parties_then_reads_and_scores(
    page, live_server, shot, axe_check, reference, lang
):
    application = a_case()
    officer = person("Case Officer", CASE_OFFICER)
    reviewer = person("Reviewer One", REVIEWER)
    services.case_start_screening(application=application, actor=officer)
    services.case_send_to_review(application=application, actor=officer)
    services.assignment_invite(
        application=application, reviewer=reviewer, due_on=timezone.localdate() + timedelta(days=14), actor=officer
    )
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/{lang}/dashboard/")
    go(page, ".work-nav a[href$='/review/assignments/']")
    go(page, f"a:text('{application.reference}')")
    parties = page.locator(".case-parties").inner_text()
    for name in ("Harbour Skills Institute", "Chan Tai Man", "Wong Siu Ming", "Harbour Craft Guild"):
        assert name in parties
    assert "We chair the ITAC" not in page.content()
    shot(page, f"staff-reviewer-01-invitation-{lang}")
    axe_check(page, f"invitation {lang}")
    page.check("#id_has_conflict_0")
    page.check("#id_answer_0")
    submit(page, "respond")
    assert page.locator(".scoring-guide").count() > 0
    shot(page, f"staff-reviewer-02-scoring-with-guide-{lang}")
    go(page, "a[href$='/file/']")
    assert "We chair the ITAC's assessment working group" in page.locator("main").inner_text()
    assert "Our audited accounts for three years are attached." in page.locator("main").inner_text()
    shot(page, f"staff-reviewer-03-case-file-{lang}")
    axe_check(page, f"reviewer's case file {lang}")
    go(page, "a.own-review")
    for criterion in application.criteria_set.criteria.order_by("order"):
        if criterion.is_gate:
            page.select_option(f"#id_verdict_{criterion.pk}", "met")
        else:
            page.select_option(f"#id_score_{criterion.pk}", "3")
        page.fill(f"#id_reason_{criterion.pk}", f"Reason for criterion {criterion.code}.")
    go(page, "button[name=submit_review]")
    assert ReviewAssignment.objects.get(reviewer=reviewer).state == "submitted"


@pytest.mark.parametrize("lang", LANGS)
def test_approver_keeps_the_typed_term_and_follows_the_steps(page, live_server, shot, axe_check, reference, lang):
    application = a_case()
    officer = person("Case Officer", CASE_OFFICER)
    approver = person("Approver", APPROVER)
    _scored_and_recommended(application, officer)
    sign_in(page, live_server, approver)
    page.goto(f"{live_server.url}/{lang}/dashboard/")
    go(page, ".work-nav a[href$='/review/approvals/']")
    go(page, f"a:text('{application.reference}')")
    assert "We chair the ITAC's assessment working group" in page.locator("main").inner_text()
    assert "Our audited accounts for three years are attached." in page.locator("main").inner_text()
    assert page.locator(".decision-step").count() == 3
    assert page.locator(".score-threshold").count() == 1
    # "Appoint" before the determination is refused, and the typed term is still there
    page.fill("#id_apt-term_start", "2027-04-01")
    page.fill("#id_apt-term_end", "2032-03-31")
    page.fill("#id_apt-conditions", "Report statistics every year.")
    submit(page, "appoint")
    assert Application.objects.get(pk=application.pk).state == "recommended"
    assert page.input_value("#id_apt-term_start") == "2027-04-01"
    assert page.input_value("#id_apt-term_end") == "2032-03-31"
    assert page.input_value("#id_apt-conditions") == "Report statistics every year."
    shot(page, f"staff-approver-01-refused-kept-{lang}")
    axe_check(page, f"decision page {lang}")
    determined = timezone.localdate() - timedelta(days=30)
    page.fill("#id_det-determined_on", determined.isoformat())
    page.select_option("#id_det-outcome", "competent")
    page.fill("#id_det-report_reference", "HKCAAVQ/AA/2026/001")
    page.fill("#id_det-valid_from", determined.isoformat())
    page.fill("#id_det-valid_until", (determined + timedelta(days=365 * 7)).isoformat())
    submit(page, "determination")
    page.fill("#id_con-industry_views", "The trade associations support the application.")
    page.fill("#id_con-industry_characteristics", "Small firms, shift work.")
    submit(page, "considerations")
    done = page.locator(".decision-step .badge.text-bg-success").count()
    assert done == 2
    page.fill("#id_apt-term_start", "2027-04-01")
    page.fill("#id_apt-term_end", "2032-03-31")
    submit(page, "appoint")
    shot(page, f"staff-approver-02-appointed-{lang}")
    assert Application.objects.get(pk=application.pk).state == "appointed"


@pytest.mark.parametrize("lang", LANGS)
def test_register_administrator_publishes_from_my_work(page, live_server, shot, axe_check, reference, lang):
    from agencies import services as register

    application = a_case(state="appointed")
    appointment = register.appointment_create(
        actor=person("Approver", APPROVER),
        agency=application.organisation,
        scheme=application.scheme,
        industry=application.industry,
        start=date(2027, 4, 1),
        end=date(2032, 3, 31),
        collaborators=list(application.proposed_collaborators.all()),
    )
    application.appointment = appointment
    application.save(update_fields=["appointment"])
    admin = person("Register Admin", REGISTER_ADMIN)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/{lang}/dashboard/")
    assert page.locator(".to-publish a").count() == 1
    go(page, ".to-publish a")
    assert page.locator(".public-texts").count() == 1
    shot(page, f"staff-register-01-appointment-{lang}")
    axe_check(page, f"appointment page {lang}")
    # the collaborating body was entered in English only: publishing is refused until it has three languages
    body = application.proposed_collaborators.get()
    page.fill(f"#id_collaborator-{body.pk}__zh_hant", "海港工藝協會")
    go(page, "button[name=propose]")
    assert page.input_value(f"#id_collaborator-{body.pk}__zh_hans") == "海港工艺协会"
    go(page, "button[name=save]")
    go(page, "a[href$='/confirm/publish/']")
    preview = page.locator(".entry-preview").inner_text()
    assert "海港工藝協會" in preview and "海港工艺协会" in preview and "Harbour Craft Guild" in preview
    shot(page, f"staff-register-02-confirm-{lang}")
    axe_check(page, f"publish confirmation {lang}")
    go(page, "form[action$='/publish/'] button[type=submit]")
    assert Appointment.objects.get(pk=appointment.pk).is_published
    go(page, "a[href*='/file/']")
    assert "We chair the ITAC's assessment working group" in page.locator("main").inner_text()
    shot(page, f"staff-register-03-case-file-{lang}")


def test_phone_width_tabs_and_empty_queue(browser, live_server, reference, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    try:
        login_as(page, live_server, person("Case Officer", CASE_OFFICER))
        page.goto(f"{live_server.url}/en/review/")
        page.wait_for_load_state("networkidle")
        tabs = page.locator(".work-nav-list .nav-link")
        for index in range(tabs.count()):
            box = tabs.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, tabs.nth(index).inner_text()
        assert page.locator("text=Assign reviewers to the selected cases").count() == 0
        shot(page, "staff-phone-01-queue-390")
    finally:
        context.close()
