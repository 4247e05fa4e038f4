from datetime import date

from accounts.system import system_actor
from agencies import services
from agencies.models import Scheme
from notifications.events import APPOINTMENT_PUBLISHED
from notifications.models import Message
from tests import factories


def test_publishing_tells_each_member_of_the_agency_once_in_their_language(reference, register_admin):
    agency = factories.OrganisationFactory()
    english = factories.MembershipFactory(organisation=agency).user
    chinese = factories.MembershipFactory(
        organisation=agency, user=factories.UserFactory(preferred_language="zh-hant")
    ).user
    outsider = factories.UserFactory()
    appointment = services.appointment_create(
        agency=agency,
        scheme=Scheme.objects.get(code="rpl"),
        industry=factories.IndustryFactory(),
        start=date(2026, 1, 1),
        end=date(2030, 12, 31),
        actor=system_actor(),
    )
    services.appointment_publish(appointment=appointment, actor=register_admin)
    services.appointment_publish(appointment=appointment, actor=register_admin)  # already published: no-op

    messages = Message.objects.filter(event=APPOINTMENT_PUBLISHED)
    assert sorted(m.recipient_id for m in messages) == sorted([english.pk, chinese.pk])
    assert not messages.filter(recipient=outsider).exists()
    assert messages.get(recipient=chinese).language == "zh-hant"
    assert messages.get(recipient=chinese).link == f"/zh-hant/register/agencies/{agency.pk}/"
