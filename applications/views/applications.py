from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies import selectors as agencies_selectors
from agencies.models import Appointment, Criterion, Scheme
from qfapp.exceptions import RuleViolation

from .. import selectors, services
from ..enums import ApplicationKind, ApplicationState
from ..forms import (
    ApplicationEditForm,
    ApplicationStartForm,
    EvidenceForm,
    InformationResponseForm,
    QualificationFormSet,
    SubmitForm,
    WithdrawForm,
)
from ..models import InformationRequest
from ..services.applications import NARRATIVE_MAX_CHARS, AlreadySubmitted
from .common import application_or_404, pop_stash, show_violation, stash_post


@login_required
def application_list(request):
    return render(
        request,
        "applications/application_list.html",
        {
            "memberships": selectors.memberships_for_user(user=request.user),
            "applications": selectors.applications_for_user(user=request.user),
            "invitations": selectors.pending_invitations_for(user=request.user),
        },
    )


def _qualifications(formset) -> list[dict]:
    return [
        {"title": f.cleaned_data["title"], "proposed_level": f.cleaned_data["proposed_level"]}
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("title")
    ]


def _renewal_initial(request, scheme, organisations) -> dict:
    """`?appointment=<id>` of one of the user's organisations prefills a re-appointment of it."""
    pk = request.GET.get("appointment", "")
    appointment = (
        Appointment.objects.filter(pk=pk, scheme=scheme, agency__in=organisations).first() if pk.isdigit() else None
    )
    if appointment is None:
        return {}
    return {
        "kind": ApplicationKind.REAPPOINTMENT,
        "organisation": appointment.agency_id,
        "industry": appointment.industry_id,
        "collaborators": list(appointment.collaborators.values_list("pk", flat=True)),
    }


@login_required
def application_start(request, scheme):
    scheme = get_object_or_404(Scheme, code=scheme)
    organisations = selectors.editable_organisations(user=request.user)
    if not organisations.exists():
        messages.info(request, _("Register your organisation first: applications are made in its name."))
        return redirect("applications:organisation_create")
    form = ApplicationStartForm(
        request.POST or None,
        initial=_renewal_initial(request, scheme, organisations),
        scheme_code=scheme.code,
        organisations=organisations,
    )
    formset = QualificationFormSet(request.POST or None, prefix="qualifications") if scheme.code == "pq" else None
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        data = form.cleaned_data
        try:
            application = services.application_start(
                organisation=data["organisation"],
                scheme=scheme,
                actor=request.user,
                kind=data["kind"],
                industry=data.get("industry"),
                fee_policy=data["fee_policy"],
                collaborators=list(data["collaborators"]),
                new_collaborator_names=form.new_collaborator_names(),
                qualifications=_qualifications(formset) if formset is not None else [],
            )
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("Your application has been started. Add the evidence for each criterion."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/application_form.html",
        {"form": form, "formset": formset, "scheme": scheme, "application": None},
    )


@login_required
def application_edit(request, pk):
    application = application_or_404(request, pk, perm="applications.edit_application")
    if not application.is_editable_by_applicant:
        return redirect("applications:status", pk=application.pk)
    initial = {
        "industry": application.industry_id,
        "fee_policy": application.fee_policy,
        "collaborators": list(application.proposed_collaborators.values_list("pk", flat=True)),
    }
    form = ApplicationEditForm(
        request.POST or None,
        initial=initial,
        scheme_code=application.scheme.code,
        exclude_organisation=application.organisation,
        current_collaborators=list(application.proposed_collaborators.all()),
    )
    formset = None
    if application.scheme.code == "pq":
        formset = QualificationFormSet(
            request.POST or None,
            prefix="qualifications",
            initial=[
                {"title": q.title, "proposed_level": q.proposed_level}
                for q in application.proposed_qualifications.all()
            ],
        )
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            services.application_update(
                application=application,
                actor=request.user,
                fee_policy=form.cleaned_data["fee_policy"],
                industry=form.cleaned_data.get("industry"),
                collaborators=list(form.cleaned_data["collaborators"]),
                new_collaborator_names=form.new_collaborator_names(),
                qualifications=_qualifications(formset) if formset is not None else None,
            )
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("The application's particulars have been saved."))
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/application_form.html",
        {"form": form, "formset": formset, "scheme": application.scheme, "application": application},
    )


@login_required
def application_detail(request, pk):
    application = application_or_404(request, pk)
    if not application.accepts_evidence:
        return redirect("applications:status", pk=application.pk)
    checklist = selectors.application_checklist(application=application)
    missing = selectors.application_missing(application=application, checklist=checklist)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "checklist": checklist,
            "missing_rows": selectors.application_missing_rows(checklist=checklist, missing=missing),
            "can_edit": request.user.has_perm("applications.edit_application", application),
            "documents": application.documents.prefetch_related("criteria").order_by("uploaded_at"),
            "qualifications": application.proposed_qualifications.all(),
            "collaborators": application.proposed_collaborators.all(),
        },
    )


def evidence_edit(request, pk, criterion_pk):
    """The narrative for one criterion. Text posted after the session ended is kept for after sign-in."""
    if not request.user.is_authenticated:
        if request.method == "POST" and "narrative" in request.POST:
            stash_post(request, page=request.path, values={"narrative": request.POST["narrative"]})
            messages.warning(request, _("Your session had ended. Sign in again: the text you wrote has been kept."))
        return redirect_to_login(request.path)
    application = application_or_404(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, criteria_set=application.criteria_set_id)
    can_edit = request.user.has_perm("applications.edit_application", application) and application.accepts_evidence
    evidence = application.evidence.filter(criterion=criterion).first()
    stashed = pop_stash(request, page=request.path)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        form = EvidenceForm(request.POST)
        if form.is_valid():
            try:
                services.evidence_save(
                    application=application,
                    criterion=criterion,
                    narrative=form.cleaned_data["narrative"],
                    actor=request.user,
                )
            except RuleViolation as exc:
                show_violation(request, form, exc)
            else:
                messages.success(
                    request, _("The narrative for criterion %(code)s has been saved.") % {"code": criterion.code}
                )
                if request.POST.get("next") == "checklist":
                    return redirect("applications:detail", pk=application.pk)
                return redirect("applications:evidence", pk=application.pk, criterion_pk=criterion.pk)
    elif stashed is not None and can_edit and "narrative" in stashed:
        form = EvidenceForm(initial={"narrative": stashed["narrative"]})
        messages.warning(
            request, _("The text you wrote before your session ended is shown below. It is not saved yet.")
        )
    else:
        form = EvidenceForm(initial={"narrative": evidence.narrative if evidence else ""})
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    index = next(i for i, c in enumerate(criteria) if c.pk == criterion.pk)
    return render(
        request,
        "applications/evidence_form.html",
        {
            "application": application,
            "criterion": criterion,
            "form": form,
            "can_edit": can_edit,
            "documents": application.documents.filter(criteria=criterion).order_by("uploaded_at"),
            "previous": criteria[index - 1] if index > 0 else None,
            "next": criteria[index + 1] if index + 1 < len(criteria) else None,
            "limit": NARRATIVE_MAX_CHARS,
            "today": timezone.localdate(),
            "requested_items": selectors.open_request_items(application=application, criterion=criterion),
        },
    )


@login_required
def application_submit(request, pk):
    application = application_or_404(request, pk)
    if application.state != ApplicationState.DRAFT:
        return redirect("applications:status", pk=application.pk)
    if not request.user.has_perm("applications.submit_application", application):
        raise Http404
    form = SubmitForm(request.POST if request.method == "POST" else None)
    checklist = selectors.application_checklist(application=application)
    missing = selectors.application_missing(application=application, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                application=application,
                actor=request.user,
                declaration_accepted=form.cleaned_data["declaration"],
            )
        except AlreadySubmitted:
            messages.info(request, _("This application has already been submitted."))
            return redirect("applications:status", pk=application.pk)
        except RuleViolation as exc:
            show_violation(request, form, exc)
            missing = {k: v for k, v in exc.field_errors.items() if k != "declaration"} or missing
        else:
            messages.success(
                request,
                _("Your application has been submitted. Its reference number is %(reference)s.")
                % {"reference": application.reference},
            )
            return redirect("applications:status", pk=application.pk)
    missing_rows = selectors.application_missing_rows(checklist=checklist, missing=missing)
    return render(
        request,
        "applications/application_submit.html",
        {"application": application, "form": form, "missing_rows": missing_rows},
    )


@login_required
def application_status(request, pk):
    application = application_or_404(request, pk)
    stashed = pop_stash(request, page=request.path) or {}
    requests_list = list(
        application.information_requests.prefetch_related("items__criterion").order_by("-requested_at")
    )
    for rfi in requests_list:
        kept = stashed.get(f"response-{rfi.pk}")
        rfi.form = InformationResponseForm(initial={"response": kept} if kept else None, prefix=f"rfi-{rfi.pk}")
        rfi.kept = bool(kept)
    if any(rfi.kept for rfi in requests_list):
        messages.warning(
            request, _("The text you wrote before your session ended is shown below. It is not saved yet.")
        )
    can_edit = request.user.has_perm("applications.edit_application", application)
    return render(
        request,
        "applications/application_status.html",
        {
            "application": application,
            "state_label": selectors.applicant_state_label(application.state),
            "next_step": selectors.applicant_next_step(application=application),
            "timeline": selectors.applicant_timeline(application=application),
            "information_requests": requests_list,
            "can_edit": can_edit,
            "can_withdraw": can_edit and application.is_withdrawable and application.state != ApplicationState.DRAFT,
            "appointment": application.appointment,
            "terms": application.appointment.terms.all() if application.appointment_id else [],
            "documents": application.documents.order_by("uploaded_at"),
            "qualifications": application.proposed_qualifications.all(),
        },
    )


@require_POST
def information_request_respond(request, pk, request_pk):
    status_page = reverse("applications:status", kwargs={"pk": pk})
    if not request.user.is_authenticated:
        stash_post(
            request,
            page=status_page,
            values={f"response-{request_pk}": request.POST.get(f"rfi-{request_pk}-response", "")},
        )
        messages.warning(request, _("Your session had ended. Sign in again: the text you wrote has been kept."))
        return redirect_to_login(status_page)
    application = application_or_404(request, pk, perm="applications.edit_application")
    information_request = get_object_or_404(InformationRequest, pk=request_pk, application=application)
    form = InformationResponseForm(request.POST, prefix=f"rfi-{request_pk}")
    if form.is_valid():
        try:
            services.information_request_respond(
                information_request=information_request, response=form.cleaned_data["response"], actor=request.user
            )
        except RuleViolation as exc:
            show_violation(request, None, exc)
        else:
            messages.success(request, _("Your answer has been saved. Resubmit the application when you are ready."))
    else:
        messages.error(request, _("Write your answer."))
    return redirect("applications:status", pk=application.pk)


@login_required
def application_resubmit(request, pk):
    """A page of its own: the declaration again, then the application goes back to the bureau."""
    application = application_or_404(request, pk, perm="applications.edit_application")
    if application.state != ApplicationState.RETURNED:
        return redirect("applications:status", pk=application.pk)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_resubmit(
                application=application, actor=request.user, declaration_accepted=form.cleaned_data["declaration"]
            )
        except AlreadySubmitted as exc:
            messages.info(request, exc.messages[0])
        except RuleViolation as exc:
            show_violation(request, form, exc)
            for code, texts in exc.field_errors.items():
                if code == "declaration":
                    continue
                for text in texts:
                    messages.error(request, f"{code}. {text}" if code else text)
            if "declaration" in exc.field_errors:
                return render(
                    request, "applications/application_resubmit.html", {"application": application, "form": form}
                )
        else:
            messages.success(request, _("Your application has been resubmitted."))
        return redirect("applications:status", pk=application.pk)
    return render(request, "applications/application_resubmit.html", {"application": application, "form": form})


@login_required
def application_withdraw(request, pk):
    """A page of its own: the reason, and one button that withdraws."""
    application = application_or_404(request, pk, perm="applications.edit_application")
    if application.state == ApplicationState.DRAFT:
        return redirect("applications:discard", pk=application.pk)
    if not application.is_withdrawable:
        return redirect("applications:status", pk=application.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.application_withdraw(application=application, reason=reason, actor=request.user)
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("Your application has been withdrawn."))
            return redirect("applications:status", pk=application.pk)
    return render(request, "applications/application_withdraw.html", {"application": application, "form": form})


@login_required
def collaborator_search(request):
    """Names for the collaborators picker: only agencies and bodies already on the public register."""
    bodies = agencies_selectors.public_bodies_search(query=request.GET.get("q", "")[:100])
    return JsonResponse({"results": [{"id": body.pk, "name": body.name} for body in bodies]})


@login_required
@require_POST
def application_autosave(request, pk):
    """Save a draft narrative or the fee policy as the applicant types (applications/autosave.js).

    The same services as the forms' save buttons: the same permission check and the same audit row.
    """
    application = application_or_404(request, pk, perm="applications.edit_application")
    try:
        if "fee_policy" in request.POST:
            services.fee_policy_save(application=application, fee_policy=request.POST["fee_policy"], actor=request.user)
        elif "narrative" in request.POST:
            criterion_pk = request.POST.get("criterion", "")
            criterion = get_object_or_404(
                Criterion,
                pk=int(criterion_pk) if criterion_pk.isdigit() else 0,
                criteria_set=application.criteria_set_id,
            )
            services.evidence_save(
                application=application, criterion=criterion, narrative=request.POST["narrative"], actor=request.user
            )
        else:
            return JsonResponse({"saved": False, "error": _("Nothing to save.")}, status=400)
    except RuleViolation as exc:
        return JsonResponse({"saved": False, "error": " ".join(str(m) for m in exc.messages)}, status=400)
    now = timezone.localtime()
    return JsonResponse({"saved": True, "saved_at": now.isoformat(), "saved_at_display": now.strftime("%H:%M:%S")})


@login_required
def application_discard(request, pk):
    """A page of its own that asks once, then deletes the draft."""
    application = application_or_404(request, pk, perm="applications.edit_application")
    if application.state != ApplicationState.DRAFT:
        return redirect("applications:status", pk=application.pk)
    if request.method == "POST":
        try:
            services.application_discard(application=application, actor=request.user)
        except RuleViolation as exc:
            show_violation(request, None, exc)
            return redirect("applications:detail", pk=application.pk)
        messages.success(request, _("The draft has been discarded."))
        return redirect("applications:list")
    return render(request, "applications/application_discard.html", {"application": application})
