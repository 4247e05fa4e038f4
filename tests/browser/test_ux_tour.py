"""Every page each persona uses, in the three languages: accessible, translated, and screenshotted.

On a Chinese page no English interface text may remain: the visible text is searched for runs of
two or more English words, less the data the test itself typed in English (names, e-mail
addresses, narratives), which a Chinese page rightly shows as entered.
"""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from agencies.enums import MemberRole
from agencies.models import Appointment, Industry
from agencies.seeding import load_reference, load_register
from applications.models import Application
from notifications.services import notify
from reviews import services
from reviews.enums import DeterminationOutcome
from tests.conftest import _with_role, _with_totp
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import ARTIFACTS, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "zh-hant", "zh-hans"]

# Interface labels that must read in the page's language wherever they appear: each Chinese page
# is checked for the English label (as a whole visible phrase) and for runs of English words.
ENGLISH_PHRASE = re.compile(r"[A-Za-z][a-z]+(?:[ '\-][A-Za-z][a-z]*)+")
# Data the test enters in English, and proper names a Chinese page keeps in English.
DATA_PHRASES = (
    "Applicant One",
    "Case Officer",
    "Reviewer One",
    "Reviewer Two",
    "Register Admin",
    "Harbour Skills Institute",
    # the factories' organisations have English names only, which every language falls back to
    "Training Institute",
    "Meets every criterion",
    "Trade associations support",
    "Small and medium enterprises",
    "Cost recovery only",
    "Please send the audited accounts",
    "Evidence for",
    "Gate",
    "Scored",
    "Send the audited accounts for the last two years",
    "Your application has moved on",
    "Hong Kong Council for Accreditation of Academic and Vocational Qualifications",
    # The register lists this collaborating body under its English name in every language.
    "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited",
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def english_left(page) -> list[str]:
    """Runs of English words in the visible text of a Chinese page, less the test's own data."""
    # what a page shows in English on purpose (the register's entry previewed in each language) is marked so
    text = page.evaluate(
        """() => { const hidden = [...document.querySelectorAll('main [lang="en"]')];
        hidden.forEach(e => { e.dataset.tourDisplay = e.style.display; e.style.display = 'none'; });
        const text = document.body.innerText;
        hidden.forEach(e => { e.style.display = e.dataset.tourDisplay; });
        return text; }"""
    )
    for phrase in DATA_PHRASES:
        text = text.replace(phrase, "")
    text = re.sub(r"\S+@\S+", "", text)
    text = re.sub(r"HK\$[^\n]*", "", text)
    return sorted(set(ENGLISH_PHRASE.findall(text)))


class Tour:
    """Visits pages in one language, checking each and saving a screenshot."""

    def __init__(self, page, live_server, shot, axe_check, lang: str, persona: str):
        self.page, self.server, self.shot, self.axe_check = page, live_server, shot, axe_check
        self.lang, self.persona = lang, persona
        self.untranslated: dict[str, list[str]] = {}

    def url(self, path: str) -> str:
        return f"{self.server.url}/{self.lang}{path}"

    def visit(self, name: str, path: str, *, data_page: bool = False):
        response = self.page.goto(self.url(path))
        assert response.status == 200, f"{path}: {response.status}"
        self.check(name, data_page=data_page)

    def check(self, name: str, *, data_page: bool = False):
        page = self.page
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1, f"{name}: one page heading"
        self.shot(page, f"tour-{self.persona}-{name}-{self.lang}")
        if page.viewport_size["width"] < 576:
            # The first screen as a phone shows it: what the full-page shot shrinks out of sight.
            page.screenshot(path=str(ARTIFACTS / f"tour-{self.persona}-{name}-{self.lang}-top.png"))
        if self.persona == "public":
            assert not ISO_DATE.findall(page.locator("main").inner_text()), f"{name}: dates read d.m.yyyy"
        self.axe_check(page, f"{self.persona} {name} {self.lang}")
        if self.lang != "en" and not data_page:
            left = english_left(page)
            if left:
                self.untranslated[name] = left

    def done(self):
        assert not self.untranslated, f"English left on {self.lang} pages: {self.untranslated}"


@pytest.fixture
def tour_setup(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    cache.clear()
    load_reference()
    load_register()
    yield
    cache.clear()


def person(name: str, role: str | None = None, staff: bool = False, lang: str = "en"):
    user = UserFactory(full_name=name, is_staff=staff, preferred_language=lang)
    if role:
        _with_role(user, role)
    if staff or role == "reviewers":
        _with_totp(user)  # bureau staff and reviewers must have an authenticator app
    return user


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tour_anonymous(page, live_server, shot, axe_check, tour_setup, lang):
    tour = Tour(page, live_server, shot, axe_check, lang, "public")
    agency = Appointment.objects.filter(is_published=True).select_related("agency").first().agency
    tour.visit("home", "/")
    tour.visit("register", "/register/")
    assert page.locator(".site-nav .navbar-nav a[aria-current=page]").get_attribute("href") == f"/{lang}/register/"
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".register-entry").first.is_visible()
    shot(page, f"tour-public-register-print-{lang}")
    page.emulate_media(media="screen")
    tour.visit("agency", f"/register/agencies/{agency.pk}/")
    tour.visit("timeline", "/register/timeline/")
    for topic in ("mechanisms", "rpl-criteria", "professional-qualifications", "who-benefits"):
        tour.visit(f"about-{topic}", f"/register/about/{topic}/")
    tour.visit("signin", "/accounts/login/")
    tour.visit("signup", "/accounts/signup/")
    tour.visit("password-reset", "/accounts/password/reset/")
    page.set_viewport_size({"width": 390, "height": 844})
    tour.visit("register-mobile", "/register/")
    page.locator(".navbar-toggler").click()
    page.wait_for_selector("#nav-main.show")
    tour.check("register-mobile-menu")
    tour.done()


def applicant_world(lang: str):
    organisation = OrganisationFactory(
        name="Harbour Skills Institute",
        name_en="Harbour Skills Institute",
        name_zh_hant="海港技能學院",
        name_zh_hans="海港技能学院",
    )
    applicant = person("Applicant One", lang=lang)
    MembershipFactory(organisation=organisation, user=applicant, role=MemberRole.OWNER)
    industry = Industry.objects.order_by("pk").first()
    draft = ApplicationFactory(organisation=organisation, created_by=applicant, evidence=True, industry=industry)
    submitted = ApplicationFactory(
        organisation=organisation,
        created_by=applicant,
        evidence=True,
        state="submitted",
        submitted_at=timezone.now(),
    )
    with translation.override(lang):
        notify(
            event="application.submitted",
            recipients=[applicant],
            context={"reference": submitted.reference, "organisation": organisation.name_en},
            key=f"tour-{submitted.pk}",
            link=f"/applications/{submitted.pk}/status/",
        )
    return applicant, organisation, draft, submitted


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tour_applicant(page, live_server, shot, axe_check, tour_setup, lang):
    applicant, organisation, draft, submitted = applicant_world(lang)
    criterion = draft.criteria_set.criteria.order_by("order").first()
    login_as(page, live_server, applicant)
    tour = Tour(page, live_server, shot, axe_check, lang, "applicant")
    tour.visit("dashboard", "/dashboard/")
    assert page.locator(".work-nav a[aria-current=page]").get_attribute("href") == f"/{lang}/dashboard/"
    page.locator("#account-menu").click()
    menu = page.locator(".account-menu .dropdown-menu")
    assert menu.is_visible()
    tour.check("account-menu")
    page.keyboard.press("Escape")
    tour.visit("applications", "/applications/")
    tour.visit("organisation", f"/applications/organisations/{organisation.pk}/")
    tour.visit("organisation-edit", f"/applications/organisations/{organisation.pk}/edit/")
    tour.visit("organisation-new", "/applications/organisations/new/")
    tour.visit("start", "/applications/new/rpl/")
    tour.visit("application", f"/applications/{draft.pk}/")
    tour.visit("evidence", f"/applications/{draft.pk}/criteria/{criterion.pk}/")
    tour.visit("documents", f"/applications/{draft.pk}/documents/")
    tour.visit("submit", f"/applications/{draft.pk}/submit/")
    tour.visit("status", f"/applications/{submitted.pk}/status/")
    tour.visit("messages", "/messages/")
    tour.visit("preferences", "/messages/preferences/")
    tour.visit("profile", "/accounts/profile/")
    tour.visit("two-factor", "/accounts/2fa/")
    tour.visit("password-change", "/accounts/password/change/")
    tour.visit("email", "/accounts/email/")
    page.set_viewport_size({"width": 390, "height": 844})
    tour.visit("dashboard-mobile", "/dashboard/")
    page.locator(".navbar-toggler").click()
    page.wait_for_selector("#nav-main.show")
    tour.check("dashboard-mobile-menu")
    tour.done()


def case_in(state: str, organisation, officer, reviewers, approver) -> Application:
    """A case moved through the services up to `state`."""
    application = ApplicationFactory(
        organisation=organisation, evidence=True, state="submitted", submitted_at=timezone.now()
    )
    if state == "submitted":
        return application
    application = services.case_start_screening(application=application, actor=officer)
    if state == "screening":
        return application
    if state == "returned":
        criterion = application.criteria_set.criteria.order_by("order").first()
        services.case_return_for_information(
            application=application,
            actor=officer,
            items=[(criterion.pk, "Send the audited accounts for the last two years.")],
            reply_by=timezone.localdate() + timedelta(days=21),
            message="Please send the audited accounts.",
        )
        return Application.objects.get(pk=application.pk)
    application = services.case_send_to_review(application=application, actor=officer)
    assignments = [
        services.assignment_invite(
            application=application, reviewer=reviewer, due_on=timezone.localdate() + timedelta(days=14), actor=officer
        )
        for reviewer in reviewers
    ]
    if state == "invited":
        return application
    assignments = [
        services.assignment_respond(assignment=a, actor=r, accept=True, has_conflict=False)
        for a, r in zip(assignments, reviewers, strict=True)
    ]
    if state == "under_review":
        return application
    for assignment, reviewer in zip(assignments, reviewers, strict=True):
        entries = {}
        for criterion in application.criteria_set.criteria.all():
            if criterion.is_gate:
                entries[criterion.pk] = {"verdict": "met", "reason": f"Gate {criterion.code} checked."}
            else:
                entries[criterion.pk] = {"score": 3, "reason": f"Scored {criterion.code}."}
        services.scores_save(assignment=assignment, actor=reviewer, entries=entries)
        services.review_submit(assignment=assignment, actor=reviewer)
    if state == "reviewed":
        return application
    services.case_recommend(application=application, actor=officer, outcome="appoint", summary="Meets every criterion.")
    application = Application.objects.get(pk=application.pk)
    if state == "recommended":
        return application
    services.determination_record(
        application=application,
        actor=approver,
        determined_on=timezone.localdate() - timedelta(days=30),
        outcome=DeterminationOutcome.COMPETENT,
        report_reference="HKCAAVQ/AA/2026/001",
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=date(2033, 12, 31),
        conditions="",
    )
    services.considerations_record(
        application=application,
        actor=approver,
        industry_views="Trade associations support the applicant.",
        industry_characteristics="Small and medium enterprises.",
        fee_policy="Cost recovery only.",
        other_matters="",
    )
    if state == "decidable":
        return application
    services.case_appoint(
        application=application, actor=approver, term_start=date(2027, 4, 1), term_end=date(2032, 3, 31)
    )
    return Application.objects.get(pk=application.pk)


def bureau(lang: str):
    """The bureau's staff and two reviewers, each reading the site in `lang`."""
    from accounts.roles import APPROVER, CASE_OFFICER, REVIEWER

    return {
        "officer": person("Case Officer", CASE_OFFICER, staff=True, lang=lang),
        "reviewers": [person("Reviewer One", REVIEWER, lang=lang), person("Reviewer Two", REVIEWER, lang=lang)],
        "approver": person("Approver", APPROVER, staff=True, lang=lang),
    }


def cases_in(states, staff) -> dict[str, Application]:
    cases = {}
    with translation.override("en"):
        for state in states:
            organisation = OrganisationFactory()
            MembershipFactory(organisation=organisation, user=person(f"Owner {state}"), role=MemberRole.OWNER)
            cases[state] = case_in(state, organisation, staff["officer"], staff["reviewers"], staff["approver"])
    return cases


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tour_case_officer(page, live_server, shot, axe_check, tour_setup, lang):
    staff = bureau(lang)
    cases = cases_in(["submitted", "screening", "returned", "under_review", "reviewed", "appointed"], staff)
    tour = Tour(page, live_server, shot, axe_check, lang, "officer")
    login_as(page, live_server, staff["officer"])
    tour.visit("queue", "/review/")
    for state, case in cases.items():
        tour.visit(f"case-{state}", f"/review/cases/{case.pk}/")
    tour.visit("dashboard", "/dashboard/")
    tour.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tour_reviewer_and_approver(page, live_server, shot, axe_check, tour_setup, lang):
    staff = bureau(lang)
    cases = cases_in(["invited", "under_review", "recommended"], staff)
    reviewer = staff["reviewers"][0]
    tour = Tour(page, live_server, shot, axe_check, lang, "reviewer")
    login_as(page, live_server, reviewer)
    tour.visit("my-reviews", "/review/assignments/")
    invited = cases["invited"].review_assignments.get(reviewer=reviewer)
    accepted = cases["under_review"].review_assignments.get(reviewer=reviewer)
    tour.visit("declaration", f"/review/assignments/{invited.pk}/")
    tour.visit("scoring", f"/review/assignments/{accepted.pk}/")

    page.context.clear_cookies()
    login_as(page, live_server, staff["approver"])
    tour.persona = "approver"
    tour.visit("approvals", "/review/approvals/")
    tour.visit("decision", f"/review/cases/{cases['recommended'].pk}/")
    tour.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tour_register_admin(page, live_server, shot, axe_check, tour_setup, lang):
    from accounts.roles import REGISTER_ADMIN

    admin = person("Register Admin", REGISTER_ADMIN, staff=True, lang=lang)
    tour = Tour(page, live_server, shot, axe_check, lang, "registeradmin")
    login_as(page, live_server, admin)
    appointment = Appointment.objects.filter(is_published=True).order_by("pk").first()
    tour.visit("manage", "/register/manage/")
    tour.visit("manage-detail", f"/register/manage/{appointment.pk}/")
    # The industries' list shows every language's name side by side, and their codes.
    tour.visit("admin-industries", "/admin/agencies/industry/", data_page=True)
    assert (
        page.locator("#site-name").inner_text()
        == {
            "en": "HKQF Assessment Agencies administration",
            "zh-hant": "資歷架構評估機構管理",
            "zh-hans": "资历架构评估机构管理",
        }[lang]
    )
    tour.done()
