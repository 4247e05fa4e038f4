"""Reads for the staff case file and the search over every case.

The case file is everything the bureau holds on one submitted application, laid out for reading:
per criterion the narrative, the documents and what was asked and answered about it; the
organisation's legal particulars, officers and directors; the proposed collaborators; the fee
policy; the requests for information; the history. A fixed number of queries whatever the size.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from agencies.models import Criterion, Organisation
from applications.enums import ApplicationState
from applications.models import Application, Document, InformationRequest, InformationRequestItem
from audit.selectors import audit_for_object

from .models import Decision

S = ApplicationState

# Opened in the browser from the case file; every other type is downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def document_opens_inline(document: Document) -> bool:
    return document.content_type in INLINE_TYPES


@dataclass
class AskedItem:
    """One item of a request for information about a criterion, with the applicant's answer."""

    request: InformationRequest
    text: str


@dataclass
class CriterionFile:
    criterion: Criterion
    narrative: str = ""
    documents: list = field(default_factory=list)
    asked: list = field(default_factory=list)


@dataclass
class CaseFile:
    application: Application
    organisation: Organisation
    officers: list
    collaborators: list
    qualifications: list
    criteria: list
    documents: list
    unlinked_documents: list
    information_requests: list
    timeline: QuerySet


def case_file(*, application: Application) -> CaseFile:
    """The whole case, read-only: what the applicant gave per criterion and about itself, and the history."""
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    narratives = dict(application.evidence.values_list("criterion_id", "narrative"))
    documents = list(application.documents.prefetch_related("criteria").order_by("uploaded_at", "id"))
    requests = list(
        application.information_requests.select_related("requested_by")
        .prefetch_related(Prefetch("items", queryset=InformationRequestItem.objects.select_related("criterion")))
        .order_by("requested_at", "id")
    )
    rows = {c.pk: CriterionFile(criterion=c, narrative=narratives.get(c.pk, "")) for c in criteria}
    unlinked = []
    for document in documents:
        document.opens_inline = document_opens_inline(document)
        linked = [rows[c.pk] for c in document.criteria.all() if c.pk in rows]
        for row in linked:
            row.documents.append(document)
        if not linked:
            unlinked.append(document)
    for rfi in requests:
        for item in rfi.items.all():
            if item.criterion_id in rows:
                rows[item.criterion_id].asked.append(AskedItem(request=rfi, text=item.text))
    organisation = application.organisation
    return CaseFile(
        application=application,
        organisation=organisation,
        officers=list(organisation.officers.order_by("name", "id")),
        collaborators=list(application.proposed_collaborators.order_by("name", "id")),
        qualifications=list(application.proposed_qualifications.all()),
        criteria=list(rows.values()),
        documents=documents,
        unlinked_documents=unlinked,
        information_requests=requests,
        timeline=audit_for_object(obj=application),
    )


def case_parties(*, application: Application) -> dict:
    """Whom a reviewer declares conflicts against: the organisation, its officers and directors and the
    proposed collaborating bodies, by name only."""
    organisation = application.organisation
    names = []
    for name in (organisation.name_en, organisation.name_zh_hant, organisation.name_zh_hans):
        if name and name not in names:
            names.append(name)
    return {
        "organisation": organisation,
        "organisation_names": names or [organisation.name],
        "officers": list(organisation.officers.order_by("name", "id")),
        "collaborators": list(application.proposed_collaborators.order_by("name", "id")),
    }


def case_search(
    *,
    q: str = "",
    reference: str = "",
    organisation: str = "",
    industry_id: int | None = None,
    scheme_id: int | None = None,
    state: str = "",
    decision: str = "",
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
) -> QuerySet[Application]:
    """Every submitted case in every state, open or closed, newest first (drafts stay the applicant's).

    `decision` is "appoint" or "reject" (the Secretary's decision), or "none" for undecided cases.
    """
    qs = (
        Application.objects.exclude(state=S.DRAFT)
        .select_related("organisation", "industry", "scheme")
        .annotate(
            decision_outcome=Subquery(Decision.objects.filter(application=OuterRef("pk")).values("outcome")[:1]),
        )
    )

    def names(prefix: str, term: str) -> Q:
        return (
            Q(**{f"{prefix}name_en__icontains": term})
            | Q(**{f"{prefix}name_zh_hant__icontains": term})
            | Q(**{f"{prefix}name_zh_hans__icontains": term})
        )

    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(reference__icontains=term) | names("organisation__", term) | names("industry__", term))
    if reference.strip():
        qs = qs.filter(reference__icontains=reference.strip())
    if organisation.strip():
        qs = qs.filter(names("organisation__", organisation.strip()))
    if industry_id:
        qs = qs.filter(Q(industry_id=industry_id) | Q(industry__parent_id=industry_id))
    if scheme_id:
        qs = qs.filter(scheme_id=scheme_id)
    if state:
        qs = qs.filter(state=state)
    if decision == "none":
        qs = qs.filter(~Exists(Decision.objects.filter(application=OuterRef("pk"))))
    elif decision:
        qs = qs.filter(decision__outcome=decision)
    if submitted_from:
        qs = qs.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        qs = qs.filter(submitted_at__date__lte=submitted_to)
    if decided_from:
        qs = qs.filter(decided_at__date__gte=decided_from)
    if decided_to:
        qs = qs.filter(decided_at__date__lte=decided_to)
    return qs.order_by("-submitted_at", "-id")
