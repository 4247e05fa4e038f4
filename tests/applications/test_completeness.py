"""One completeness rule (issue 12, item 3): what each criterion requires (a narrative, at least one
current document, or both) is a property of the criterion, and the applicant's checklist, the
submission, screening and the send-to-review transition all apply the same rule."""

import pytest
from django.urls import reverse

from agencies.enums import EvidenceRequirement as R
from agencies.models import Criterion
from applications.completeness import evidence_complete, evidence_missing
from applications.selectors import application_checklist, application_missing
from applications.services import application_submit, document_upload, evidence_save
from qfapp.exceptions import RuleViolation
from reviews import services as review_services
from reviews.selectors import screening_checklist
from tests import factories

from .conftest import make_pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("requires", "narrative", "documents", "expired", "complete"),
    [
        (R.NARRATIVE, True, 0, 0, True),
        (R.NARRATIVE, False, 1, 0, False),
        (R.DOCUMENT, False, 1, 0, True),
        (R.DOCUMENT, True, 0, 0, False),
        (R.DOCUMENT, False, 0, 1, False),
        (R.BOTH, True, 1, 0, True),
        (R.BOTH, True, 0, 0, False),
        (R.BOTH, False, 1, 0, False),
    ],
)
def test_the_rule_per_requirement(requires, narrative, documents, expired, complete):
    missing = evidence_missing(requires=requires, has_narrative=narrative, documents=documents, expired=expired)
    assert (missing == "") is complete


def _require(application, code: str, requires: str) -> Criterion:
    # The set is bound to the application already; in real life the requirement is set before.
    criterion = application.criteria_set.criteria.get(code=code)
    Criterion.objects.filter(pk=criterion.pk).update(requires=requires)
    return Criterion.objects.get(pk=criterion.pk)


def _narratives(application, applicant, except_codes=()):
    for criterion in application.criteria_set.criteria.all():
        if criterion.code not in except_codes:
            evidence_save(application=application, criterion=criterion, narrative="Yes.", actor=applicant)


def test_a_pdf_alone_does_not_complete_a_criterion_that_requires_a_narrative(reference, organisation, applicant):
    """The defect: the checklist accepted criterion 7 with a PDF only, and screening then refused it."""
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    _narratives(draft, applicant, except_codes=("7",))
    seven = draft.criteria_set.criteria.get(code="7")
    document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="Accounts", criteria=[seven]
    )
    row = next(r for r in application_checklist(application=draft) if r.criterion.code == "7")
    assert row.complete is False
    assert application_missing(application=draft) == {"7": ["Write a narrative for this criterion."]}
    with pytest.raises(RuleViolation):
        application_submit(application=draft, actor=applicant, declaration_accepted=True)


def test_a_criterion_that_requires_a_document_is_complete_with_one_everywhere(
    reference, organisation, applicant, case_officer
):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    seven = _require(draft, "7", R.DOCUMENT)
    _narratives(draft, applicant, except_codes=("7",))
    document_upload(
        application=draft, actor=applicant, name="a.pdf", data=make_pdf(), title="Accounts", criteria=[seven]
    )
    assert application_missing(application=draft) == {}
    application_submit(application=draft, actor=applicant, declaration_accepted=True)
    # Screening asks the same rule: the case goes to review without a return for information.
    assert all(row.complete for row in screening_checklist(application=draft))
    assert evidence_complete(draft)
    review_services.case_start_screening(application=draft, actor=case_officer)
    review_services.case_send_to_review(application=draft, actor=case_officer)
    draft.refresh_from_db()
    assert draft.state == "under_review"


def test_a_criterion_that_requires_both_needs_both(reference, organisation, applicant):
    draft = factories.ApplicationFactory(organisation=organisation, created_by=applicant)
    one = _require(draft, "1", R.BOTH)
    _narratives(draft, applicant)
    assert application_missing(application=draft) == {"1": ["Upload at least one current document for this criterion."]}
    document_upload(
        application=draft, actor=applicant, name="c.pdf", data=make_pdf(), title="Certificate", criteria=[one]
    )
    assert application_missing(application=draft) == {}


def test_screening_refuses_what_the_rule_calls_incomplete(reference, organisation, case_officer):
    case = factories.ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
    _require(case, "7", R.BOTH)
    review_services.case_start_screening(application=case, actor=case_officer)
    with pytest.raises(RuleViolation, match="Evidence is missing"):
        review_services.case_send_to_review(application=case, actor=case_officer)


def test_the_case_page_and_the_checklist_show_the_same_verdict(
    client, reference, organisation, applicant, case_officer
):
    case = factories.ApplicationFactory(state="submitted", evidence=True, organisation=organisation)
    _require(case, "7", R.BOTH)
    client.force_login(case_officer)
    html = client.get(reverse("reviews:case", args=[case.pk])).content.decode()
    assert "Upload at least one current document for this criterion." in html
