"""The dashboard, the case-by-case page and the exports: who sees them, bad input, the exports' cells."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from accounts.system import system_actor
from agencies import services as agency_services
from agencies.models import Scheme
from audit.services import audit_record
from tests import factories
from tests.factories import ApplicationFactory

DASHBOARD = "/en/management/"


@pytest.fixture
def world(reference, applicant, case_officer):
    """An open case held by the applicant's organisation, whose name is a spreadsheet formula, and an
    industry whose only agency's term ends within a year."""
    organisation = factories.OrganisationFactory(name='=HYPERLINK("http://x")', name_en='=HYPERLINK("http://x")')
    application = ApplicationFactory(state="returned", organisation=organisation, created_by=applicant)
    long_ago = timezone.now() - timedelta(days=60)
    type(application).objects.filter(pk=application.pk).update(submitted_at=long_ago)
    with time_machine.travel(long_ago):
        audit_record(
            action="applications.application.submitted",
            obj=application,
            actor=applicant,
            from_state="draft",
            to_state="submitted",
        )
    industry = factories.IndustryFactory(name="Ending Industry", name_en="Ending Industry")
    today = timezone.localdate()
    agency_services.appointment_create(
        actor=system_actor(),
        agency=factories.OrganisationFactory(),
        scheme=Scheme.objects.get(code="rpl"),
        industry=industry,
        start=today - timedelta(days=300),
        end=today + timedelta(days=100),
        publish=True,
    )
    lonely = factories.IndustryFactory(name="Lonely Industry", name_en="Lonely Industry")
    return {"application": application, "industry": industry, "lonely": lonely}


@pytest.mark.parametrize("persona", ["bureau_manager", "approver"])
def test_the_bureau_manager_and_approvers_see_the_dashboard(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open cases by state and age" in body
    assert "<svg" in body
    assert "Lonely Industry" in body  # no agency at all
    assert "Ending Industry" in body  # its only agency's term ends within 12 months


@pytest.mark.parametrize("persona", ["case_officer", "register_admin", "reviewer", "applicant"])
def test_other_roles_get_a_404(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(DASHBOARD).status_code == 404
    assert client.get("/en/management/cases/").status_code == 404
    assert client.get("/en/management/export/funnel.csv").status_code == 404


def test_anonymous_is_asked_to_sign_in(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-06-30&end=2026-06-01", "The end of the period is before its start."),
        ("start=1926-01-01&end=2025-12-31", "A period may be at most five years long. Choose a shorter one."),
        ("industry=no-such-industry", "There is no industry with the code “no-such-industry”."),
        ("scheme=xyz", "There is no scheme with the code “xyz”."),
        ("start=not-a-date", "Enter a valid date."),
        ("stalled_after=0", "Stalled after must be between 1 and 250 working days."),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_figures(client, bureau_manager, world, query, message):
    client.force_login(bureau_manager)
    response = client.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Open cases by state and age" not in body
    export = client.get(f"/en/management/export/funnel.csv?{query}")
    assert export.status_code == 400
    assert message in export.content.decode()


def test_a_period_in_the_far_future_outside_the_calendar_is_refused(client, bureau_manager, world):
    client.force_login(bureau_manager)
    response = client.get(f"{DASHBOARD}?start=2090-01-01&end=2090-12-31")
    assert response.status_code == 400
    assert "Choose a period between 2000-01-01 and 2045-12-31." in response.content.decode()


def test_the_dashboard_in_traditional_chinese(client, bureau_manager, world):
    client.force_login(bureau_manager)
    response = client.get("/zh-hant/management/")
    assert response.status_code == 200
    assert "管理資訊" in response.content.decode()


def test_unknown_export_is_a_404(client, bureau_manager, world):
    client.force_login(bureau_manager)
    assert client.get("/en/management/export/no_such_table.csv").status_code == 404
    assert client.get("/en/management/export/funnel.pdf").status_code == 404


def _period() -> str:
    today = timezone.localdate()
    return f"start={(today - timedelta(days=90)).isoformat()}&end={today.isoformat()}&stalled_after=1"


def test_csv_export_neutralises_formulas(client, bureau_manager, world):
    client.force_login(bureau_manager)
    response = client.get(f"/en/management/export/stalled.csv?{_period()}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Reference"
    holder = rows[1][6]
    assert holder.startswith("'=HYPERLINK")
    assert rows[1][0] == world["application"].reference


def test_xlsx_export_neutralises_formulas(client, bureau_manager, world):
    client.force_login(bureau_manager)
    response = client.get(f"/en/management/export/stalled.xlsx?{_period()}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "Reference"
    assert values[2][6].startswith("'=HYPERLINK")
    assert all(not str(v).startswith("=") for row in values for v in row if v is not None)


@pytest.mark.parametrize(
    "name",
    [
        "open_by_state",
        "targets",
        "over_target",
        "stalled",
        "funnel",
        "stages",
        "decision_times",
        "reviewers",
        "decisions",
        "terms",
        "without_agency",
        "ending_soon",
        "fees",
        "time_in_states",
        "open_cases",
    ],
)
def test_every_table_exports_as_csv_and_xlsx(client, bureau_manager, world, name):
    client.force_login(bureau_manager)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/en/management/export/{name}.{fmt}?{_period()}")
        assert response.status_code == 200, (name, fmt)
        assert "attachment" in response["Content-Disposition"]


def test_the_case_by_case_page_lists_the_period_cases(client, bureau_manager, world):
    client.force_login(bureau_manager)
    response = client.get(f"/en/management/cases/?{_period()}")
    assert response.status_code == 200
    assert world["application"].reference in response.content.decode()


def test_a_bureau_manager_cannot_act_on_a_case(client, bureau_manager, world, reference):
    submitted = ApplicationFactory(state="submitted", evidence=True)
    client.force_login(bureau_manager)
    assert client.get("/en/management/open/").status_code == 200
    for action in ("start-screening", "recommend", "invite"):
        response = client.post(f"/en/review/cases/{submitted.pk}/{action}/", {})
        assert response.status_code == 404
    assert client.get(f"/en/review/cases/{submitted.pk}/").status_code == 404
    assert client.get("/en/review/").status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_industry_filter_narrows_the_fee_schedules(client, bureau_manager, world, reference):
    from applications.models import Application

    appointment = world["industry"].appointments.get()
    case = ApplicationFactory(state="appointed", industry=world["industry"], fee_policy="HK$900 per candidate.")
    Application.objects.filter(pk=case.pk).update(appointment=appointment, decided_at=timezone.now())
    client.force_login(bureau_manager)
    shown = client.get(f"{DASHBOARD}?industry={world['industry'].code}").content.decode()
    assert "HK$900 per candidate." in shown
    other = client.get(f"{DASHBOARD}?industry={world['lonely'].code}").content.decode()
    assert "HK$900 per candidate." not in other


def test_reused_figures_are_dropped_when_the_audit_trail_moves(client, bureau_manager, world, settings):
    """The figures are reused between requests only while nothing they read has changed."""
    settings.MI_CACHE_SECONDS = 300
    client.force_login(bureau_manager)
    path = f"{DASHBOARD}?{_period()}"
    first = client.get(path).content.decode()
    assert first.count(world["application"].reference) == 1  # stalled (idle 60 days), held by the applicant
    application = world["application"]
    audit_record(
        action="applications.application.resubmitted",
        obj=application,
        actor=bureau_manager,
        from_state="returned",
        to_state="submitted",
    )
    type(application).objects.filter(pk=application.pk).update(state="submitted")
    again = client.get(path).content.decode()
    assert again.count(application.reference) == 0  # acted on just now: no longer stalled


def test_terms_ending_in_the_next_twelve_months_are_counted(bureau_manager, world):
    from management import selectors
    from management.forms import default_filters

    today = timezone.localdate()
    rows = selectors.terms_by_quarter(filters=default_filters(today), today=today)
    assert sum(r["ending"] for r in rows) == 1  # the Ending Industry's term, 100 days from today
    assert sum(r["first"] for r in rows) == 1  # it started 300 days ago, inside the default period


def test_every_open_case_shows_where_it_stands_against_its_target(client, bureau_manager, world, reference):
    from management.enums import Stage
    from management.models import ServiceTarget

    ServiceTarget.objects.filter(stage=Stage.SCREENING).update(working_days=1, near_days=0)
    late = ApplicationFactory(state="submitted")
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        audit_record(
            action="applications.application.submitted",
            obj=late,
            actor=bureau_manager,
            from_state="draft",
            to_state="submitted",
        )
    client.force_login(bureau_manager)
    response = client.get("/en/management/open/")
    assert response.status_code == 200
    rows = response.context["table"].rows
    assert rows[0][0] == late.reference
    assert rows[0][5] == "Over target"
    assert {r[0] for r in rows} == {late.reference, world["application"].reference}
    returned = next(r for r in rows if r[0] == world["application"].reference)
    assert returned[5] == ""  # the applicant holds it: no target runs
