from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Organisation
from qfapp.exceptions import RuleViolation

from .. import selectors, services
from ..forms import InvitationForm, JoinDecisionForm, JoinRequestForm, OfficerFormSet, OrganisationForm
from ..models import OrganisationInvitation, OrganisationJoinRequest
from ..services.organisations import DuplicateOrganisation
from .common import organisation_or_404, show_violation

JOIN_OFFER_KEY = "qf_join_offer"


def _officers(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and f.cleaned_data.get("name")]


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    formset = OfficerFormSet(request.POST or None, prefix="officers")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            organisation = services.organisation_register(
                actor=request.user, fields=form.cleaned_data, officers=_officers(formset)
            )
        except DuplicateOrganisation as exc:
            # Only someone who gave the registration number is offered to join (no walking through ids).
            request.session[JOIN_OFFER_KEY] = exc.existing.pk
            messages.info(request, exc.messages[0])
            return redirect("applications:join_request_create", pk=exc.existing.pk)
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("The organisation is registered and you are its owner."))
            return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(
        request, "applications/organisation_form.html", {"form": form, "formset": formset, "organisation": None}
    )


@login_required
def organisation_edit(request, pk):
    organisation = organisation_or_404(request, pk)
    if not request.user.has_perm("agencies.edit_organisation", organisation):
        raise Http404
    form = OrganisationForm(request.POST or None, instance=organisation)
    initial = [{"name": o.name, "position": o.position} for o in organisation.officers.all()]
    formset = OfficerFormSet(request.POST or None, prefix="officers", initial=initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.organisation_update(
                organisation=organisation, actor=request.user, fields=form.cleaned_data, officers=_officers(formset)
            )
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("The organisation's particulars have been saved."))
            if getattr(saved, "_qf_particulars_change", None) is not None:
                messages.info(
                    request,
                    _(
                        "The new name is published on the register once the register administrators approve it; "
                        "until then the register shows the current name."
                    ),
                )
            return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "applications/organisation_form.html",
        {"form": form, "formset": formset, "organisation": organisation},
    )


@login_required
def organisation_detail(request, pk):
    organisation = organisation_or_404(request, pk)
    return render(
        request,
        "applications/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": request.user.has_perm("agencies.edit_organisation", organisation),
            "can_manage": request.user.has_perm("agencies.manage_members", organisation),
            "invite_form": InvitationForm(),
            "decision_form": JoinDecisionForm(),
            **selectors.organisation_detail(organisation=organisation),
        },
    )


@login_required
@require_POST
def invitation_create(request, pk):
    organisation = organisation_or_404(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except RuleViolation as exc:
            show_violation(request, None, exc)
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("applications:organisation_detail", pk=organisation.pk)


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(OrganisationInvitation.objects.select_related("organisation"), token=token)
    if request.method == "POST":
        try:
            invitation = services.invitation_accept(token=token, actor=request.user)
        except RuleViolation as exc:
            show_violation(request, None, exc)
        else:
            messages.success(
                request, _("You have joined %(organisation)s.") % {"organisation": invitation.organisation.name}
            )
            return redirect("applications:organisation_detail", pk=invitation.organisation_id)
    usable = invitation.is_open and invitation.email.lower() == request.user.email.lower()
    return render(request, "applications/invitation_accept.html", {"invitation": invitation, "usable": usable})


@login_required
def join_request_create(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if request.user.has_perm("agencies.view_organisation_private", organisation):
        return redirect("applications:organisation_detail", pk=organisation.pk)
    if request.session.get(JOIN_OFFER_KEY) != organisation.pk:
        raise Http404
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                organisation=organisation, actor=request.user, message=form.cleaned_data["message"]
            )
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            request.session.pop(JOIN_OFFER_KEY, None)
            messages.success(request, _("Your request has been sent to the organisation's owners."))
            return redirect("applications:list")
    pending = OrganisationJoinRequest.objects.filter(
        organisation=organisation, user=request.user, outcome=OrganisationJoinRequest.Outcome.PENDING
    ).exists()
    return render(
        request,
        "applications/organisation_join.html",
        {"organisation": organisation, "form": form, "pending": pending},
    )


@login_required
@require_POST
def join_request_decide(request, pk, request_pk):
    organisation = organisation_or_404(request, pk, perm="agencies.manage_members")
    join_request = get_object_or_404(OrganisationJoinRequest, pk=request_pk, organisation=organisation)
    form = JoinDecisionForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else "viewer"
    approve = request.POST.get("decision") == "approve"
    try:
        services.join_request_decide(join_request=join_request, approve=approve, actor=request.user, role=role)
    except RuleViolation as exc:
        show_violation(request, None, exc)
    else:
        messages.success(
            request, _("The request has been approved.") if approve else _("The request has been declined.")
        )
    return redirect("applications:organisation_detail", pk=organisation.pk)
