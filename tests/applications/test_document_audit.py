"""Opening a confidential document leaves an audit row, whoever opens it; a refused attempt is a 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Document
from audit.models import AuditEntry
from reviews.models import ReviewAssignment

from .conftest import make_pdf

OPENED = "applications.document.opened"


@pytest.fixture
def document(complete_draft, applicant):
    criterion = complete_draft.criteria_set.criteria.first()
    return services.document_upload(
        application=complete_draft,
        actor=applicant,
        name="fee-schedule.pdf",
        data=make_pdf("fee schedule"),
        title="Fee schedule",
        criteria=[criterion],
    )


@pytest.fixture
def under_review(document, case_officer, reviewer, conflicted_reviewer):
    """The document's application under review, with an accepted reviewer and one who declared a conflict."""
    Application.objects.filter(pk=document.application_id).update(state="under_review", reference="RPL-2026-7001")
    now = timezone.now()
    for person, state, conflict in ((reviewer, "accepted", False), (conflicted_reviewer, "conflicted", True)):
        ReviewAssignment.objects.create(
            application_id=document.application_id,
            reviewer=person,
            state=state,
            has_conflict=conflict,
            conflict_declared_at=now,
            responded_at=now,
            due_on=timezone.localdate() + timedelta(days=14),
            invited_by=case_officer,
        )
    return document


def _download(user, document):
    client = Client()
    client.force_login(user)
    url = reverse("applications:document_download", args=[document.application_id, document.pk])
    return client.get(url)


def _rows(document):
    return list(
        AuditEntry.objects.filter(action=OPENED, object_type="applications.document", object_id=str(document.pk))
        .order_by("id")
        .values_list("outcome", "actor_id", "actor_role", "data")
    )


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("applicant", "applicant"),
        ("reviewer", "reviewers"),
        ("case_officer", "case_officers"),
        ("approver", "approvers"),
    ],
)
def test_every_successful_download_is_audited_with_the_document_actor_and_role(request, under_review, persona, role):
    user = request.getfixturevalue(persona)
    response = _download(user, under_review)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf("fee schedule")
    trace = {"document": under_review.pk, "application": under_review.application_id, "sha256": under_review.sha256}
    assert _rows(under_review) == [("done", user.pk, role, trace)]


def test_each_opening_is_a_row_of_its_own(applicant, document):
    assert _download(applicant, document).status_code == 200
    assert _download(applicant, document).status_code == 200
    assert [row[0] for row in _rows(document)] == ["done", "done"]


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("other_applicant", "applicant"),
        ("conflicted_reviewer", "reviewers"),
        ("second_reviewer", "reviewers"),
        ("register_admin", "register_admins"),
    ],
)
def test_a_refused_download_is_a_404_that_changes_nothing_and_is_audited_as_refused(
    request, under_review, persona, role
):
    user = request.getfixturevalue(persona)
    before = list(Document.objects.values_list("pk", "title", "sha256", "stored_name"))
    response = _download(user, under_review)
    assert response.status_code == 404
    assert b"fee schedule" not in response.content
    assert list(Document.objects.values_list("pk", "title", "sha256", "stored_name")) == before
    assert _rows(under_review) == [("refused", user.pk, role, {})]
    # the owner still opens it, and that is the one opening recorded as done
    assert _download(request.getfixturevalue("applicant"), under_review).status_code == 200
    assert [row[:2] for row in _rows(under_review)] == [("refused", user.pk), ("done", under_review.uploaded_by_id)]


def test_a_document_asked_for_under_another_application_is_a_404_and_records_nothing(applicant, document, organisation):
    from tests.factories import ApplicationFactory

    other = ApplicationFactory(organisation=organisation, created_by=applicant)
    client = Client()
    client.force_login(applicant)
    url = reverse("applications:document_download", args=[other.pk, document.pk])
    assert client.get(url).status_code == 404
    assert _rows(document) == []


def test_a_document_whose_file_is_gone_is_a_404_and_not_recorded_as_opened(applicant, document):
    from applications import storage

    storage.remove(document.stored_name)
    assert _download(applicant, document).status_code == 404
    assert _rows(document) == []
