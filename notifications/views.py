from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import DeliveryForm
from .models import Message

PAGE_SIZE = 25


def dashboard_section(request):
    """The latest unread messages and the unread count for the dashboard."""
    if not request.user.is_authenticated:
        return None
    latest = list(selectors.message_list(user=request.user, unread_only=True)[:5])
    return "notifications/dashboard_section.html", {
        "unread": selectors.unread_count(user=request.user, request=request),
        "latest": latest,
    }


@login_required
@require_http_methods(["GET"])
def message_list_view(request):
    unread_only = request.GET.get("show") == "unread"
    paginator = Paginator(selectors.message_list(user=request.user, unread_only=unread_only), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/message_list.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(user=request.user, request=request),
        },
    )


@login_required
@require_http_methods(["GET"])
def message_detail_view(request, pk: int):
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    services.message_mark_read(message=message, actor=request.user)
    return render(request, "notifications/message_detail.html", {"message": message})


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def mark_read_view(request, pk: int):
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    services.message_mark_read(message=message, actor=request.user)
    return _back(request, "notifications:list")


@login_required
@require_POST
def mark_all_read_view(request):
    count = services.messages_mark_all_read(actor=request.user)
    if count:
        flash.success(request, _("All messages are marked as read."))
    return _back(request, "notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request):
    user = request.user
    form = DeliveryForm(request.POST or None, initial={"delivery": user.notification_delivery})
    if request.method == "POST" and form.is_valid():
        services.user_set_delivery(user=user, delivery=form.cleaned_data["delivery"], actor=user)
        flash.success(request, _("Your e-mail preference is saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
