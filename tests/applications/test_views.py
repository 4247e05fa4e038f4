import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.middleware import SessionLimitsMiddleware
from accounts.system import system_actor
from agencies.models import Organisation
from applications.models import Application, Document, Evidence, OrganisationJoinRequest
from applications.services import document_upload
from tests import factories

from .conftest import make_pdf, make_png

pytestmark = pytest.mark.django_db


def _upload(client, application, name, data, criteria=(), title="Doc"):
    return client.post(
        reverse("applications:documents", kwargs={"pk": application.pk}),
        {"file": SimpleUploadedFile(name, data), "title": title, "criteria": [c.pk for c in criteria]},
    )


# --- organisation ------------------------------------------------------------------------


def _org_post(**over):
    data = {
        "name_en": "Kowloon Trades Centre",
        "name_zh_hant": "九龍行業中心",
        "name_zh_hans": "九龙行业中心",
        "entity_type": "society",
        "registration_number": "S-7788",
        "is_charity": "",
        "charity_file_number": "",
        "address": "2 Nathan Road",
        "phone": "(852) 2111-2222",
        "website": "",
        "officers-TOTAL_FORMS": "2",
        "officers-INITIAL_FORMS": "0",
        "officers-MIN_NUM_FORMS": "0",
        "officers-MAX_NUM_FORMS": "50",
        "officers-0-name": "Lee Siu Ming",
        "officers-0-position": "Secretary",
        "officers-1-name": "",
        "officers-1-position": "",
    }
    data.update(over)
    return data


def test_register_organisation_through_the_form(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post("/en/applications/organisations/new/", _org_post())
    org = Organisation.objects.get(name="Kowloon Trades Centre")
    assert response.status_code == 302
    assert response["Location"] == f"/en/applications/organisations/{org.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Lee Siu Ming" in page and "九龍行業中心" in page


def test_charity_without_file_number_keeps_the_input(client):
    client.force_login(factories.UserFactory())
    response = client.post("/en/applications/organisations/new/", _org_post(is_charity="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Required when the organisation is a charity." in page
    assert 'value="Kowloon Trades Centre"' in page
    assert 'value="Lee Siu Ming"' in page
    assert not Organisation.objects.filter(name="Kowloon Trades Centre").exists()


def test_duplicate_registration_number_leads_to_a_join_request(client, organisation, applicant):
    newcomer = factories.UserFactory()
    client.force_login(newcomer)
    response = client.post(
        "/en/applications/organisations/new/", _org_post(registration_number=organisation.registration_number.lower())
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/applications/organisations/{organisation.pk}/join/"
    assert Organisation.objects.filter(registration_key=organisation.registration_key).count() == 1
    response = client.post(response["Location"], {"message": "I am the new registrar."})
    assert response.status_code == 302
    assert OrganisationJoinRequest.objects.get().user == newcomer
    client.force_login(applicant)
    page = client.get(f"/en/applications/organisations/{organisation.pk}/").content.decode()
    assert "I am the new registrar." in page


def test_join_page_is_not_open_without_the_registration_number(client, organisation):
    client.force_login(factories.UserFactory())
    assert client.get(f"/en/applications/organisations/{organisation.pk}/join/").status_code == 404


def test_organisation_pages_are_404_for_outsiders(client, organisation, other_applicant):
    client.force_login(other_applicant)
    for url in (
        f"/en/applications/organisations/{organisation.pk}/",
        f"/en/applications/organisations/{organisation.pk}/edit/",
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        f"/en/applications/organisations/{organisation.pk}/invite/", {"email": "a@example.org", "role": "owner"}
    )
    assert response.status_code == 404


def test_invitation_link_accepted_by_the_invitee(client, organisation, applicant):
    client.force_login(applicant)
    client.post(
        f"/en/applications/organisations/{organisation.pk}/invite/", {"email": "mate@example.org", "role": "viewer"}
    )
    invitation = organisation.invitations.get()
    mate = factories.UserFactory(email="mate@example.org")
    client.force_login(mate)
    url = f"/en/applications/invitations/{invitation.token}/"
    assert "Accept and join" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert organisation.memberships.get(user=mate).role == "viewer"


# --- application --------------------------------------------------------------------------


def test_start_rpl_application_through_the_form(client, reference, organisation, applicant):
    industry = factories.IndustryFactory()
    client.force_login(applicant)
    response = client.post(
        "/en/applications/new/rpl/",
        {
            "organisation": organisation.pk,
            "kind": "new",
            "industry": industry.pk,
            "fee_policy": "HK$800 per candidate.",
            "new_collaborators": "Harbour Employers Association",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.pk}/"
    assert application.industry == industry
    page = client.get(response["Location"]).content.decode()
    assert page.count("Not yet") == 7


def test_start_pq_application_with_qualifications(client, reference, organisation, applicant):
    client.force_login(applicant)
    response = client.post(
        "/en/applications/new/pq/",
        {
            "organisation": organisation.pk,
            "kind": "new",
            "fee_policy": "Set by the council.",
            "qualifications-TOTAL_FORMS": "2",
            "qualifications-INITIAL_FORMS": "0",
            "qualifications-MIN_NUM_FORMS": "0",
            "qualifications-MAX_NUM_FORMS": "30",
            "qualifications-0-title": "Chartered Valuer",
            "qualifications-0-proposed_level": "6",
            "qualifications-1-title": "Associate Valuer",
            "qualifications-1-proposed_level": "",
        },
    )
    assert response.status_code == 200
    assert "Choose a QF level from 1 to 7." in response.content.decode()
    assert "Associate Valuer" in response.content.decode()
    assert Application.objects.count() == 0


def test_start_refuses_other_organisation(client, reference, organisation, other_applicant):
    client.force_login(other_applicant)
    response = client.post(
        "/en/applications/new/rpl/",
        {"organisation": organisation.pk, "kind": "new", "industry": factories.IndustryFactory().pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Application.objects.count() == 0


def test_other_organisation_gets_404_everywhere(client, complete_draft, applicant, other_applicant):
    document = document_upload(
        application=complete_draft, actor=applicant, name="a.pdf", data=make_pdf(), title="Secret", criteria=[]
    )
    criterion = complete_draft.criteria_set.criteria.first()
    pk = complete_draft.pk
    client.force_login(other_applicant)
    for url in (
        f"/en/applications/{pk}/",
        f"/en/applications/{pk}/edit/",
        f"/en/applications/{pk}/status/",
        f"/en/applications/{pk}/submit/",
        f"/en/applications/{pk}/documents/",
        f"/en/applications/{pk}/criteria/{criterion.pk}/",
        f"/en/applications/{pk}/documents/{document.pk}/download/",
        f"/en/applications/{pk}/documents/{document.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/en/applications/{pk}/submit/",
        f"/en/applications/{pk}/withdraw/",
        f"/en/applications/{pk}/resubmit/",
        f"/en/applications/{pk}/documents/{document.pk}/delete/",
        f"/en/applications/{pk}/criteria/{criterion.pk}/",
    ):
        assert client.post(url, {"narrative": "x", "reason": "x", "declaration": "on"}).status_code == 404, url
    assert _upload(client, complete_draft, "b.pdf", make_pdf()).status_code == 404
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"
    assert Document.objects.count() == 1
    assert Evidence.objects.get(application=complete_draft, criterion=criterion).narrative == "Evidence for 1."


def test_document_id_of_another_application_is_404(client, reference, complete_draft, applicant, other_applicant):
    theirs = factories.ApplicationFactory(organisation=other_applicant.memberships.get().organisation)
    document = document_upload(
        application=theirs, actor=other_applicant, name="a.pdf", data=make_pdf(), title="Theirs", criteria=[]
    )
    client.force_login(applicant)
    url = f"/en/applications/{complete_draft.pk}/documents/{document.pk}/download/"
    assert client.get(url).status_code == 404
    assert client.get(f"/en/applications/{theirs.pk}/documents/{document.pk}/download/").status_code == 404


def test_download_headers(client, draft, applicant, case_officer):
    data = make_pdf()
    document = document_upload(
        application=draft, actor=applicant, name="Report 2025.pdf", data=data, title="Report", criteria=[]
    )
    for user in (applicant, case_officer):
        client.force_login(user)
        response = client.get(f"/en/applications/{draft.pk}/documents/{document.pk}/download/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Disposition"] == 'attachment; filename="Report 2025.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


def test_private_files_are_not_under_any_served_url(client, draft, applicant, settings):
    document = document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="a", criteria=[]
    )
    for url in (
        f"/static/{document.stored_name}",
        f"{settings.MEDIA_URL}{document.stored_name}",
        f"/media/documents/{document.stored_name[:2]}/{document.stored_name}",
    ):
        assert client.get(url).status_code == 404


def test_upload_bad_inputs_through_the_page(client, draft, applicant, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    client.force_login(applicant)
    criterion = draft.criteria_set.criteria.first()
    cases = {
        "cv.pdf": (b"<html><script>alert(1)</script></html>", "is not a PDF"),
        "logo.png": (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "is not a PDF"),
        "big.pdf": (make_pdf() + b"0" * 2048, "is larger than the limit of"),
    }
    for name, (data, expected) in cases.items():
        response = _upload(client, draft, name, data, criteria=[criterion], title="Kept title")
        page = response.content.decode()
        assert response.status_code == 200, name
        assert expected in page, name
        assert 'value="Kept title"' in page, name
    assert Document.objects.count() == 0


def test_upload_with_traversal_name_through_the_page(client, draft, applicant):
    client.force_login(applicant)
    response = _upload(client, draft, "../../../etc/passwd.png", make_png(), title="Logo")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "passwd.png"
    assert "/" not in document.stored_name and ".." not in document.stored_name


def test_viewer_sees_but_cannot_change(client, complete_draft, viewer):
    client.force_login(viewer)
    assert client.get(f"/en/applications/{complete_draft.pk}/").status_code == 200
    assert client.get(f"/en/applications/{complete_draft.pk}/edit/").status_code == 404
    criterion = complete_draft.criteria_set.criteria.first()
    url = f"/en/applications/{complete_draft.pk}/criteria/{criterion.pk}/"
    assert client.post(url, {"narrative": "changed"}).status_code == 404
    assert client.post(f"/en/applications/{complete_draft.pk}/submit/", {"declaration": "on"}).status_code == 404


def test_submit_page_lists_missing_evidence_per_criterion(client, draft, applicant):
    client.force_login(applicant)
    response = client.post(f"/en/applications/{draft.pk}/submit/", {"declaration": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The application is not complete yet." in page
    for criterion in draft.criteria_set.criteria.all():
        assert f"{criterion.code}. {criterion.title}</a>: Write a narrative for this criterion." in page
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_submit_through_the_page_shows_the_reference(client, complete_draft, applicant, time_machine):
    time_machine.move_to("2026-06-01 09:00:00+08:00", tick=False)
    client.force_login(applicant)
    response = client.post(f"/en/applications/{complete_draft.pk}/submit/", {"declaration": "on"}, follow=True)
    page = response.content.decode()
    assert "Its reference number is RPL-2026-0001." in page
    assert "Submitted" in page
    again = client.post(f"/en/applications/{complete_draft.pk}/submit/", {"declaration": "on"}, follow=True)
    assert "RPL-2026-0002" not in again.content.decode()
    assert Application.objects.get().reference == "RPL-2026-0001"
    criterion = complete_draft.criteria_set.criteria.first()
    response = client.post(f"/en/applications/{complete_draft.pk}/criteria/{criterion.pk}/", {"narrative": "late"})
    assert response.status_code == 404
    assert Evidence.objects.get(application=complete_draft, criterion=criterion).narrative == "Evidence for 1."


def test_submit_without_declaration_keeps_the_page(client, complete_draft, applicant):
    client.force_login(applicant)
    response = client.post(f"/en/applications/{complete_draft.pk}/submit/", {})
    assert response.status_code == 200
    assert "Accept the declaration" in response.content.decode()
    assert "Personal Information Collection Statement" in response.content.decode()


def test_narrative_too_long_keeps_the_text(client, draft, applicant):
    client.force_login(applicant)
    criterion = draft.criteria_set.criteria.first()
    text = "Our history. " * 1000
    response = client.post(f"/en/applications/{draft.pk}/criteria/{criterion.pk}/", {"narrative": text})
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    assert text.strip() in response.content.decode()
    assert not Evidence.objects.filter(application=draft).exists()


def test_session_expiring_while_editing_keeps_the_text(client, draft, applicant, settings):
    client.force_login(applicant)
    criterion = draft.criteria_set.criteria.first()
    url = f"/en/applications/{draft.pk}/criteria/{criterion.pk}/"
    assert client.get(url).status_code == 200
    session = client.session
    session[SessionLimitsMiddleware.KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 60
    session.save()
    typed = "A long answer written over an hour:\nline two of the answer."
    response = client.post(url, {"narrative": typed})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not Evidence.objects.filter(application=draft).exists()
    client.post("/en/accounts/login/", {"login": applicant.email, "password": "correct-horse-battery"})
    page = client.get(url).content.decode()
    assert "A long answer written over an hour:\nline two of the answer." in page
    assert "It is not saved yet." in page
    client.post(url, {"narrative": typed})
    assert Evidence.objects.get(application=draft, criterion=criterion).narrative == typed


def test_status_page_shows_only_applicant_states(client, complete_draft, applicant, case_officer):
    from audit.services import audit_record

    client.force_login(applicant)
    client.post(f"/en/applications/{complete_draft.pk}/submit/", {"declaration": "on"})
    complete_draft.refresh_from_db()
    audit_record(
        action="reviews.score.recorded",
        obj=complete_draft,
        actor=case_officer,
        note="Internal: reviewer thinks the network is weak",
    )
    audit_record(
        action="applications.application.recommended",
        obj=complete_draft,
        actor=case_officer,
        from_state="under_review",
        to_state="recommended",
        note="Recommend with conditions",
    )
    page = client.get(f"/en/applications/{complete_draft.pk}/status/").content.decode()
    assert "Submitted" in page
    assert "Internal" not in page
    assert "Recommend with conditions" not in page
    assert "Recommended" not in page
    assert case_officer.full_name not in page


def test_withdraw_through_the_status_page(client, reference, organisation, applicant):
    application = factories.ApplicationFactory(organisation=organisation, state="submitted")
    client.force_login(applicant)
    client.post(f"/en/applications/{application.pk}/withdraw/", {"reason": ""})
    application.refresh_from_db()
    assert application.state == "submitted"
    client.post(f"/en/applications/{application.pk}/withdraw/", {"reason": "Funding ended."})
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert "Funding ended." in client.get(f"/en/applications/{application.pk}/status/").content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_every_language(client, complete_draft, applicant, lang):
    client.force_login(applicant)
    pk = complete_draft.pk
    criterion = complete_draft.criteria_set.criteria.first()
    for url in (
        "applications/",
        "applications/organisations/new/",
        f"applications/organisations/{complete_draft.organisation_id}/",
        "applications/new/rpl/",
        "applications/new/pq/",
        f"applications/{pk}/",
        f"applications/{pk}/edit/",
        f"applications/{pk}/criteria/{criterion.pk}/",
        f"applications/{pk}/documents/",
        f"applications/{pk}/submit/",
        f"applications/{pk}/status/",
        "dashboard/",
        "accounts/profile/",
    ):
        assert client.get(f"/{lang}/{url}").status_code == 200, url


def test_dashboard_section_for_a_newcomer(client):
    client.force_login(factories.UserFactory())
    page = client.get("/en/dashboard/").content.decode()
    assert "Register an organisation" in page


def test_request_for_information_answered_in_place_and_resubmitted(client, complete_draft, applicant, case_officer):
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import InformationRequest, InformationRequestItem

    Application.objects.filter(pk=complete_draft.pk).update(state="returned", reference="RPL-2026-0777")
    criterion = complete_draft.criteria_set.criteria.get(code="7")
    rfi = InformationRequest.objects.create(
        application=complete_draft,
        requested_by=case_officer,
        message="Your financial position is unclear.",
        reply_by=timezone.localdate() + timedelta(days=10),
    )
    InformationRequestItem.objects.create(request=rfi, criterion=criterion, text="Audited accounts, last 3 years.")
    client.force_login(applicant)
    status_url = f"/en/applications/{complete_draft.pk}/status/"
    page = client.get(status_url).content.decode()
    assert "Your financial position is unclear." in page
    assert "Audited accounts, last 3 years." in page
    assert f"/en/applications/{complete_draft.pk}/criteria/{criterion.pk}/" in page
    response = client.post(f"/en/applications/{complete_draft.pk}/resubmit/", follow=True)
    assert "Answer every request for information before resubmitting." in response.content.decode()
    response = client.post(
        f"/en/applications/{complete_draft.pk}/criteria/{criterion.pk}/", {"narrative": "Three years of surplus."}
    )
    assert response.status_code == 302
    client.post(
        f"/en/applications/{complete_draft.pk}/requests/{rfi.pk}/answer/",
        {f"rfi-{rfi.pk}-response": "See criterion 7."},
    )
    rfi.refresh_from_db()
    assert rfi.response == "See criterion 7."
    response = client.post(f"/en/applications/{complete_draft.pk}/resubmit/", follow=True)
    assert "Accept the declaration" in response.content.decode()
    response = client.post(f"/en/applications/{complete_draft.pk}/resubmit/", {"declaration": "on"}, follow=True)
    assert "Your application has been resubmitted." in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"


def test_request_for_information_not_answerable_by_others(client, complete_draft, case_officer, other_applicant):
    from datetime import date

    from applications.models import InformationRequest

    Application.objects.filter(pk=complete_draft.pk).update(state="returned", reference="RPL-2026-0778")
    rfi = InformationRequest.objects.create(
        application=complete_draft, requested_by=case_officer, reply_by=date(2026, 12, 31)
    )
    client.force_login(other_applicant)
    url = f"/en/applications/{complete_draft.pk}/requests/{rfi.pk}/answer/"
    assert client.post(url, {f"rfi-{rfi.pk}-response": "x"}).status_code == 404
    rfi.refresh_from_db()
    assert rfi.response == ""


def test_decision_and_appointment_are_shown(client, reference, organisation, applicant):
    from datetime import date

    from django.utils import timezone

    from agencies.services import appointment_create

    application = factories.ApplicationFactory(organisation=organisation, state="appointed")
    appointment = appointment_create(
        agency=organisation,
        scheme=application.scheme,
        industry=application.industry,
        start=date(2026, 4, 1),
        end=date(2031, 3, 31),
        conditions="Report candidate numbers yearly.",
        actor=system_actor(),
    )
    Application.objects.filter(pk=application.pk).update(appointment=appointment, decided_at=timezone.now())
    client.force_login(applicant)
    page = client.get(f"/en/applications/{application.pk}/status/").content.decode()
    assert "1.4.2026 – 31.3.2031" in page
    assert "Report candidate numbers yearly." in page
    assert "Withdraw the application" not in page


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_query_count_does_not_grow(client, reference, organisation, applicant):
    def add_applications(n):
        for _ in range(n):
            application = factories.ApplicationFactory(organisation=organisation, evidence=True)
            document_upload(
                application=application,
                actor=applicant,
                name="a.pdf",
                data=make_pdf(),
                title="a",
                criteria=list(application.criteria_set.criteria.all()[:3]),
            )
        return application

    client.force_login(applicant)
    first = add_applications(1)
    urls = ["/en/applications/", "/en/dashboard/", f"/en/applications/{first.pk}/documents/"]
    client.get(urls[0])
    small = [_queries(client, url) for url in urls]
    small_checklist = _queries(client, f"/en/applications/{first.pk}/")
    last = add_applications(5)
    for n in range(4):
        document_upload(application=first, actor=applicant, name="b.pdf", data=make_pdf(str(n)), title="b", criteria=[])
    assert [_queries(client, url) for url in urls] == small
    assert _queries(client, f"/en/applications/{last.pk}/") == small_checklist


def test_session_expiring_while_answering_a_request_keeps_the_answer(
    client, complete_draft, applicant, case_officer, settings
):
    from datetime import date

    from applications.models import InformationRequest

    Application.objects.filter(pk=complete_draft.pk).update(state="returned", reference="RPL-2026-0779")
    rfi = InformationRequest.objects.create(
        application=complete_draft, requested_by=case_officer, reply_by=date(2026, 12, 31)
    )
    client.force_login(applicant)
    session = client.session
    session[SessionLimitsMiddleware.KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 60
    session.save()
    response = client.post(
        f"/en/applications/{complete_draft.pk}/requests/{rfi.pk}/answer/",
        {f"rfi-{rfi.pk}-response": "Our accounts are attached to criterion 7."},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    rfi.refresh_from_db()
    assert rfi.response == ""
    client.post("/en/accounts/login/", {"login": applicant.email, "password": "correct-horse-battery"})
    page = client.get(f"/en/applications/{complete_draft.pk}/status/").content.decode()
    assert "Our accounts are attached to criterion 7." in page
    assert "It is not saved yet." in page


def test_docx_zip_bomb_and_traversal_entries_through_the_page(client, draft, applicant, settings):
    import io
    import zipfile

    from .conftest import make_office

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/media/bomb.bin", b"\x00" * (150 * 1024 * 1024))
    client.force_login(applicant)
    response = _upload(client, draft, "bomb.docx", buffer.getvalue(), title="Bomb")
    assert response.status_code == 200
    assert "The document expands to far more than its size and cannot be accepted." in response.content.decode()
    response = _upload(client, draft, "evil.docx", make_office("docx", extra={"../../evil.sh": "#!"}), title="Evil")
    assert "The document contains a part with an unsafe name." in response.content.decode()
    assert Document.objects.count() == 0
    assert not (settings.PRIVATE_STORAGE_ROOT / "documents").exists()
