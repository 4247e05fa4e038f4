"""Reads for the applicant side: their organisations and applications, the evidence checklist, the timeline."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Appointment, Criterion, Organisation, OrganisationMembership
from audit.models import AuditEntry
from audit.selectors import audit_for_object
from qfapp.templatetags.qf import qfdate

from .completeness import evidence_missing
from .enums import ApplicationState
from .models import (
    Application,
    Document,
    Evidence,
    InformationRequestItem,
    OrganisationInvitation,
    OrganisationJoinRequest,
)

S = ApplicationState

# The states an applicant is told about; internal steps (recommendation) stay with the bureau.
APPLICANT_VISIBLE_STATES = {
    S.SUBMITTED: S.SUBMITTED.label,
    S.SCREENING: S.SCREENING.label,
    S.RETURNED: S.RETURNED.label,
    S.UNDER_REVIEW: S.UNDER_REVIEW.label,
    S.INELIGIBLE: S.INELIGIBLE.label,
    S.APPOINTED: S.APPOINTED.label,
    S.REJECTED: S.REJECTED.label,
    S.WITHDRAWN: S.WITHDRAWN.label,
}


def applicant_state_label(state: str) -> str:
    """What the applicant is shown for a state: a recommendation still reads 'under review'."""
    if state == S.RECOMMENDED:
        return str(S.UNDER_REVIEW.label)
    return str(S(state).label)


def memberships_for_user(*, user) -> QuerySet[OrganisationMembership]:
    return (
        OrganisationMembership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    )


def editable_organisations(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=["owner", "editor"]).order_by(
        "name"
    )


def applications_for_user(*, user) -> QuerySet[Application]:
    """Every application of every organisation the user belongs to, newest first."""
    return (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("organisation", "scheme", "industry", "industry__parent")
        .order_by("-created_at")
    )


def organisation_detail(*, organisation: Organisation) -> dict:
    return {
        "memberships": organisation.memberships.select_related("user").order_by("role", "user__email"),
        "officers": organisation.officers.all(),
        "invitations": OrganisationInvitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
        ),
        "join_requests": OrganisationJoinRequest.objects.filter(
            organisation=organisation, outcome=OrganisationJoinRequest.Outcome.PENDING
        ).select_related("user"),
        "applications": organisation.applications.select_related("scheme", "industry").order_by("-created_at"),
        # Its appointments (decided here or recorded from before): each can be renewed from this page.
        "appointments": organisation.appointments.filter(cancelled_on__isnull=True, current_end__isnull=False)
        .select_related("scheme", "industry")
        .order_by("scheme__code", "industry__sort_order", "pk"),
    }


def pending_invitations_for(*, user) -> QuerySet[OrganisationInvitation]:
    return OrganisationInvitation.objects.filter(
        email__iexact=user.email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("organisation")


@dataclass
class ChecklistRow:
    criterion: Criterion
    narrative: str = ""
    documents: list = field(default_factory=list)
    expired: list = field(default_factory=list)

    @property
    def has_narrative(self) -> bool:
        return bool(self.narrative.strip())

    @property
    def current_documents(self) -> list:
        return [d for d in self.documents if d not in self.expired]

    @property
    def missing(self) -> str:
        """What the criterion still requires (applications.completeness), "" when complete."""
        return evidence_missing(
            requires=self.criterion.requires,
            has_narrative=self.has_narrative,
            documents=len(self.current_documents),
            expired=len(self.expired),
        )

    @property
    def complete(self) -> bool:
        return not self.missing


def application_checklist(*, application: Application) -> list[ChecklistRow]:
    """For every criterion of the application's criteria set: its narrative, documents and expired documents."""
    today = timezone.localdate()
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    narratives = dict(Evidence.objects.filter(application=application).values_list("criterion_id", "narrative"))
    rows = {c.pk: ChecklistRow(criterion=c, narrative=narratives.get(c.pk, "") or "") for c in criteria}
    documents = Document.objects.filter(application=application).prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.only("id"))
    )
    for document in documents:
        for criterion in document.criteria.all():
            row = rows.get(criterion.pk)
            if row is None:
                continue
            row.documents.append(document)
            if document.expires_on and document.expires_on < today:
                row.expired.append(document)
    return [rows[c.pk] for c in criteria]


def application_missing(
    *, application: Application, checklist: list[ChecklistRow] | None = None
) -> dict[str, list[str]]:
    """What stops submission: per criterion code, and under "" for the application as a whole."""
    missing: dict[str, list[str]] = {}
    for row in checklist if checklist is not None else application_checklist(application=application):
        if row.missing:
            missing[row.criterion.code] = [row.missing]
    general = []
    if application.scheme.code == "rpl" and application.industry_id is None:
        general.append(_("Choose the industry or branch."))
    if application.scheme.code == "pq" and not application.proposed_qualifications.exists():
        general.append(_("Name at least one professional qualification sought."))
    if not application.fee_policy.strip():
        general.append(_("Describe the fee policy and the assessment fee schedule."))
    if general:
        missing[""] = general
    return missing


def application_missing_rows(*, checklist: list[ChecklistRow], missing: dict[str, list[str]]) -> list[tuple]:
    """The missing items as the checklist and the submit page both list them: (criterion or None, texts).

    One row per criterion, then one per particular of the application as a whole, so that the count
    a page gives is the number of rows it shows.
    """
    criteria = {row.criterion.code: row.criterion for row in checklist}
    rows = [(criteria.get(code), texts) for code, texts in missing.items() if code]
    return rows + [(None, [text]) for text in missing.get("", [])]


def applicant_timeline(*, application: Application) -> list[dict]:
    """The state changes the applicant may see, oldest first; no actors, notes or internal steps."""
    entries = audit_for_object(obj=application).filter(
        outcome=AuditEntry.Outcome.DONE, to_state__in=list(APPLICANT_VISIBLE_STATES)
    )
    return [{"at": e.created_at, "state": e.to_state, "label": APPLICANT_VISIBLE_STATES[e.to_state]} for e in entries]


def last_appointed_application(*, organisation: Organisation, scheme, industry) -> Application | None:
    """The organisation's latest appointed application for this scheme and industry (for a re-appointment)."""
    return (
        Application.objects.filter(organisation=organisation, scheme=scheme, industry=industry, state=S.APPOINTED)
        .order_by("-decided_at", "-pk")
        .first()
    )


def appointment_to_renew(*, organisation: Organisation, scheme, industry) -> Appointment | None:
    """The organisation's appointment for this scheme and industry that a re-appointment renews (the one whose
    last term ends latest, not cancelled), whether or not it was decided in this system."""
    return (
        Appointment.objects.filter(
            agency=organisation, scheme=scheme, industry=industry, cancelled_on__isnull=True, current_end__isnull=False
        )
        .order_by("-current_end", "-pk")
        .first()
    )


def open_information_requests(*, application: Application):
    return application.information_requests.filter(responded_at__isnull=True).prefetch_related("items__criterion")


def open_request_items(*, application: Application, criterion: Criterion) -> list:
    """The unanswered requests for information about one criterion (shown where its evidence is changed)."""
    if application.state != S.RETURNED:
        return []
    return list(
        InformationRequestItem.objects.filter(
            request__application=application, request__responded_at__isnull=True, criterion=criterion
        ).select_related("request")
    )


def dashboard_counts(*, user) -> dict:
    return applications_for_user(user=user).aggregate(
        drafts=Count("pk", filter=Q(state=S.DRAFT)),
        returned=Count("pk", filter=Q(state=S.RETURNED)),
        total=Count("pk"),
    )


def applicant_next_step(*, application: Application) -> dict | None:
    """What happens next for the applicant: the step, who takes it, the bureau's target time and whom to ask.

    Targets are in working days (settings.APPLICANT_SERVICE_TARGETS); the contact is the secretariat's
    (settings.BUREAU_ENQUIRIES). None once the case is closed.
    """
    targets = settings.APPLICANT_SERVICE_TARGETS
    state = application.state
    step = None
    if state == S.DRAFT:
        step = {
            "text": _("Add the evidence for each criterion, then review and submit the application."),
            "who": _("You"),
            "target": "",
        }
    elif state in (S.SUBMITTED, S.SCREENING):
        step = {
            "text": _("The secretariat checks that the application is complete and that the organisation is eligible."),
            "who": _("The secretariat"),
            "target": _("within %(days)d working days of submission") % {"days": targets["screening"]},
        }
    elif state == S.RETURNED:
        reply_by = (
            application.information_requests.filter(responded_at__isnull=True)
            .order_by("reply_by")
            .values_list("reply_by", flat=True)
            .first()
        )
        step = {
            "text": _("Answer each request for information below, change the evidence it concerns, then resubmit."),
            "who": _("You"),
            "target": _("by %(date)s") % {"date": qfdate(reply_by)} if reply_by else "",
        }
    elif state in (S.UNDER_REVIEW, S.RECOMMENDED):
        step = {
            "text": _(
                "Independent reviewers assess the evidence against each criterion; the bureau then recommends "
                "and the Secretary for Education decides."
            ),
            "who": _("The reviewers and the bureau"),
            "target": _("a decision within %(days)d working days of the start of the review")
            % {"days": targets["decision"]},
        }
    elif state == S.APPOINTED:
        step = {
            "text": _("The register administrators publish the appointment on the public register."),
            "who": _("The register administrators"),
            "target": _("within %(days)d working days of the decision") % {"days": targets["publication"]},
        }
    if step is None:
        return None
    return {**step, "contact": settings.BUREAU_ENQUIRIES}
