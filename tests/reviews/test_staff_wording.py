"""Timelines in the reader's language; staff wording and navigation; the queue on a phone."""

from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from audit.services import audit_record, audit_refusal
from notifications.models import Message
from reviews.wording import in_reader_language


def test_a_recorded_label_or_refusal_reads_in_the_readers_language():
    with translation.override("zh-hant"):
        assert in_reader_language("Competent") == "具備能力"
        assert in_reader_language("The conditions for this step are not met yet.") == "尚未符合此步驟的條件。"
        changed = (
            "This case has changed since the page was shown: it is now “Screening”. Nothing was changed; "
            "look at the case again."
        )
        assert (
            in_reader_language(changed)
            == "此個案在頁面顯示後已有改變：現時狀態為「初步審查中」。沒有作出任何更改；請重新查看個案。"
        )
    with translation.override("en"):
        assert in_reader_language("具備能力") == "Competent"
        assert in_reader_language("Typed by a person; kept as it is") == "Typed by a person; kept as it is"


def test_the_case_timeline_speaks_the_readers_language_with_the_code_on_hover(client, screening_case, case_officer):
    audit_record(action="reviews.determination.recorded", obj=screening_case, actor=case_officer, note="Competent")
    audit_refusal(
        action="applications.application.appointed",
        obj=screening_case,
        actor=case_officer,
        note="The conditions for this step are not met yet.",
    )
    client.force_login(case_officer)
    with translation.override("zh-hant"):
        url = reverse("reviews:case", args=[screening_case.pk])
    page = client.get(url).content.decode()
    assert "具備能力" in page and "尚未符合此步驟的條件。" in page
    assert "Competent" not in page
    assert ">applications.application.screening_started<" not in page
    assert 'title="applications.application.screening_started"' in page
    assert AuditEntry.objects.filter(note="Competent").exists()  # the record itself is unchanged


def test_case_officers_are_told_of_a_submission_in_staff_words_with_a_link_to_the_case(
    reference, applicant, organisation, case_officer
):
    from applications import services as application_services
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(organisation=organisation, evidence=True, created_by=applicant)
    application_services.application_submit(application=application, actor=applicant, declaration_accepted=True)
    staff = Message.objects.get(recipient=case_officer, event="application.submitted")
    assert "write to you" not in staff.body_text
    assert "waiting in the work queue" in staff.body_text
    assert staff.link == reverse("reviews:case", args=[application.pk])
    own = Message.objects.get(recipient=applicant, event="application.submitted")
    assert "write to you if more information is needed" in own.body_text


def test_staff_are_not_asked_to_register_an_organisation(client, case_officer, approver, register_admin, reviewer):
    for person in (case_officer, approver, register_admin, reviewer):
        client.force_login(person)
        page = client.get(reverse("applications:list")).content.decode()
        assert "You do not belong to an organisation yet" not in page
        assert "Register an organisation" not in page
        nav = client.get(reverse("dashboard")).content.decode()
        assert reverse("applications:list") not in nav


def test_the_assign_form_is_not_shown_on_an_empty_queue(client, reference, case_officer):
    client.force_login(case_officer)
    page = client.get(reverse("reviews:queue")).content.decode()
    assert "No cases match." in page
    assert "Assign reviewers to the selected cases" not in page
