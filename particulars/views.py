"""Register administrators decide the agencies' requested changes of public particulars (others: 404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qfapp.exceptions import RuleViolation

from . import services
from .models import ChangeState, ParticularsChange


def _require_register_admin(request) -> None:
    if not request.user.has_perm("agencies.administer_register"):
        raise Http404


def change_list(request):
    """Pending changes, each beside the names the register shows today."""
    _require_register_admin(request)
    pending = ParticularsChange.objects.filter(state=ChangeState.PENDING).select_related("organisation", "requested_by")
    return render(request, "particulars/change_list.html", {"changes": pending})


def _decide(request, pk: int, decide, done: str):
    _require_register_admin(request)
    change = get_object_or_404(ParticularsChange, pk=pk)
    try:
        decide(change)
    except RuleViolation as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("particulars:list")


@require_POST
def change_approve(request, pk: int):
    return _decide(
        request,
        pk,
        lambda change: services.particulars_change_approve(change=change, actor=request.user),
        _("The new name is now on the public register."),
    )


@require_POST
def change_reject(request, pk: int):
    note = request.POST.get("note", "")[:2000]
    return _decide(
        request,
        pk,
        lambda change: services.particulars_change_reject(change=change, actor=request.user, note=note),
        _("The change was not approved; the register keeps the current name."),
    )
