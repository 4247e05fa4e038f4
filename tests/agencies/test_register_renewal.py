"""The real register's agencies can be renewed, and their past terms recorded (issue 12, item 8)."""

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies import services
from agencies.enums import MemberRole, TermKind
from agencies.models import Appointment, AppointmentTerm, Scheme
from applications.services import application_start
from audit.models import AuditEntry
from qfapp.exceptions import RuleViolation
from tests import factories

from .conftest import HKICPA, MARDEP, VTC

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26 12:00 +08:00"
HEADER = "scheme,industry,agency,start,end,decided_on,note\n"


def member_of(organisation):
    user = factories.UserFactory()
    factories.MembershipFactory(organisation=organisation, user=user, role=MemberRole.OWNER)
    return user


@pytest.mark.parametrize(
    ("agency", "scheme", "industry"),
    [(VTC, "rpl", "retail"), (VTC, "rpl", "automotive"), (MARDEP, "pq", None), (HKICPA, "pq", None)],
)
def test_a_seeded_appointment_can_be_renewed_by_its_members(
    seeded_register, organisation_named, agency, scheme, industry
):
    organisation = organisation_named(agency)
    appointment = Appointment.objects.get(agency=organisation, scheme__code=scheme, industry__code=industry)
    application = application_start(
        organisation=organisation,
        scheme=Scheme.objects.get(code=scheme),
        industry=appointment.industry,
        actor=member_of(organisation),
        kind="reappointment",
    )
    assert application.previous_appointment == appointment
    assert set(application.proposed_collaborators.all()) == set(appointment.collaborators.all())


def test_every_seeded_appointment_can_be_renewed(seeded_register):
    for appointment in Appointment.objects.select_related("agency", "scheme", "industry"):
        application = application_start(
            organisation=appointment.agency,
            scheme=appointment.scheme,
            industry=appointment.industry,
            actor=member_of(appointment.agency),
            kind="reappointment",
        )
        assert application.previous_appointment_id == appointment.pk
    assert Appointment.objects.count() == 22


def test_retail_renewal_starts_with_its_collaborators(seeded_register, organisation_named):
    vtc = organisation_named(VTC)
    application = application_start(
        organisation=vtc,
        scheme=Scheme.objects.get(code="rpl"),
        industry=Appointment.objects.get(agency=vtc, industry__code="retail").industry,
        actor=member_of(vtc),
        kind="reappointment",
    )
    assert sorted(o.name_en for o in application.proposed_collaborators.all()) == [
        "Hong Kong Federation of Trade Unions Qualifications Assessment Centre Limited (HKFTU)",
        "Hong Kong Retail Management Association",
    ]


def test_a_cancelled_appointment_is_not_renewed(seeded_register, organisation_named):
    hkib = organisation_named("The Hong Kong Institute of Bankers")
    appointment = Appointment.objects.get(agency=hkib)
    Appointment.objects.filter(pk=appointment.pk).update(cancelled_on=date(2024, 1, 1), cancellation_grounds="No.")
    with pytest.raises(RuleViolation) as exc:
        application_start(organisation=hkib, scheme=appointment.scheme, actor=member_of(hkib), kind="reappointment")
    assert "kind" in exc.value.field_errors


def test_organisation_page_offers_the_renewal_and_the_form_is_prefilled(client, seeded_register, organisation_named):
    vtc = organisation_named(VTC)
    appointment = Appointment.objects.get(agency=vtc, industry__code="retail")
    client.force_login(member_of(vtc))
    html = client.get(f"/en/applications/organisations/{vtc.pk}/").content.decode()
    link = f"/en/applications/new/rpl/?appointment={appointment.pk}"
    assert link in html
    form = client.get(link).content.decode()
    assert re.search(r'<input[^>]*value="reappointment"[^>]*checked', form)


# --- the page for one term ---------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_register_admin_records_a_past_term_on_its_page(client, seeded_register, organisation_named, register_admin):
    hkicpa = Appointment.objects.get(agency=organisation_named(HKICPA))
    client.force_login(register_admin)
    url = f"/en/register/manage/{hkicpa.pk}/terms/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"start": "2023-09-03", "end": "2028-09-02", "decided_on": "2023-08-01", "note": "G.N. 4567"}
    )
    assert response.status_code == 302
    term = hkicpa.terms.get(start=date(2023, 9, 3))
    assert (term.kind, term.decided_on, term.note) == (TermKind.REAPPOINTMENT, date(2023, 8, 1), "G.N. 4567")
    assert AuditEntry.objects.filter(action="agencies.appointment.term_recorded", object_id=str(hkicpa.pk)).count() == 1
    body = client.get("/register/appointments.json?scheme=pq").json()
    record = next(r for r in body["appointments"] if r["agency"]["name"]["en"] == HKICPA)
    assert (record["status"], record["term"]["start"]) == ("current", "2023-09-03")


@time_machine.travel(TODAY, tick=False)
def test_term_page_refuses_an_overlap_with_a_message(client, seeded_register, organisation_named, register_admin):
    mardep = Appointment.objects.get(agency=organisation_named(MARDEP))
    client.force_login(register_admin)
    response = client.post(
        f"/en/register/manage/{mardep.pk}/terms/new/",
        {"start": "2020-01-01", "end": "2021-12-31", "decided_on": "2019-12-01"},
    )
    assert response.status_code == 400
    assert "overlaps these dates" in response.content.decode()
    assert mardep.terms.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_term_recorded_before_the_first_becomes_the_first(seeded_register, organisation_named, register_admin):
    logistics = Appointment.objects.get(industry__code="logistics")
    services.appointment_term_record(
        appointment=logistics,
        start=date(2012, 1, 1),
        end=date(2016, 12, 31),
        decided_on=date(2011, 11, 1),
        actor=register_admin,
    )
    kinds = list(logistics.terms.order_by("start").values_list("kind", flat=True))
    assert kinds == [TermKind.FIRST, TermKind.REAPPOINTMENT]
    logistics.refresh_from_db()
    assert logistics.first_start == date(2012, 1, 1)


@pytest.mark.parametrize("persona", ["applicant", "case_officer", "approver"])
def test_only_register_admins_record_terms(seeded_register, request, persona):
    appointment = Appointment.objects.get(industry__code="logistics")
    with pytest.raises(RuleViolation):
        services.appointment_term_record(
            appointment=appointment,
            start=date(2012, 1, 1),
            end=date(2016, 12, 31),
            decided_on=date(2011, 11, 1),
            actor=request.getfixturevalue(persona),
        )
    assert appointment.terms.count() == 1


# --- the import --------------------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "terms.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def run(path: Path, actor, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_terms", str(path), "--actor", actor.email, *args, stdout=out)
    return out.getvalue()


@time_machine.travel(TODAY, tick=False)
def test_import_records_terms_and_is_idempotent(tmp_path, seeded_register, register_admin):
    path = write(
        tmp_path,
        f'pq,,"{MARDEP}",3.9.2018,2.9.2023,1.8.2018,G.N. 1\n'
        f'pq,,"{MARDEP}",2023-09-03,2028-09-02,2023-07-15,G.N. 2\n'
        f'pq,,"{HKICPA}",3.9.2023,2.9.2028,1.8.2023,G.N. 3\n'
        f"rpl,logistics,{HKICPA},1.1.2010,31.12.2014,1.12.2009,\n",
    )
    first = run(path, register_admin)
    assert "2 terms recorded (1 new appointments), 2 decision dates added, 0 unchanged." in first
    mardep = Appointment.objects.get(agency__name_en=MARDEP)
    assert list(mardep.terms.order_by("start").values_list("decided_on", flat=True)) == [
        date(2018, 8, 1),
        date(2023, 7, 15),
    ]
    new = Appointment.objects.get(agency__name_en=HKICPA, industry__code="logistics")
    assert new.is_published is False
    recorded = AuditEntry.objects.get(action="agencies.appointment.recorded", object_id=str(new.pk))
    assert recorded.actor == register_admin
    count = AppointmentTerm.objects.count()
    second = run(path, register_admin)
    assert "0 terms recorded (0 new appointments), 0 decision dates added, 4 unchanged." in second
    assert AppointmentTerm.objects.count() == count


@time_machine.travel(TODAY, tick=False)
def test_import_reports_every_bad_row_by_line_and_writes_nothing(tmp_path, seeded_register, register_admin):
    path = write(
        tmp_path,
        f'pq,,"{HKICPA}",3.9.2023,2.9.2028,1.8.2023,good\n'
        "xx,,Nobody,1.1.2020,31.12.2020,1.1.2019,\n"
        f"rpl,no-such-industry,{VTC},1.1.2020,31.12.2020,1.1.2019,\n"
        f"rpl,retail,{VTC},31.12.2020,1.1.2020,1.1.2019,\n"
        f"rpl,retail,{VTC},2020-01-01,2020-12-31,2030-01-01,\n"
        f"rpl,retail,{VTC},1.1.2020,30.2.2020,1.1.2019,\n"
        f"rpl,retail,{VTC},1.1.2020,31.12.2020,1.1.2019,overlaps the seeded term\n"
        f'pq,,"{HKICPA}",1.1.2024,31.12.2024,1.12.2023,overlaps line 2\n',
    )
    before = AppointmentTerm.objects.count()
    with pytest.raises(CommandError) as exc:
        run(path, register_admin)
    message = str(exc.value)
    assert message.startswith("Nothing was imported.")
    assert "line 3: unknown scheme 'xx' (rpl or pq); no organisation is named 'Nobody'." in message
    assert "line 4: unknown industry 'no-such-industry'." in message
    assert "line 5: the term ends before it starts." in message
    assert "line 6: the decision date is in the future." in message
    assert "line 7: end '30.2.2020' is not a date (YYYY-MM-DD or d.m.yyyy)." in message
    assert "line 8: the term overlaps the term 1.12.2014 - 30.11.2024 already recorded." in message
    assert "line 9: the term overlaps the term on line 2." in message
    assert "line 2:" not in message
    assert AppointmentTerm.objects.count() == before


def test_import_needs_a_register_admin_and_the_columns(tmp_path, seeded_register, register_admin, approver):
    path = write(tmp_path, f'pq,,"{HKICPA}",3.9.2023,2.9.2028,1.8.2023,\n')
    with pytest.raises(CommandError, match="Only a register administrator"):
        run(path, approver)
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,start\nX,1.1.2020\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: the header lacks the column"):
        run(bad, register_admin)


@time_machine.travel(TODAY, tick=False)
def test_import_dry_run_writes_nothing(tmp_path, seeded_register, register_admin):
    path = write(tmp_path, f'pq,,"{HKICPA}",3.9.2023,2.9.2028,1.8.2023,\n')
    out = run(path, register_admin, "--dry-run")
    assert "Checked (dry run, nothing written): 1 terms recorded" in out
    assert Appointment.objects.get(agency__name_en=HKICPA, scheme__code="pq").terms.count() == 1
