"""The Django admin is no back door (issue 12, item 4): appointments, terms, applications, reviews,
criteria in use and organisations change only through the services (audited, permission-checked) or
are read-only there; a criteria set used by any application is immutable."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.system import system_actor
from agencies.models import Appointment, AppointmentTerm, CriteriaSet, Criterion, Organisation, RegisterEvent
from agencies.services import appointment_cancel, appointment_create
from audit.models import AuditEntry
from tests import factories

ADMIN = "/en/admin/"


@pytest.fixture
def appointment(reference, organisation, rpl_scheme):
    return appointment_create(
        agency=organisation,
        scheme=rpl_scheme,
        industry=factories.IndustryFactory(),
        start=date(2024, 1, 1),
        end=date(2028, 12, 31),
        actor=system_actor(),
    )


@pytest.fixture
def admin_as(client, register_admin):
    client.force_login(register_admin)
    return client


def test_the_appointment_change_page_is_read_only(admin_as, appointment):
    url = f"{ADMIN}agencies/appointment/{appointment.pk}/change/"
    assert admin_as.get(url).status_code == 200
    response = admin_as.post(url, {"is_published": "on", "cancelled_on": "", "enquiry_phone": "(852) 1234-5678"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert not appointment.is_published


def test_publishing_in_the_admin_goes_through_the_service(admin_as, appointment, register_admin):
    response = admin_as.post(
        f"{ADMIN}agencies/appointment/", {"action": "publish", "_selected_action": [appointment.pk]}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.is_published
    entry = AuditEntry.objects.get(action="agencies.appointment.published", outcome="done")
    assert entry.actor == register_admin
    assert RegisterEvent.objects.filter(appointment=appointment, kind="published").count() == 1


def test_a_cancellation_cannot_be_cleared_in_the_admin(admin_as, appointment, approver):
    appointment_cancel(appointment=appointment, effective=date(2025, 6, 1), grounds="Ceased trading.", actor=approver)
    url = f"{ADMIN}agencies/appointment/{appointment.pk}/change/"
    assert admin_as.post(url, {"cancelled_on": "", "cancellation_grounds": ""}).status_code == 403
    assert Appointment.objects.get(pk=appointment.pk).cancelled_on == date(2025, 6, 1)


def test_no_term_can_be_added_in_the_admin(admin_as, appointment):
    url = f"{ADMIN}agencies/appointment/{appointment.pk}/change/"
    html = admin_as.get(url).content.decode()
    assert 'name="terms-MAX_NUM_FORMS" value="0"' in html
    assert admin_as.get(f"{ADMIN}agencies/appointmentterm/add/").status_code in (403, 404)
    assert AppointmentTerm.objects.count() == 1


def test_organisations_are_read_only_in_the_admin(admin_as, organisation):
    url = f"{ADMIN}agencies/organisation/{organisation.pk}/change/"
    assert admin_as.get(url).status_code == 200
    assert admin_as.post(url, {"name_en": "Renamed"}).status_code == 403
    assert admin_as.get(f"{ADMIN}agencies/organisation/add/").status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).name_en != "Renamed"


def test_workflow_records_are_read_only_in_the_admin(admin_client, reference, organisation):
    application = factories.ApplicationFactory(organisation=organisation)
    assert admin_client.post(f"{ADMIN}applications/application/{application.pk}/change/", {}).status_code == 403
    assert admin_client.get(f"{ADMIN}reviews/decision/add/").status_code == 403
    assert admin_client.get(f"{ADMIN}agencies/appointment/add/").status_code == 403


def test_a_criteria_set_in_use_is_read_only_in_the_admin(admin_as, reference, organisation):
    factories.ApplicationFactory(organisation=organisation)
    cset = factories.criteria_set_for("rpl")
    criterion = cset.criteria.get(code="1")
    title = criterion.title_en
    url = f"{ADMIN}agencies/criteriaset/{cset.pk}/change/"
    html = admin_as.get(url).content.decode()
    assert 'name="criteria-0-title_en"' not in html
    admin_as.post(url, {"title_en": "Changed", "is_active": "on", "criteria-TOTAL_FORMS": "0"})
    cset.refresh_from_db()
    assert cset.title != "Changed"
    assert Criterion.objects.get(pk=criterion.pk).title_en == title


def test_a_criteria_set_in_use_is_immutable_by_any_route(reference, organisation):
    factories.ApplicationFactory(organisation=organisation)
    cset = factories.criteria_set_for("rpl")
    criterion = cset.criteria.get(code="1")
    criterion.title_en = "Changed in place"
    with pytest.raises(ValidationError, match="make a new version"):
        criterion.save()
    with pytest.raises(ValidationError):
        Criterion(criteria_set=cset, code="8", title="New").save()
    with pytest.raises(ValidationError):
        criterion.delete()
    cset.title = "Changed"
    with pytest.raises(ValidationError):
        cset.save()
    # Retiring it for new applications is not a change of the criteria.
    cset.refresh_from_db()
    cset.is_active = False
    cset.save()


def test_an_unused_criteria_set_may_still_be_edited(reference):
    cset = factories.criteria_set_for("pq")
    criterion = cset.criteria.get(code="1")
    criterion.title_en = "Corrected before use"
    criterion.save()
    assert Criterion.objects.get(pk=criterion.pk).title_en == "Corrected before use"


def test_a_change_means_a_new_version_made_in_the_admin(admin_as, reference, organisation, register_admin):
    factories.ApplicationFactory(organisation=organisation)
    cset = factories.criteria_set_for("rpl")
    response = admin_as.post(
        f"{ADMIN}agencies/criteriaset/", {"action": "make_new_version", "_selected_action": [cset.pk]}
    )
    assert response.status_code == 302
    new = CriteriaSet.objects.get(scheme=cset.scheme, version=cset.version + 1)
    assert not new.is_active
    assert list(new.criteria.values_list("code", "title_en", "kind", "requires")) == list(
        cset.criteria.values_list("code", "title_en", "kind", "requires")
    )
    assert AuditEntry.objects.get(action="agencies.criteria_set.versioned").actor == register_admin
    # The new version is not in use, so it can be edited before it is put in use.
    url = f"{ADMIN}agencies/criteriaset/{new.pk}/change/"
    assert 'name="criteria-0-title_en"' in admin_as.get(url).content.decode()
