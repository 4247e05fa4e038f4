"""Letters (download, the approver's preview), the public verification page and case dossiers."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applications import storage
from applications.enums import ApplicationState
from applications.models import Application
from audit.services import audit_record
from qfapp.exceptions import RuleViolation
from reviews.forms import AppointForm, ReasonsForm

from . import content, selectors, services, throttle
from .dossier import is_stale
from .enums import TERM_KINDS, DossierState
from .forms import VerifyUploadForm
from .models import Dossier, Letter

VERIFY_PER_MINUTE = 30
CHECKS_PER_MINUTE = 10


def _private_file(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def letter_download(request, pk: int):
    """A letter, to whom it is addressed and the staff who handle it; anyone else 404. Every opening audited."""
    letter = get_object_or_404(Letter.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("letters.access_letter", letter):
        services.letter_open_refused(letter=letter, actor=request.user, request=request)
        raise Http404
    try:
        handle = storage.open_for_reading(letter.stored_name, services.AREA)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    services.letter_open_record(letter=letter, actor=request.user, request=request)
    return _private_file(
        FileResponse(handle, as_attachment=True, filename=letter.filename, content_type="application/pdf")
    )


@login_required
@require_POST
def letter_preview(request, pk: int, kind: str):
    """The approver's preview of the letter the decision would issue, from the unsaved form; nothing stored."""
    application = get_object_or_404(
        Application.objects.select_related("organisation", "scheme", "industry", "criteria_set", "created_by"), pk=pk
    )
    if not request.user.has_perm("reviews.view_case", application):
        raise Http404
    if (
        not request.user.has_perm("reviews.decide_case", application)
        or application.state != ApplicationState.RECOMMENDED
    ):
        return HttpResponse(_("Only the approver deciding a recommended case may preview its letter."), status=403)
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    if kind == "appointment":
        form = AppointForm(request.POST, application=application, prefix="apt")
        if not form.is_valid():
            return HttpResponse(_("Fill in the term first: the preview uses the form as it stands."), status=400)
        data = form.cleaned_data
        draft = content.appointment_letter(
            application,
            term_start=data["term_start"],
            term_end=data["term_end"],
            conditions=data["conditions"],
            collaborators=list(data["collaborators"]),
            determination=getattr(application, "determination", None),
        )
    elif kind == "refusal":
        form = ReasonsForm(request.POST, criteria=criteria, prefix="rej")
        form.is_valid()
        by_id = {c.pk: c for c in criteria}
        reasons = [(by_id[int(c)], t) for c, t in form.reasons() if int(c) in by_id and (t or "").strip()]
        draft = content.refusal(application, reasons=reasons, at_screening=False)
    else:
        raise Http404
    pdf = services.preview_pdf(draft=draft)
    audit_record(
        action="letters.letter.previewed", obj=application, actor=request.user, request=request, data={"kind": kind}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{kind}-{application.reference}.pdf"'
    return _private_file(response)


# -- the public verification page ------------------------------------------------------------------
def _too_many(request):
    return render(request, "letters/verify_throttled.html", {"public_page": True}, status=429)


def _verify_context(letter: Letter) -> dict:
    scheme = (letter.application or letter.appointment).scheme
    return {
        "letter": letter,
        "scheme": scheme,
        "shows_term": letter.kind in TERM_KINDS and letter.term_start,
        "public_page": True,
    }


@never_cache
@require_GET
def verify(request, code: str):
    """What a letter says it is, by its code: type, reference, agency, date, term and SHA-256; 404 for any other code."""
    if not throttle.allowed(request, scope="verify", limit=VERIFY_PER_MINUTE):
        return _too_many(request)
    letter = selectors.letter_by_code(code)
    if letter is None:
        raise Http404
    return render(request, "letters/verify.html", _verify_context(letter) | {"form": VerifyUploadForm()})


@never_cache
def verify_check(request, code: str):
    """Compare an uploaded PDF with the letter issued under the code (by SHA-256). Nothing is stored."""
    if request.method != "POST":
        return redirect("verify:letter", code=code)
    if not throttle.allowed(request, scope="verify-check", limit=CHECKS_PER_MINUTE):
        return _too_many(request)
    letter = selectors.letter_by_code(code)
    if letter is None:
        raise Http404
    form = VerifyUploadForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        digest = hashlib.sha256()
        for chunk in form.cleaned_data["file"].chunks():
            digest.update(chunk)
        result = {"sha256": digest.hexdigest(), "matches": digest.hexdigest() == letter.sha256}
    return render(
        request,
        "letters/verify.html",
        _verify_context(letter) | {"form": form, "result": result},
        status=200 if form.is_valid() else 400,
    )


# -- dossiers ----------------------------------------------------------------------------------------
@login_required
@require_POST
def dossier_request(request, pk: int):
    application = get_object_or_404(Application, pk=pk)
    if not request.user.has_perm("letters.request_dossier", application):
        raise Http404
    try:
        dossier = services.dossier_request(application=application, actor=request.user, request=request)
    except RuleViolation:
        raise Http404 from None
    return redirect("letters:dossier", pk=dossier.pk)


def _dossier(request, pk: int) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("application"), pk=pk)
    if not request.user.has_perm("letters.access_dossier", dossier.application):
        raise Http404
    return dossier


def _status(dossier: Dossier) -> dict:
    state = DossierState.FAILED if is_stale(dossier) else dossier.state
    return {
        "state": state,
        "label": str(DossierState(state).label),
        "progress": dossier.progress,
        "files_done": dossier.files_done,
        "files_total": dossier.files_total,
        "ready": state == DossierState.READY,
        "download": reverse("letters:dossier_download", args=[dossier.pk]) if state == DossierState.READY else "",
        "error": dossier.error if state == DossierState.FAILED else "",
    }


@login_required
@never_cache
def dossier_detail(request, pk: int):
    dossier = _dossier(request, pk)
    status = _status(dossier)
    return render(
        request,
        "letters/dossier_detail.html",
        {
            "dossier": dossier,
            "application": dossier.application,
            "status": status,
            "active": status["state"] in (DossierState.QUEUED, DossierState.BUILDING),
        },
    )


@login_required
@never_cache
def dossier_status(request, pk: int):
    return JsonResponse(_status(_dossier(request, pk)))


@login_required
def dossier_download(request, pk: int):
    """The zip, only once it is complete (never a half-written one); every download audited."""
    dossier = _dossier(request, pk)
    if dossier.state != DossierState.READY:
        raise Http404
    try:
        handle = storage.open_for_reading(dossier.stored_name, "dossiers")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    services.dossier_download_record(dossier=dossier, actor=request.user, request=request)
    return _private_file(
        FileResponse(handle, as_attachment=True, filename=dossier.filename, content_type="application/zip")
    )
