"""Reads of the register. Status is computed in SQL as of a date; nothing is computed per row in Python."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Aggregate,
    Case,
    DateField,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields import CharField
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404

from .enums import RegisterEventKind, RegisterStatus, SchemeCode
from .models import (
    Appointment,
    AppointmentTerm,
    CriteriaSet,
    Criterion,
    Industry,
    Organisation,
    RecognisedQualification,
    RegisterEvent,
)

STATUS_ORDER = [
    RegisterStatus.CURRENT,
    RegisterStatus.UPCOMING,
    RegisterStatus.LAPSED,
    RegisterStatus.EXPIRED,
    RegisterStatus.CANCELLED,
]


def status_expression(as_of: date) -> Case:
    """The register status of an appointment as of a date, as a SQL expression."""
    covering = AppointmentTerm.objects.filter(appointment=OuterRef("pk"), start__lte=as_of, end__gte=as_of)
    return Case(
        When(cancelled_on__isnull=False, cancelled_on__lte=as_of, then=Value(RegisterStatus.CANCELLED.value)),
        When(Exists(covering), then=Value(RegisterStatus.CURRENT.value)),
        # No term covers the date but one ends after it: the next term has not started yet. Before
        # the first term that is "upcoming"; between two terms the appointment has lapsed.
        When(current_end__gt=as_of, first_start__gt=as_of, then=Value(RegisterStatus.UPCOMING.value)),
        When(current_end__gt=as_of, then=Value(RegisterStatus.LAPSED.value)),
        default=Value(RegisterStatus.EXPIRED.value),
        output_field=CharField(),
    )


def _term_field(as_of: date, name: str) -> Coalesce:
    """A field of the term shown for the date: the latest term begun by then (the one in force, or the
    last one of an expired or lapsed appointment), else the first term (an upcoming appointment)."""
    terms = AppointmentTerm.objects.filter(appointment=OuterRef("pk"))
    begun = terms.filter(start__lte=as_of).order_by("-start").values(name)[:1]
    first = terms.order_by("start").values(name)[:1]
    return Coalesce(Subquery(begun), Subquery(first), output_field=DateField())


class _TermsJSON(Aggregate):
    """Every term of an appointment as one JSON array (PostgreSQL's jsonb_agg, SQLite's json_group_array)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _terms_history() -> Subquery:
    record = JSONObject(start="start", end="end", kind="kind")
    rows = (
        AppointmentTerm.objects.filter(appointment=OuterRef("pk"))
        .order_by()
        .values("appointment")
        .annotate(history=_TermsJSON(record))
        .values("history")
    )
    return Subquery(rows, output_field=JSONField())


def _rank(field_name: str, values: list) -> Case:
    return Case(
        *[When(**{field_name: value}, then=Value(index)) for index, value in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def appointments_with_status(*, as_of: date) -> QuerySet[Appointment]:
    """Every appointment (published or not) annotated with `status` as of the date, and with
    `term_start` and `term_end`: the term in force on the date (see `_term_field`)."""
    return Appointment.objects.annotate(
        status=status_expression(as_of),
        term_start=_term_field(as_of, "start"),
        term_end=_term_field(as_of, "end"),
    ).select_related("agency", "scheme", "industry")


def register_list(
    *,
    as_of: date,
    scheme: str | None = None,
    industry: str | None = None,
    agency: int | None = None,
    status: str | None = None,
    with_history: bool = False,
) -> QuerySet[Appointment]:
    """Published appointments with `status` as of the date: current first, then RPL before PQ, by industry order.

    Filters take a scheme code, an industry code, an agency id and a status value. Two queries
    when evaluated (the appointments, then their collaborating bodies). `with_history` adds
    `terms_history`, every term as a list of {start, end, kind} in the same query.
    """
    qs = (
        appointments_with_status(as_of=as_of)
        .filter(is_published=True)
        .annotate(
            status_rank=_rank("status", [s.value for s in STATUS_ORDER]),
            scheme_rank=_rank("scheme__code", [SchemeCode.RPL.value, SchemeCode.PQ.value]),
        )
        .prefetch_related(Prefetch("collaborators", queryset=Organisation.objects.order_by("pk")))
        .order_by("status_rank", "scheme_rank", "industry__sort_order", "industry__code", "agency__name_en", "pk")
    )
    if with_history:
        qs = qs.annotate(terms_history=_terms_history())
    if scheme:
        qs = qs.filter(scheme__code=scheme)
    if industry:
        qs = qs.filter(industry__code=industry)
    if agency:
        qs = qs.filter(agency_id=agency)
    if status:
        qs = qs.filter(status=status)
    return qs


def appointed_list(*, as_of: date) -> QuerySet[Appointment]:
    """The published appointments in force on the date, in the register's order: the Secretary's list."""
    return register_list(as_of=as_of, status=RegisterStatus.CURRENT)


def register_filter_choices() -> tuple[list[Industry], list[Organisation]]:
    """The industries and agencies that appear on the public register, for the filter form (two queries)."""
    industries = list(
        Industry.objects.filter(appointments__is_published=True).distinct().order_by("sort_order", "code")
    )
    agencies = list(Organisation.objects.filter(appointments__is_published=True).distinct().order_by("name"))
    return industries, agencies


@dataclass
class AgencyRegisterEntry:
    agency: Organisation
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def contact_phones(self) -> list[str]:
        return sorted({a.enquiry_phone for a in self.appointments if a.enquiry_phone})


def agency_detail(*, agency_id: int, as_of: date) -> AgencyRegisterEntry:
    """An agency's published appointments with term history, collaborators and recognised qualifications.

    Raises Http404 when the agency has no published appointment (nothing about it is public).
    """
    agency = Organisation.objects.filter(pk=agency_id, appointments__is_published=True).distinct().first()
    if agency is None:
        raise Http404
    appointments = list(
        appointments_with_status(as_of=as_of)
        .filter(agency=agency, is_published=True)
        .annotate(scheme_rank=_rank("scheme__code", [SchemeCode.RPL.value, SchemeCode.PQ.value]))
        .prefetch_related(
            Prefetch("collaborators", queryset=Organisation.objects.order_by("pk")),
            Prefetch("terms", queryset=AppointmentTerm.objects.order_by("start")),
            Prefetch("qualifications", queryset=RecognisedQualification.objects.order_by("qf_level", "title")),
        )
        .order_by("scheme_rank", "industry__sort_order", "industry__code", "pk")
    )
    return AgencyRegisterEntry(agency=agency, appointments=appointments)


def timeline_rows(*, as_of: date) -> list[Appointment]:
    """Published appointments with their terms, ordered by scheme and industry, for the timeline chart."""
    return list(
        appointments_with_status(as_of=as_of)
        .filter(is_published=True)
        .annotate(scheme_rank=_rank("scheme__code", [SchemeCode.RPL.value, SchemeCode.PQ.value]))
        .prefetch_related(Prefetch("terms", queryset=AppointmentTerm.objects.order_by("start")))
        .order_by("scheme_rank", "industry__sort_order", "industry__code", "agency__name_en", "pk")
    )


def register_events(*, limit: int = 50) -> QuerySet[RegisterEvent]:
    """Public register events (published, re-appointed, varied, cancelled) of published appointments, newest first."""
    public_kinds = [
        RegisterEventKind.PUBLISHED,
        RegisterEventKind.REAPPOINTED,
        RegisterEventKind.VARIED,
        RegisterEventKind.CANCELLED,
        RegisterEventKind.PARTICULARS,
    ]
    return (
        RegisterEvent.objects.filter(appointment__is_published=True, kind__in=public_kinds)
        .select_related("appointment__agency", "appointment__industry", "appointment__scheme")
        .order_by("-occurred_at", "-id")[:limit]
    )


def manage_list(*, as_of: date, published: bool | None = None) -> QuerySet[Appointment]:
    """Every appointment with its status, for the register administrators."""
    qs = appointments_with_status(as_of=as_of).order_by("scheme__code", "industry__sort_order", "agency__name", "pk")
    if published is not None:
        qs = qs.filter(is_published=published)
    return qs


def criteria_for_about(*, scheme_code: str):
    """The criteria of the scheme's active criteria set (newest version), for the about pages."""
    return list(
        Criterion.objects.filter(criteria_set__scheme__code=scheme_code, criteria_set__is_active=True)
        .filter(criteria_set__version=_active_version(scheme_code))
        .order_by("order", "code")
    )


def _active_version(scheme_code: str):
    return (
        CriteriaSet.objects.filter(scheme__code=scheme_code, is_active=True).order_by("-version").values("version")[:1]
    )


def public_bodies() -> QuerySet[Organisation]:
    """Organisations the public register names: agencies and collaborating bodies of published appointments."""
    published = Appointment.objects.filter(is_published=True)
    return Organisation.objects.filter(
        Exists(published.filter(agency=OuterRef("pk"))) | Exists(published.filter(collaborators=OuterRef("pk")))
    )


def public_bodies_search(*, query: str, limit: int = 20) -> QuerySet[Organisation]:
    """Public bodies whose name in any language contains the query, by English name."""
    query = query.strip()
    if not query:
        return Organisation.objects.none()
    match = Q(name_en__icontains=query) | Q(name_zh_hant__icontains=query) | Q(name_zh_hans__icontains=query)
    return public_bodies().filter(match).order_by("name_en", "pk")[:limit]


DECISION_ACTIONS = (
    "agencies.appointment.created",
    "agencies.appointment.reappointed",
    "agencies.appointment.varied",
    "agencies.appointment.cancelled",
    "agencies.appointment.published",
    "agencies.appointment.unpublished",
)


def appointment_decisions(*, appointment: Appointment) -> QuerySet:
    """Every decision taken on an appointment (appointed, re-appointed, varied, cancelled) and every
    publication, oldest first, each with its author: from the audit trail, one query."""
    from audit.models import AuditEntry

    return (
        AuditEntry.objects.filter(
            object_type=Appointment._meta.label_lower,
            object_id=str(appointment.pk),
            outcome=AuditEntry.Outcome.DONE,
            action__in=DECISION_ACTIONS,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
