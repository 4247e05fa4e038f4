"""The staff case file, its documents, the parties on the invitation, and the search over every case."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import OrganisationOfficer
from applications import storage
from applications.models import Document, InformationRequest, InformationRequestItem
from audit.models import AuditEntry
from reviews import services
from tests.factories import ApplicationFactory, OrganisationFactory

from .conftest import criteria, due

PDF = b"%PDF-1.4\n% case file\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def _document(application, actor, *, title, name, content_type, data=PDF, criteria_=()):
    stored_name = storage.new_stored_name(name.rpartition(".")[2])
    storage.write(stored_name, data)
    document = Document.objects.create(
        application=application,
        title=title,
        original_name=name,
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    document.criteria.set(criteria_)
    return document


@pytest.fixture
def full_case(review_case, applicant, case_officer):
    """A case under review with officers, a collaborator, documents per criterion and an answered request."""
    by_code = criteria(review_case)
    review_case.evidence.filter(criterion=by_code["4"]).update(narrative="We sit on the ITAC's working group.")
    OrganisationOfficer.objects.create(organisation=review_case.organisation, name="Chan Tai Man", position="Chair")
    OrganisationOfficer.objects.create(organisation=review_case.organisation, name="Wong Siu Ming", position="Director")
    collaborator = OrganisationFactory(name="Partner Trade Association", name_en="Partner Trade Association")
    review_case.proposed_collaborators.add(collaborator)
    pdf = _document(
        review_case,
        applicant,
        title="Network letters",
        name="letters.pdf",
        content_type="application/pdf",
        criteria_=[by_code["4"]],
    )
    xlsx = _document(
        review_case,
        applicant,
        title="Budget",
        name="budget.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data=b"PK\x03\x04budget",
        criteria_=[by_code["7"]],
    )
    rfi = InformationRequest.objects.create(
        application=review_case,
        requested_by=case_officer,
        reply_by=due(),
        response="The audited accounts are attached.",
        responded_at=timezone.now(),
    )
    InformationRequestItem.objects.create(request=rfi, criterion=by_code["7"], text="Show three years of accounts.")
    return {"case": review_case, "pdf": pdf, "xlsx": xlsx}


def test_case_page_shows_the_narratives_particulars_officers_collaborators_and_answers(client, full_case, case_officer):
    case = full_case["case"]
    client.force_login(case_officer)
    page = client.get(reverse("reviews:case", args=[case.pk])).content.decode()
    assert "We sit on the ITAC&#x27;s working group." in page
    assert "Evidence for 7." in page
    assert case.organisation.registration_number in page
    assert case.organisation.name_zh_hant in page
    assert "Chan Tai Man" in page and "Director" in page
    assert "Partner Trade Association" in page
    assert "HK$1,200 per assessment" in page
    assert "Show three years of accounts." in page and "The audited accounts are attached." in page
    assert reverse("reviews:case_document", args=[case.pk, full_case["pdf"].pk]) in page


@pytest.mark.parametrize("persona", ["case_officer", "approver", "reviewer"])
def test_case_file_page_is_the_same_for_every_one_who_may_see_the_case(client, request, full_case, persona):
    case = full_case["case"]
    if persona == "reviewer":
        reviewer = request.getfixturevalue("reviewer")
        assignment = services.assignment_invite(
            application=case, reviewer=reviewer, due_on=due(), actor=request.getfixturevalue("case_officer")
        )
        services.assignment_respond(assignment=assignment, actor=reviewer, accept=True, has_conflict=False)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("reviews:case_file", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("We sit on the ITAC", "Chan Tai Man", "Partner Trade Association", "The audited accounts"):
        assert text in page
    assert "Sent to review" in page  # the history


def test_case_file_is_a_404_for_an_invited_reviewer_and_the_applicant(
    client, full_case, reviewer, applicant, case_officer
):
    case = full_case["case"]
    services.assignment_invite(application=case, reviewer=reviewer, due_on=due(), actor=case_officer)
    for person in (reviewer, applicant):
        client.force_login(person)
        assert client.get(reverse("reviews:case_file", args=[case.pk])).status_code == 404
        url = reverse("reviews:case_document", args=[case.pk, full_case["pdf"].pk])
        assert client.get(url).status_code == 404
    refused = AuditEntry.objects.filter(action="applications.document.opened", outcome="refused")
    assert refused.count() == 2


def test_a_pdf_opens_inline_with_safe_headers_and_is_audited(client, full_case, case_officer):
    case, pdf = full_case["case"], full_case["pdf"]
    client.force_login(case_officer)
    response = client.get(reverse("reviews:case_document", args=[case.pk, pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    entry = AuditEntry.objects.get(action="applications.document.opened", outcome="done")
    assert (entry.actor, entry.object_id) == (case_officer, str(pdf.pk))


def test_a_spreadsheet_is_downloaded_never_opened(client, full_case, approver):
    case, xlsx = full_case["case"], full_case["xlsx"]
    client.force_login(approver)
    response = client.get(reverse("reviews:case_document", args=[case.pk, xlsx.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_html_file_claimed_as_image_cannot_run(client, full_case, applicant, case_officer):
    case = full_case["case"]
    image = _document(case, applicant, title="Photo", name="photo.png", content_type="image/png", data=b"\x89PNG....")
    client.force_login(case_officer)
    response = client.get(reverse("reviews:case_document", args=[case.pk, image.pk]))
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_case_file_costs_the_same_queries_whatever_the_number_of_documents(
    client, full_case, case_officer, applicant, django_assert_max_num_queries
):
    case = full_case["case"]
    client.force_login(case_officer)
    url = reverse("reviews:case_file", args=[case.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    by_code = criteria(case)
    for n in range(8):
        _document(
            case,
            applicant,
            title=f"Extra {n}",
            name=f"x{n}.pdf",
            content_type="application/pdf",
            criteria_=[by_code["5"], by_code["6"]],
        )
        OrganisationOfficer.objects.create(organisation=case.organisation, name=f"Officer {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_invitation_names_the_parties_before_any_content(client, full_case, reviewer, case_officer):
    case = full_case["case"]
    assignment = services.assignment_invite(application=case, reviewer=reviewer, due_on=due(), actor=case_officer)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    for name in (
        case.organisation.name_en,
        case.organisation.name_zh_hant,
        "Chan Tai Man",
        "Wong Siu Ming",
        "Partner Trade Association",
    ):
        assert name in page
    # names only: nothing of the evidence, the fee policy or the documents
    for secret in ("We sit on the ITAC", "HK$1,200", "Network letters", "audited accounts"):
        assert secret not in page


# -- the search over every case --------------------------------------------------------------


@pytest.fixture
def many_cases(reference, case_officer):
    open_case = ApplicationFactory(state="under_review", evidence=True)
    appointed = ApplicationFactory(state="appointed", evidence=True)
    appointed.organisation.name_en = appointed.organisation.name = "Harbour Logistics Academy"
    appointed.organisation.save()
    appointed.decided_at = timezone.now()
    appointed.save(update_fields=["decided_at"])
    from reviews.models import Decision

    Decision.objects.create(
        application=appointed,
        outcome="appoint",
        term_start=timezone.localdate(),
        term_end=timezone.localdate() + timedelta(days=365),
        decided_by=case_officer,
    )
    rejected = ApplicationFactory(state="rejected", evidence=True)
    withdrawn = ApplicationFactory(state="withdrawn")
    draft = ApplicationFactory(state="draft")
    return {"open": open_case, "appointed": appointed, "rejected": rejected, "withdrawn": withdrawn, "draft": draft}


def _refs(response) -> set[str]:
    return {app.reference for app in response.context["page"]}


def test_search_finds_an_appointed_case_by_the_organisation_name(client, many_cases, case_officer):
    client.force_login(case_officer)
    response = client.get(reverse("reviews:search"), {"q": "harbour logistics"})
    assert _refs(response) == {many_cases["appointed"].reference}


def test_search_lists_every_state_but_drafts(client, many_cases, approver):
    client.force_login(approver)
    response = client.get(reverse("reviews:search"))
    assert _refs(response) == {many_cases[k].reference for k in ("open", "appointed", "rejected", "withdrawn")}


def test_search_filters_by_state_decision_and_date(client, many_cases, register_admin):
    client.force_login(register_admin)
    url = reverse("reviews:search")
    assert _refs(client.get(url, {"state": "rejected"})) == {many_cases["rejected"].reference}
    assert _refs(client.get(url, {"decision": "appoint"})) == {many_cases["appointed"].reference}
    today = timezone.localdate().isoformat()
    assert _refs(client.get(url, {"decided_from": today, "decided_to": today})) == {many_cases["appointed"].reference}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _refs(client.get(url, {"decided_from": tomorrow})) == set()


def test_search_is_a_404_for_reviewers_and_applicants(client, many_cases, reviewer, applicant):
    for person in (reviewer, applicant):
        client.force_login(person)
        assert client.get(reverse("reviews:search")).status_code == 404
        assert client.get(reverse("reviews:search_export")).status_code == 404


def test_search_export_is_csv_of_every_match_with_safe_cells(client, many_cases, case_officer):
    many_cases["rejected"].organisation.name = many_cases["rejected"].organisation.name_en = "=HYPERLINK(1)"
    many_cases["rejected"].organisation.save()
    client.force_login(case_officer)
    response = client.get(reverse("reviews:search_export"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "reference"
    assert len(rows) == 5
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]
    appointed = next(row for row in rows if row[0] == many_cases["appointed"].reference)
    assert appointed[5:7] == ["appointed", "appoint"]


def test_search_page_paginates_in_a_fixed_number_of_queries(client, reference, case_officer, django_assert_num_queries):
    client.force_login(case_officer)
    url = reverse("reviews:search")
    ApplicationFactory.create_batch(3, state="submitted")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    ApplicationFactory.create_batch(30, state="appointed")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 25
    assert response.context["page"].paginator.count == 33
