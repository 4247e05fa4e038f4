"""Messages to the applicant outside a formal request, and internal case notes."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from casework import services
from casework.models import CaseMessage, CaseNote
from notifications.models import Message
from qfapp.exceptions import RuleViolation
from tests.factories import ApplicationFactory


@pytest.fixture
def case(reference, organisation, applicant):
    return ApplicationFactory(state="screening", evidence=True, organisation=organisation, created_by=applicant)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_message_reaches_every_member_in_their_language_and_is_logged(client, case, applicant, case_officer):
    applicant.preferred_language = "zh-hant"
    applicant.save()
    client.force_login(case_officer)
    response = client.post(
        reverse("reviews:case_message_send", args=[case.pk]),
        {"subject": "Your site visit", "body": "We will visit on Monday at 10:00."},
    )
    assert response.status_code == 302
    message = CaseMessage.objects.get(application=case)
    assert (message.subject, message.sent_by) == ("Your site visit", case_officer)
    outbox = Message.objects.get(recipient=applicant, event="case.message")
    assert "We will visit on Monday at 10:00." in outbox.body_text
    assert "秘書處" in outbox.body_text  # the frame of the e-mail in the applicant's language
    assert outbox.link.startswith("/zh-hant/")
    entry = AuditEntry.objects.get(action="reviews.case_message.sent")
    assert (entry.actor, entry.object_id) == (case_officer, str(case.pk))
    page = client.get(reverse("reviews:case", args=[case.pk])).content.decode()
    assert "We will visit on Monday at 10:00." in page


def test_an_internal_note_is_audited_and_never_shown_to_the_applicant(client, case, applicant, approver):
    client.force_login(approver)
    client.post(reverse("reviews:case_note_add", args=[case.pk]), {"text": "Ask HKCAAVQ about the site."})
    note = CaseNote.objects.get(application=case)
    assert note.author == approver
    entry = AuditEntry.objects.get(action="reviews.case_note.added")
    assert entry.data == {"case_note": note.pk}
    assert "Ask HKCAAVQ" not in entry.note
    assert "Ask HKCAAVQ about the site." in client.get(reverse("reviews:case", args=[case.pk])).content.decode()
    client.force_login(applicant)
    for url in (reverse("applications:status", args=[case.pk]), reverse("notifications:list")):
        assert "Ask HKCAAVQ" not in client.get(url).content.decode()
    assert not Message.objects.filter(recipient=applicant).exists()


def test_only_staff_on_the_case_may_write(case, applicant, reviewer, register_admin, approver):
    for person in (applicant, reviewer, register_admin):
        with pytest.raises(RuleViolation):
            services.case_note_add(application=case, actor=person, text="Sneaky.")
    for person in (applicant, reviewer, register_admin, approver):
        with pytest.raises(RuleViolation):
            services.case_message_send(application=case, actor=person, subject="Hi", body="Sneaky.")
    assert not CaseNote.objects.exists() and not CaseMessage.objects.exists()


def test_a_refused_message_keeps_what_was_typed(client, case, case_officer):
    client.force_login(case_officer)
    client.post(reverse("reviews:case_message_send", args=[case.pk]), {"subject": "", "body": "Half a thought."})
    assert not CaseMessage.objects.exists()
    page = client.get(reverse("reviews:case", args=[case.pk])).content.decode()
    assert "Half a thought." in page
