"""The public register (pages that never read the session) and its administration."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qfapp.exceptions import RuleViolation

from . import selectors, services
from .caching import canonical_query, public_response
from .enums import RegisterStatus, SchemeCode
from .forms import (
    CancelForm,
    RegisterFilterForm,
    TermRecordForm,
    VaryConditionsForm,
    normalised_filters,
    parse_as_of,
)
from .models import Appointment, Scheme
from .timeline import build_timeline

ABOUT_TOPICS = ("mechanisms", "rpl-criteria", "professional-qualifications", "who-benefits")


def _with_status_labels(appointments) -> list[Appointment]:
    labels = dict(RegisterStatus.choices)
    rows = list(appointments)
    for row in rows:
        row.status_label = labels[row.status]
    return rows


def _dated_params(request) -> tuple[dict[str, str], date | None, str]:
    """The allow-listed filters with `as_of` normalised to YYYY-MM-DD, the date, and the date's error."""
    params = normalised_filters(request.GET)
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
    except ValueError as exc:
        params["as_of"] = (request.GET.get("as_of") or "").strip()[:20]
        return params, None, str(exc)
    if as_of:
        params["as_of"] = as_of.isoformat()
    return params, as_of, ""


@require_safe
def register(request):
    """The register: RPL agencies by industry, then PQ agencies, with status as of today or `?as_of=`."""
    params, as_of, date_error = _dated_params(request)
    canonical_query(request, params)

    def render_page():
        today = timezone.localdate()
        industries, agencies = selectors.register_filter_choices()
        form = RegisterFilterForm(params, industries=industries, agencies=agencies)
        form.add_as_of(params.get("as_of"))
        rows, status = [], 200
        if form.is_valid() and not date_error:
            rows = selectors.register_list(as_of=as_of or today, **form.selector_kwargs())
            rows = _with_status_labels(rows)
        else:
            status = 400
        context = {
            "public_page": True,
            "form": form,
            "date_error": date_error,
            "rpl_rows": [row for row in rows if row.scheme.code == SchemeCode.RPL],
            "pq_rows": [row for row in rows if row.scheme.code == SchemeCode.PQ],
            "filtered": bool(params),
            "today": today,
            "as_of": as_of or today,
            "dated": as_of is not None and as_of != today,
            "query": request.META["QUERY_STRING"],
        }
        return render(request, "agencies/register_list.html", context, status=status)

    return public_response(request, name="register", params=params, render=render_page)


@require_safe
def appointed_list(request):
    """The list of appointed assessment agencies the Secretary keeps (Cap. 592 s.8), as of a date, to print."""
    params, as_of, date_error = _dated_params(request)
    params = {"as_of": params["as_of"]} if "as_of" in params else {}
    canonical_query(request, params)

    def render_page():
        today = timezone.localdate()
        rows = [] if date_error else list(selectors.appointed_list(as_of=as_of or today))
        context = {
            "public_page": True,
            "date_error": date_error,
            "rpl_rows": [row for row in rows if row.scheme.code == SchemeCode.RPL],
            "pq_rows": [row for row in rows if row.scheme.code == SchemeCode.PQ],
            "total": len(rows),
            "as_of": as_of or today,
            "today": today,
            "query": request.META["QUERY_STRING"],
        }
        return render(request, "agencies/appointed_list.html", context, status=400 if date_error else 200)

    return public_response(request, name="appointed_list", params=params, render=render_page)


@require_safe
def agency_detail(request, pk: int):
    """An agency's appointments, term history, conditions, collaborators and recognised qualifications."""
    canonical_query(request, {})

    def render_page():
        entry = selectors.agency_detail(agency_id=pk, as_of=timezone.localdate())
        _with_status_labels(entry.appointments)
        context = {"public_page": True, "entry": entry, "agency": entry.agency, "today": timezone.localdate()}
        return render(request, "agencies/organisation_detail.html", context)

    return public_response(request, name=f"agency:{pk}", params={}, render=render_page)


@require_safe
def timeline(request):
    """Appointment terms per industry as a server-drawn SVG chart with a table beside it."""
    canonical_query(request, {})

    def render_page():
        today = timezone.localdate()
        rows = _with_status_labels(selectors.timeline_rows(as_of=today))
        context = {"public_page": True, "chart": build_timeline(rows, today=today), "rows": rows, "today": today}
        return render(request, "agencies/appointment_timeline.html", context)

    return public_response(request, name="timeline", params={}, render=render_page)


@require_safe
def about(request, topic: str = "mechanisms"):
    """The about pages: the two mechanisms, the RPL criteria, professional qualifications, who benefits."""
    if topic not in ABOUT_TOPICS:
        raise Http404
    canonical_query(request, {})

    def render_page():
        context = {"public_page": True, "topic": topic, "topics": ABOUT_TOPICS}
        if topic == "mechanisms":
            context["schemes"] = {s.code: s for s in Scheme.objects.all()}
        elif topic == "rpl-criteria":
            context["criteria"] = selectors.criteria_for_about(scheme_code=SchemeCode.RPL)
        return render(request, f"agencies/about_{topic.replace('-', '_')}.html", context)

    return public_response(request, name=f"about:{topic}", params={}, render=render_page)


# --- Administration ---------------------------------------------------------------------------


def _require_manager(request, perm: str = "agencies.view_appointment_management") -> None:
    """The management pages are the register administrator's and the approver's; each action asks
    its own power (publishing: the register administrator; varying and cancelling: the approver)."""
    if not request.user.has_perm(perm):
        raise Http404


def manage_list(request):
    """Every appointment with its status and publication, for register administrators and approvers (others: 404)."""
    _require_manager(request)
    published = {"yes": True, "no": False}.get(request.GET.get("published", ""))
    qs = _with_status_labels(selectors.manage_list(as_of=timezone.localdate(), published=published))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/appointment_manage_list.html",
        {"page_obj": page, "published": request.GET.get("published", "")},
    )


def manage_detail(request, pk: int):
    _require_manager(request)
    appointment = get_object_or_404(selectors.appointments_with_status(as_of=timezone.localdate()), pk=pk)
    _with_status_labels([appointment])
    vary_form = VaryConditionsForm(
        initial={
            "conditions_en": appointment.conditions_en,
            "conditions_zh_hant": appointment.conditions_zh_hant,
            "conditions_zh_hans": appointment.conditions_zh_hans,
        }
    )
    return _manage_detail_page(request, appointment, vary_form=vary_form, cancel_form=CancelForm())


def _manage_detail_page(request, appointment, *, vary_form, cancel_form, status: int = 200):
    terms = list(appointment.terms.order_by("start"))
    user = request.user
    return render(
        request,
        "agencies/appointment_manage_detail.html",
        {
            "appointment": appointment,
            "terms": terms,
            "vary_form": vary_form,
            "cancel_form": cancel_form,
            "can_publish": user.has_perm("agencies.publish_appointment"),
            "can_vary": user.has_perm("agencies.vary_appointment"),
            "can_cancel": user.has_perm("agencies.cancel_appointment"),
            "decisions": selectors.appointment_decisions(appointment=appointment),
        },
        status=status,
    )


def _refused(request, exc: RuleViolation) -> None:
    for text in exc.messages:
        messages.error(request, text)


@require_POST
def manage_publish(request, pk: int):
    _require_manager(request, "agencies.publish_appointment")
    appointment = get_object_or_404(Appointment, pk=pk)
    if appointment.is_published:
        messages.info(request, _("This appointment is already on the public register."))
    else:
        try:
            services.appointment_publish(appointment=appointment, actor=request.user)
        except RuleViolation as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The appointment is now on the public register."))
    return redirect("agencies:manage_detail", pk=pk)


@require_POST
def manage_unpublish(request, pk: int):
    _require_manager(request, "agencies.manage_register")
    appointment = get_object_or_404(Appointment, pk=pk)
    try:
        services.appointment_unpublish(appointment=appointment, actor=request.user)
    except RuleViolation as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The appointment has been taken off the public register."))
    return redirect("agencies:manage_detail", pk=pk)


@require_POST
def manage_vary(request, pk: int):
    _require_manager(request, "agencies.vary_appointment")
    appointment = get_object_or_404(selectors.appointments_with_status(as_of=timezone.localdate()), pk=pk)
    form = VaryConditionsForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_vary(
                appointment=appointment,
                conditions=form.conditions(),
                grounds=form.cleaned_data["grounds"],
                effective=form.cleaned_data["effective"],
                actor=request.user,
            )
        except RuleViolation as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The conditions have been varied."))
            return redirect("agencies:manage_detail", pk=pk)
    _with_status_labels([appointment])
    return _manage_detail_page(request, appointment, vary_form=form, cancel_form=CancelForm(), status=400)


@require_POST
def manage_cancel(request, pk: int):
    _require_manager(request, "agencies.cancel_appointment")
    appointment = get_object_or_404(selectors.appointments_with_status(as_of=timezone.localdate()), pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        effective: date = form.cleaned_data["effective"]
        try:
            services.appointment_cancel(
                appointment=appointment, effective=effective, grounds=form.cleaned_data["grounds"], actor=request.user
            )
        except RuleViolation as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The appointment has been cancelled."))
            return redirect("agencies:manage_detail", pk=pk)
    else:
        messages.error(request, _("The appointment was not cancelled: correct the form below."))
    _with_status_labels([appointment])
    vary_form = VaryConditionsForm(
        initial={
            "conditions_en": appointment.conditions_en,
            "conditions_zh_hant": appointment.conditions_zh_hant,
            "conditions_zh_hans": appointment.conditions_zh_hans,
        }
    )
    return _manage_detail_page(request, appointment, vary_form=vary_form, cancel_form=form, status=400)


def manage_term(request, pk: int):
    """Record one past term of an appointment with its decision date (register administrators; others 404)."""
    _require_manager(request, "agencies.manage_register")
    appointment = get_object_or_404(selectors.appointments_with_status(as_of=timezone.localdate()), pk=pk)
    form = TermRecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.appointment_term_record(appointment=appointment, actor=request.user, **data)
            except RuleViolation as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                messages.success(request, _("The term has been recorded."))
                return redirect("agencies:manage_detail", pk=pk)
    terms = list(appointment.terms.order_by("start"))
    return render(
        request,
        "agencies/appointment_term_form.html",
        {"appointment": appointment, "terms": terms, "form": form},
        status=status,
    )
