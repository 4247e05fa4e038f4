"""The management information dashboard in the browser, in English and Traditional Chinese."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.system import system_actor
from agencies import services as agency_services
from agencies.models import Scheme
from applications.models import Application
from audit.services import audit_record
from management import services as mi_services
from reviews.models import ReviewAssignment
from tests import factories
from tests.factories import ApplicationFactory

from .conftest import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEPS = {
    "submitted": ["submitted"],
    "screening": ["submitted", "screening"],
    "under_review": ["submitted", "screening", "under_review"],
    "recommended": ["submitted", "screening", "under_review", "recommended"],
    "appointed": ["submitted", "screening", "under_review", "recommended", "appointed"],
    "rejected": ["submitted", "screening", "under_review", "recommended", "rejected"],
}


def _case(state: str, started_days_ago: int, officer, reviewer, industry):
    application = ApplicationFactory(state=state, evidence=True, industry=industry)
    when = timezone.now() - timedelta(days=started_days_ago)
    previous = "draft"
    for step in STEPS[state]:
        with time_machine.travel(when, tick=False):
            audit_record(
                action="applications.application.moved",
                obj=application,
                actor=officer,
                from_state=previous,
                to_state=step,
            )
        previous, when = step, when + timedelta(days=9)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=started_days_ago),
        decided_at=when if state in ("appointed", "rejected") else None,
    )
    if state == "under_review":
        ReviewAssignment.objects.create(
            application=application,
            reviewer=reviewer,
            state="accepted",
            due_on=date.today() + timedelta(days=7),
            invited_by=officer,
            conflict_declared_at=timezone.now(),
        )
    return application


@pytest.fixture
def figures(reference, case_officer, reviewer, register_admin):
    industries = [factories.IndustryFactory(name=f"Sector {n}", name_en=f"Sector {n}") for n in range(3)]
    today = timezone.localdate()
    agency_services.appointment_create(
        actor=system_actor(),
        agency=factories.OrganisationFactory(name="Harbour Skills Institute", name_en="Harbour Skills Institute"),
        scheme=Scheme.objects.get(code="rpl"),
        industry=industries[0],
        start=today - timedelta(days=1500),
        end=today + timedelta(days=200),
        publish=True,
    )
    mi_services.closure_day_save(actor=register_admin, day=today - timedelta(days=20), reason="Signal No. 8")
    plan = [
        ("submitted", 5),
        ("screening", 30),
        ("under_review", 80),
        ("under_review", 25),
        ("recommended", 60),
        ("appointed", 200),
        ("rejected", 150),
        ("appointed", 120),
    ]
    for index, (state, days) in enumerate(plan):
        _case(state, days, case_officer, reviewer, industries[index % 3])


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_dashboard_in_the_browser(page, live_server, shot, axe_check, figures, bureau_manager, lang):
    login_as(page, live_server, bureau_manager)
    page.goto(f"{live_server.url}/{lang}/management/?stalled_after=5")
    heading = {"en": "Management information", "zh-hant": "管理資訊"}[lang]
    assert page.locator("h1").inner_text() == heading
    assert page.locator("svg[role=img]").count() >= 6
    shot(page, f"management-dashboard-{lang}")
    axe_check(page, f"management dashboard {lang}")
    page.goto(f"{live_server.url}/{lang}/management/cases/")
    assert page.locator("table tbody tr").count() == 8
    shot(page, f"management-cases-{lang}")
    axe_check(page, f"management cases {lang}")
    page.goto(f"{live_server.url}/{lang}/management/?start=2026-06-30&end=2026-06-01")
    message = {"en": "The end of the period is before its start.", "zh-hant": "期間的結束日期早於開始日期。"}[lang]
    assert message in page.locator(".alert-danger").inner_text()
    shot(page, f"management-bad-period-{lang}")
