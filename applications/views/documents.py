from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qfapp.exceptions import RuleViolation

from .. import services, storage
from ..forms import DocumentForm, DocumentUploadForm
from ..models import Document
from .common import application_or_404, show_violation


def _back(request, application):
    target = request.POST.get("next", "")
    if target.isdecimal():
        return redirect("applications:evidence", pk=application.pk, criterion_pk=int(target))
    return redirect("applications:documents", pk=application.pk)


@login_required
def document_list(request, pk):
    application = application_or_404(request, pk)
    can_edit = request.user.has_perm("applications.edit_application", application) and application.accepts_evidence
    initial = {}
    if request.GET.get("criterion", "").isdecimal():
        initial["criteria"] = [int(request.GET["criterion"])]
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, criteria_set=application.criteria_set, initial=initial
    )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        upload = request.FILES.get("file")
        if upload is not None and upload.size > settings.DOCUMENT_MAX_BYTES:
            form.is_valid()
            form.add_error(
                "file",
                _("The file is larger than the limit of %(limit)s MB.")
                % {"limit": f"{settings.DOCUMENT_MAX_BYTES / (1024 * 1024):g}"},
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.document_upload(
                    application=application,
                    actor=request.user,
                    name=upload.name,
                    data=upload.read(settings.DOCUMENT_MAX_BYTES + 1),
                    title=data["title"],
                    criteria=list(data["criteria"]),
                    expires_on=data["expires_on"],
                )
            except RuleViolation as exc:
                show_violation(request, form, exc)
            else:
                messages.success(request, _("The document “%(title)s” has been uploaded.") % {"title": data["title"]})
                return _back(request, application)
        if form.errors:
            messages.error(request, _("The document was not uploaded: see the reasons below."))
    documents = application.documents.prefetch_related("criteria").order_by("uploaded_at")
    return render(
        request,
        "applications/document_list.html",
        {
            "application": application,
            "form": form,
            "documents": documents,
            "can_edit": can_edit,
            "can_delete": can_edit and application.is_editable_by_applicant,
            "limit": settings.DOCUMENTS_PER_APPLICATION,
        },
    )


def _document_or_404(request, pk, document_pk, perm="applications.access_application"):
    application = application_or_404(request, pk, perm=perm)
    return application, get_object_or_404(Document, pk=document_pk, application=application)


@login_required
def document_edit(request, pk, document_pk):
    application, document = _document_or_404(request, pk, document_pk, perm="applications.edit_application")
    if not application.accepts_evidence:
        raise Http404
    initial = {"title": document.title, "expires_on": document.expires_on, "criteria": list(document.criteria.all())}
    form = DocumentForm(request.POST or None, criteria_set=application.criteria_set, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                document=document,
                actor=request.user,
                title=form.cleaned_data["title"],
                criteria=list(form.cleaned_data["criteria"]),
                expires_on=form.cleaned_data["expires_on"],
            )
        except RuleViolation as exc:
            show_violation(request, form, exc)
        else:
            messages.success(request, _("The document has been updated."))
            return redirect("applications:documents", pk=application.pk)
    return render(
        request, "applications/document_form.html", {"application": application, "document": document, "form": form}
    )


@login_required
@require_POST
def document_delete(request, pk, document_pk):
    application, document = _document_or_404(request, pk, document_pk, perm="applications.edit_application")
    try:
        services.document_delete(document=document, actor=request.user)
    except RuleViolation as exc:
        show_violation(request, None, exc)
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("applications:documents", pk=application.pk)


@login_required
@require_GET
def document_download(request, pk, document_pk):
    """The only way to a stored file: permission checked, always an attachment, never cached or sniffed.

    Every opening is audited; so is a refused attempt on a document that exists (still a 404)."""
    document = get_object_or_404(
        Document.objects.select_related("application__organisation"), pk=document_pk, application_id=pk
    )
    if not request.user.has_perm("applications.access_application", document.application):
        services.document_open_refused(document=document, actor=request.user, request=request)
        raise Http404
    try:
        handle = storage.open_for_reading(document.stored_name)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    try:
        services.document_open_record(document=document, actor=request.user, request=request)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
