import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.system import system_actor
from agencies.enums import EvidenceRequirement
from agencies.models import Appointment, Criterion, Organisation
from agencies.services import appointment_create
from applications.enums import ApplicationState
from applications.models import Application, Document, Evidence, InformationRequest, InformationRequestItem
from applications.services import (
    application_resubmit,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    document_delete,
    document_update,
    document_upload,
    evidence_save,
    information_request_respond,
)
from applications.services.applications import NARRATIVE_MAX_CHARS, AlreadySubmitted
from audit.models import AuditEntry
from notifications.models import Message
from qfapp.exceptions import RuleViolation
from tests import factories

from .conftest import make_pdf

pytestmark = pytest.mark.django_db


def _criteria(application):
    return list(application.criteria_set.criteria.order_by("order"))


def _on_register(body):
    """Make `body` an agency of a published appointment (a public name the picker may offer)."""
    from agencies.models import Appointment

    Appointment.objects.create(agency=body, scheme=factories.criteria_set_for("rpl").scheme, is_published=True)
    return body


def test_start_rpl_binds_the_active_criteria_set(reference, organisation, applicant):
    industry = factories.IndustryFactory()
    partner = _on_register(factories.OrganisationFactory())
    application = application_start(
        organisation=organisation,
        scheme=factories.criteria_set_for("rpl").scheme,
        actor=applicant,
        industry=industry,
        fee_policy="Cost recovery only.",
        collaborators=[partner],
        new_collaborator_names=["Brand New Trade Association", ""],
    )
    assert application.state == ApplicationState.DRAFT
    assert application.criteria_set == factories.criteria_set_for("rpl")
    assert application.industry == industry
    names = sorted(application.proposed_collaborators.values_list("name", flat=True))
    assert names == sorted([partner.name, "Brand New Trade Association"])
    assert Organisation.objects.filter(name="Brand New Trade Association").count() == 1
    assert AuditEntry.objects.filter(action="applications.application.started").count() == 1


def test_start_rpl_needs_an_industry(reference, organisation, applicant):
    with pytest.raises(RuleViolation):
        application_start(organisation=organisation, scheme=factories.criteria_set_for("rpl").scheme, actor=applicant)


def test_start_pq_with_qualifications(reference, organisation, applicant):
    application = application_start(
        organisation=organisation,
        scheme=factories.criteria_set_for("pq").scheme,
        actor=applicant,
        industry=factories.IndustryFactory(),
        qualifications=[{"title": "Certified Surveyor", "proposed_level": 6}],
    )
    assert application.industry is None
    assert list(application.proposed_qualifications.values_list("title", "proposed_level")) == [
        ("Certified Surveyor", 6)
    ]


def test_pq_level_outside_1_to_7_is_refused(reference, organisation, applicant):
    with pytest.raises(RuleViolation):
        application_start(
            organisation=organisation,
            scheme=factories.criteria_set_for("pq").scheme,
            actor=applicant,
            qualifications=[{"title": "X", "proposed_level": 8}],
        )
    assert Application.objects.count() == 0


def test_start_refused_for_another_organisation_and_viewers(reference, organisation, other_applicant, viewer):
    for user in (other_applicant, viewer):
        with pytest.raises(RuleViolation):
            application_start(
                organisation=organisation,
                scheme=factories.criteria_set_for("rpl").scheme,
                actor=user,
                industry=factories.IndustryFactory(),
            )
    assert Application.objects.count() == 0


def test_reappointment_is_prefilled_from_the_last_appointed_application(reference, organisation, applicant):
    industry = factories.IndustryFactory()
    partner = factories.OrganisationFactory()
    old = factories.ApplicationFactory(
        organisation=organisation, industry=industry, state="appointed", evidence=True, fee_policy="Old fees."
    )
    old.proposed_collaborators.set([partner])
    appointment = appointment_create(
        agency=organisation,
        scheme=old.scheme,
        industry=industry,
        start=date(2021, 4, 1),
        end=date(2026, 3, 31),
        actor=system_actor(),
    )
    Application.objects.filter(pk=old.pk).update(appointment=appointment, decided_at=timezone.now())
    application = application_start(
        organisation=organisation, scheme=old.scheme, actor=applicant, kind="reappointment", industry=industry
    )
    assert application.previous_appointment == appointment
    assert application.fee_policy == "Old fees."
    assert list(application.proposed_collaborators.all()) == [partner]
    assert application.evidence.count() == 7
    assert application.evidence.get(criterion__code="3").narrative == "Evidence for 3."


def test_reappointment_without_a_previous_appointment_is_refused(reference, organisation, applicant):
    with pytest.raises(RuleViolation) as exc:
        application_start(
            organisation=organisation,
            scheme=factories.criteria_set_for("rpl").scheme,
            actor=applicant,
            kind="reappointment",
            industry=factories.IndustryFactory(),
        )
    assert "kind" in exc.value.field_errors


def test_update_draft_only(draft, applicant, other_applicant):
    application_update(application=draft, actor=applicant, fee_policy="New fees", industry=draft.industry)
    draft.refresh_from_db()
    assert draft.fee_policy == "New fees"
    with pytest.raises(RuleViolation):
        application_update(application=draft, actor=other_applicant, fee_policy="x", industry=draft.industry)
    Application.objects.filter(pk=draft.pk).update(state="submitted", reference="RPL-2026-9999")
    draft.refresh_from_db()
    with pytest.raises(RuleViolation):
        application_update(application=draft, actor=applicant, fee_policy="Later", industry=draft.industry)


def test_evidence_save_and_limits(draft, applicant, other_applicant, viewer):
    criterion = _criteria(draft)[0]
    evidence_save(application=draft, criterion=criterion, narrative="We are a company.\r\nLine two.", actor=applicant)
    assert Evidence.objects.get(application=draft, criterion=criterion).narrative == "We are a company.\nLine two."
    with pytest.raises(RuleViolation):
        evidence_save(
            application=draft, criterion=criterion, narrative="x" * (NARRATIVE_MAX_CHARS + 1), actor=applicant
        )
    for user in (other_applicant, viewer):
        with pytest.raises(RuleViolation):
            evidence_save(application=draft, criterion=criterion, narrative="hijack", actor=user)
    assert Evidence.objects.get(application=draft, criterion=criterion).narrative == "We are a company.\nLine two."


def test_evidence_for_a_criterion_of_another_set_is_refused(draft, applicant):
    pq_criterion = factories.criteria_set_for("pq").criteria.first()
    with pytest.raises(RuleViolation):
        evidence_save(application=draft, criterion=pq_criterion, narrative="x", actor=applicant)


def test_submit_gives_a_reference_and_notifies(complete_draft, applicant, case_officer, time_machine):
    time_machine.move_to("2026-05-04 10:00:00+08:00", tick=False)
    application = application_submit(application=complete_draft, actor=applicant, declaration_accepted=True)
    assert application.state == ApplicationState.SUBMITTED
    assert application.reference == "RPL-2026-0001"
    assert application.declaration_accepted_at is not None
    assert application.is_editable_by_applicant is False
    assert Message.objects.filter(event="application.submitted", recipient=applicant).count() == 1
    assert Message.objects.filter(event="application.submitted", recipient=case_officer).count() == 1
    entry = AuditEntry.objects.get(action="applications.application.submitted")
    assert (entry.from_state, entry.to_state) == ("draft", "submitted")
    second = factories.ApplicationFactory(organisation=complete_draft.organisation, evidence=True)
    assert application_submit(application=second, actor=applicant, declaration_accepted=True).reference == (
        "RPL-2026-0002"
    )


def test_submit_again_is_refused_without_a_second_reference(complete_draft, applicant):
    application_submit(application=complete_draft, actor=applicant, declaration_accepted=True)
    with pytest.raises(AlreadySubmitted):
        application_submit(application=complete_draft, actor=applicant, declaration_accepted=True)
    assert Message.objects.filter(event="application.submitted").count() == 1


def test_submit_with_missing_evidence_lists_each_criterion(draft, applicant):
    criteria = _criteria(draft)
    evidence_save(application=draft, criterion=criteria[0], narrative="Legal entity.", actor=applicant)
    document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="Accounts", criteria=[criteria[6]]
    )
    with pytest.raises(RuleViolation) as exc:
        application_submit(application=draft, actor=applicant, declaration_accepted=True)
    # Every criterion of the seeded set requires a narrative: the PDF alone does not complete criterion 7.
    assert sorted(exc.value.field_errors) == ["2", "3", "4", "5", "6", "7"]
    assert exc.value.field_errors["2"] == ["Write a narrative for this criterion."]
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.reference is None
    assert AuditEntry.objects.filter(action="applications.application.submit", outcome="refused").count() == 1


def test_expired_documents_do_not_count(draft, applicant):
    criteria = _criteria(draft)
    # A criterion that requires a document (set before any application uses the set, in real life).
    Criterion.objects.filter(pk=criteria[0].pk).update(requires=EvidenceRequirement.DOCUMENT)
    for criterion in criteria[1:]:
        evidence_save(application=draft, criterion=criterion, narrative="Yes.", actor=applicant)
    document_upload(
        application=draft,
        actor=applicant,
        name="cert.pdf",
        data=make_pdf(),
        title="Certificate",
        criteria=[criteria[0]],
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(RuleViolation) as exc:
        application_submit(application=draft, actor=applicant, declaration_accepted=True)
    assert exc.value.field_errors == {
        "1": ["Only expired documents support this criterion: upload a current document."]
    }


def test_submit_needs_the_declaration(complete_draft, applicant):
    with pytest.raises(RuleViolation) as exc:
        application_submit(application=complete_draft, actor=applicant, declaration_accepted=False)
    assert list(exc.value.field_errors) == ["declaration"]
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"


def test_submit_refused_to_other_users(complete_draft, other_applicant, viewer, case_officer):
    for user in (other_applicant, viewer, case_officer):
        with pytest.raises(RuleViolation):
            application_submit(application=complete_draft, actor=user, declaration_accepted=True)
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"


@pytest.mark.django_db(transaction=True)
def test_double_clicked_submit_gives_one_submission(reference):
    organisation = factories.OrganisationFactory()
    user = factories.UserFactory()
    factories.MembershipFactory(organisation=organisation, user=user, role="owner")
    application = factories.ApplicationFactory(organisation=organisation, created_by=user, evidence=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            barrier.wait()
            app = Application.objects.get(pk=application.pk)
            application_submit(application=app, actor=user, declaration_accepted=True)
            outcomes.append("submitted")
        except AlreadySubmitted:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already", "submitted"]
    application.refresh_from_db()
    assert application.reference == "RPL-2026-0001"
    assert AuditEntry.objects.filter(action="applications.application.submitted").count() == 1
    assert Message.objects.filter(event="application.submitted").count() == 1


def _returned(application, case_officer):
    Application.objects.filter(pk=application.pk).update(state="returned", reference="RPL-2026-0500")
    request = InformationRequest.objects.create(
        application=application,
        requested_by=case_officer,
        message="Please add audited accounts.",
        reply_by=timezone.localdate() + timedelta(days=14),
    )
    InformationRequestItem.objects.create(
        request=request, criterion=_criteria(application)[6], text="Audited accounts for 2024."
    )
    application.refresh_from_db()
    return request


def test_answer_and_resubmit(complete_draft, applicant, case_officer):
    request = _returned(complete_draft, case_officer)
    with pytest.raises(RuleViolation):
        application_resubmit(application=complete_draft, actor=applicant, declaration_accepted=True)
    evidence_save(
        application=complete_draft,
        criterion=_criteria(complete_draft)[6],
        narrative="Accounts attached.",
        actor=applicant,
    )
    document_upload(
        application=complete_draft,
        actor=applicant,
        name="accounts.pdf",
        data=make_pdf(),
        title="Audited accounts 2024",
        criteria=[_criteria(complete_draft)[6]],
    )
    information_request_respond(information_request=request, response="Uploaded the accounts.", actor=applicant)
    application_resubmit(application=complete_draft, actor=applicant, declaration_accepted=True)
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"
    assert complete_draft.reference == "RPL-2026-0500"
    assert Message.objects.filter(event="application.resubmitted", recipient=case_officer).count() == 1
    with pytest.raises(AlreadySubmitted):
        application_resubmit(application=complete_draft, actor=applicant, declaration_accepted=True)


def test_answer_refused_to_other_users(complete_draft, case_officer, other_applicant, viewer):
    request = _returned(complete_draft, case_officer)
    for user in (other_applicant, viewer):
        with pytest.raises(RuleViolation):
            information_request_respond(information_request=request, response="x", actor=user)
        with pytest.raises(RuleViolation):
            application_resubmit(application=complete_draft, actor=user, declaration_accepted=True)
    request.refresh_from_db()
    assert request.response == ""


def test_answer_must_not_be_empty(complete_draft, applicant, case_officer):
    request = _returned(complete_draft, case_officer)
    with pytest.raises(RuleViolation):
        information_request_respond(information_request=request, response="   ", actor=applicant)


def test_withdraw_before_decision(complete_draft, applicant, case_officer):
    application_submit(application=complete_draft, actor=applicant, declaration_accepted=True)
    with pytest.raises(RuleViolation):
        application_withdraw(application=complete_draft, reason="  ", actor=applicant)
    application_withdraw(application=complete_draft, reason="We merged with another body.", actor=applicant)
    complete_draft.refresh_from_db()
    assert complete_draft.state == "withdrawn"
    assert complete_draft.withdrawn_reason == "We merged with another body."
    assert Message.objects.filter(event="application.withdrawn", recipient=case_officer).count() == 1


def test_withdraw_after_decision_is_refused(reference, organisation, applicant):
    application = factories.ApplicationFactory(organisation=organisation, state="rejected")
    with pytest.raises(RuleViolation):
        application_withdraw(application=application, reason="Too late", actor=applicant)
    application.refresh_from_db()
    assert application.state == "rejected"


def test_withdraw_refused_to_other_users(reference, organisation, other_applicant, viewer):
    application = factories.ApplicationFactory(organisation=organisation, state="submitted")
    for user in (other_applicant, viewer):
        with pytest.raises(RuleViolation):
            application_withdraw(application=application, reason="x", actor=user)
    application.refresh_from_db()
    assert application.state == "submitted"


def test_withdraw_of_a_draft_is_refused(draft, applicant):
    with pytest.raises(RuleViolation):
        application_withdraw(application=draft, reason="Never mind", actor=applicant)


def test_document_upload_stores_privately(draft, applicant, settings):
    criteria = _criteria(draft)
    data = make_pdf()
    document = document_upload(
        application=draft,
        actor=applicant,
        name="../../Annual Report.pdf",
        data=data,
        title="Annual report",
        criteria=criteria[:3],
    )
    assert document.original_name == "Annual Report.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(data)
    import hashlib

    assert document.sha256 == hashlib.sha256(data).hexdigest()
    path = settings.PRIVATE_STORAGE_ROOT / "documents" / document.stored_name[:2] / document.stored_name
    assert path.read_bytes() == data
    assert "Annual" not in document.stored_name
    assert sorted(document.criteria.values_list("code", flat=True)) == ["1", "2", "3"]


def test_document_refused_by_content_writes_nothing(draft, applicant, settings):
    with pytest.raises(RuleViolation) as exc:
        document_upload(
            application=draft, actor=applicant, name="cv.pdf", data=b"<html>hi</html>", title="CV", criteria=[]
        )
    assert "file" in exc.value.field_errors
    assert Document.objects.count() == 0
    assert not (settings.PRIVATE_STORAGE_ROOT / "documents").exists()


def test_document_limit_per_application(draft, applicant, settings):
    settings.DOCUMENTS_PER_APPLICATION = 2
    for n in range(2):
        document_upload(
            application=draft, actor=applicant, name=f"{n}.pdf", data=make_pdf(str(n)), title=str(n), criteria=[]
        )
    with pytest.raises(RuleViolation) as exc:
        document_upload(application=draft, actor=applicant, name="3.pdf", data=make_pdf("3"), title="3", criteria=[])
    assert exc.value.messages == ["An application may have at most 2 documents."]
    assert Document.objects.count() == 2
    assert sum(1 for p in (settings.PRIVATE_STORAGE_ROOT / "documents").rglob("*") if p.is_file()) == 2


def test_document_file_removed_when_the_database_write_fails(draft, applicant, settings):
    """The file is written first; when the row cannot be inserted, the file goes too."""
    with pytest.raises(Exception):  # noqa: B017,PT011 - the insert fails on an impossible date
        document_upload(
            application=draft,
            actor=applicant,
            name="a.pdf",
            data=make_pdf(),
            title="a",
            criteria=[],
            expires_on="2026-02-31",
        )
    assert Document.objects.count() == 0
    root = settings.PRIVATE_STORAGE_ROOT / "documents"
    assert [p for p in root.rglob("*") if p.is_file()] == []
    assert root.exists()


def test_scanner_hook_refuses_and_fails_closed(draft, applicant, settings):
    settings.DOCUMENT_SCANNER = "tests.applications.scanners.refuse_everything"
    with pytest.raises(RuleViolation) as exc:
        document_upload(application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="a", criteria=[])
    assert exc.value.messages == ["The virus scanner refused this file."]
    settings.DOCUMENT_SCANNER = "tests.applications.scanners.broken"
    with pytest.raises(RuleViolation) as exc:
        document_upload(application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="a", criteria=[])
    assert exc.value.messages == ["The file could not be checked for viruses just now. Please try again later."]
    assert Document.objects.count() == 0


def test_document_upload_refused_to_other_users_and_after_submission(
    complete_draft, applicant, other_applicant, viewer
):
    for user in (other_applicant, viewer):
        with pytest.raises(RuleViolation):
            document_upload(
                application=complete_draft, actor=user, name="a.pdf", data=make_pdf(), title="a", criteria=[]
            )
    application_submit(application=complete_draft, actor=applicant, declaration_accepted=True)
    with pytest.raises(RuleViolation):
        document_upload(
            application=complete_draft, actor=applicant, name="a.pdf", data=make_pdf(), title="a", criteria=[]
        )
    assert Document.objects.count() == 0


def test_document_update_and_delete(draft, applicant, other_applicant, settings, django_capture_on_commit_callbacks):
    criteria = _criteria(draft)
    document = document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="a", criteria=[]
    )
    document_update(
        document=document, actor=applicant, title="Renamed", criteria=criteria[3:5], expires_on=date(2030, 1, 1)
    )
    document.refresh_from_db()
    assert document.title == "Renamed"
    assert sorted(document.criteria.values_list("code", flat=True)) == ["4", "5"]
    with pytest.raises(RuleViolation):
        document_update(document=document, actor=other_applicant, title="x", criteria=[])
    with pytest.raises(RuleViolation):
        document_delete(document=document, actor=other_applicant)
    path = settings.PRIVATE_STORAGE_ROOT / "documents" / document.stored_name[:2] / document.stored_name
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document, actor=applicant)
    assert Document.objects.count() == 0
    assert not path.exists()
    assert not Appointment.objects.exists()
