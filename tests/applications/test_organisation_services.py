import pytest
from django.core import mail

from agencies.models import Organisation, OrganisationMembership
from applications.models import OrganisationInvitation, OrganisationJoinRequest
from applications.services import (
    invitation_accept,
    invitation_create,
    join_request_create,
    join_request_decide,
    organisation_register,
    organisation_update,
)
from applications.services.organisations import DuplicateOrganisation
from audit.models import AuditEntry
from notifications.models import Message
from qfapp.exceptions import RuleViolation
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = {
    "name_en": "Harbour Skills Institute",
    "name_zh_hant": "海港技能學院",
    "name_zh_hans": "海港技能学院",
    "entity_type": "education",
    "registration_number": "br 1234-5678",
    "is_charity": True,
    "charity_file_number": "91/12345",
    "address": "1 Harbour Road, Wan Chai",
    "phone": "(852) 2000-1234",
    "website": "https://harbour.example.org",
}


def test_register_makes_the_registrant_owner_with_officers():
    user = factories.UserFactory()
    org = organisation_register(
        actor=user, fields=FIELDS, officers=[{"name": "Chan Tai Man", "position": "Chair"}, {"name": " "}]
    )
    assert org.name == "Harbour Skills Institute"
    assert org.name_zh_hant == "海港技能學院"
    assert org.registration_key == "BR12345678"
    assert list(org.officers.values_list("name", "position")) == [("Chan Tai Man", "Chair")]
    assert OrganisationMembership.objects.get(organisation=org).user == user
    assert OrganisationMembership.objects.get(organisation=org).role == "owner"
    assert AuditEntry.objects.filter(action="agencies.organisation.registered", object_id=str(org.pk)).count() == 1


def test_charity_claim_needs_the_file_number():
    with pytest.raises(RuleViolation) as exc:
        organisation_register(actor=factories.UserFactory(), fields={**FIELDS, "charity_file_number": ""}, officers=[])
    assert "charity_file_number" in exc.value.field_errors
    assert Organisation.objects.count() == 0


def test_no_charity_drops_the_file_number():
    org = organisation_register(actor=factories.UserFactory(), fields={**FIELDS, "is_charity": False}, officers=[])
    assert org.charity_file_number == ""


def test_same_registration_number_offers_the_existing_organisation():
    first = organisation_register(actor=factories.UserFactory(), fields=FIELDS, officers=[])
    second_user = factories.UserFactory()
    with pytest.raises(DuplicateOrganisation) as exc:
        organisation_register(
            actor=second_user, fields={**FIELDS, "name_en": "Other", "registration_number": "BR-12345678"}, officers=[]
        )
    assert exc.value.existing == first
    assert Organisation.objects.count() == 1
    assert not OrganisationMembership.objects.filter(user=second_user).exists()


def test_update_needs_editor(organisation, applicant, other_applicant):
    organisation_update(
        organisation=organisation, actor=applicant, fields={**FIELDS, "registration_number": "X1"}, officers=[]
    )
    organisation.refresh_from_db()
    assert organisation.name == "Harbour Skills Institute"
    with pytest.raises(RuleViolation):
        organisation_update(organisation=organisation, actor=other_applicant, fields=FIELDS, officers=[])


def test_update_refuses_another_organisations_number(organisation, other_organisation, applicant):
    with pytest.raises(RuleViolation):
        organisation_update(
            organisation=organisation,
            actor=applicant,
            fields={**FIELDS, "registration_number": other_organisation.registration_number.lower()},
            officers=[],
        )


def test_invitation_to_registered_user_goes_through_the_outbox(organisation, applicant):
    colleague = factories.UserFactory(email="colleague@example.org")
    invitation = invitation_create(
        organisation=organisation, email="Colleague@Example.org", role="editor", actor=applicant
    )
    assert invitation.email == "colleague@example.org"
    message = Message.objects.get(recipient=colleague, event="organisation.invitation")
    assert message.link == f"/en/applications/invitations/{invitation.token}/"
    accepted = invitation_accept(token=invitation.token, actor=colleague)
    assert accepted.accepted_by == colleague
    assert OrganisationMembership.objects.get(organisation=organisation, user=colleague).role == "editor"
    with pytest.raises(RuleViolation):
        invitation_accept(token=invitation.token, actor=colleague)


def test_invitation_to_unknown_address_is_a_plain_email(organisation, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            organisation=organisation, email="newcomer@example.org", role="viewer", actor=applicant
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.org"]
    assert invitation.token in mail.outbox[0].body


def test_only_owners_invite(organisation, viewer, other_applicant):
    for user in (viewer, other_applicant):
        with pytest.raises(RuleViolation):
            invitation_create(organisation=organisation, email="x@example.org", role="editor", actor=user)
    assert OrganisationInvitation.objects.count() == 0


def test_invitation_for_another_address_cannot_be_used(organisation, applicant, other_applicant):
    invitation = invitation_create(
        organisation=organisation, email="someone@example.org", role="owner", actor=applicant
    )
    with pytest.raises(RuleViolation):
        invitation_accept(token=invitation.token, actor=other_applicant)
    assert not OrganisationMembership.objects.filter(organisation=organisation, user=other_applicant).exists()


def test_expired_invitation_cannot_be_used(organisation, applicant, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+08:00", tick=False)
    colleague = factories.UserFactory(email="late@example.org")
    invitation = invitation_create(organisation=organisation, email="late@example.org", role="editor", actor=applicant)
    time_machine.shift(15 * 24 * 3600)
    with pytest.raises(RuleViolation):
        invitation_accept(token=invitation.token, actor=colleague)


def test_join_request_approved_by_owner(organisation, applicant, django_capture_on_commit_callbacks):
    newcomer = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        join_request = join_request_create(organisation=organisation, actor=newcomer, message="I run the assessments.")
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    with pytest.raises(RuleViolation):
        join_request_create(organisation=organisation, actor=newcomer)
    join_request_decide(join_request=join_request, approve=True, actor=applicant, role="editor")
    assert OrganisationMembership.objects.get(organisation=organisation, user=newcomer).role == "editor"
    with pytest.raises(RuleViolation):
        join_request_decide(join_request=join_request, approve=False, actor=applicant)


def test_join_request_declined_and_only_owners_decide(organisation, applicant, viewer, other_applicant):
    newcomer = factories.UserFactory()
    join_request = join_request_create(organisation=organisation, actor=newcomer)
    for user in (viewer, other_applicant):
        with pytest.raises(RuleViolation):
            join_request_decide(join_request=join_request, approve=True, actor=user)
    join_request_decide(join_request=join_request, approve=False, actor=applicant)
    assert OrganisationJoinRequest.objects.get().outcome == "declined"
    assert not OrganisationMembership.objects.filter(organisation=organisation, user=newcomer).exists()
