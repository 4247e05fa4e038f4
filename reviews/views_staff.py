"""The staff case file, its documents, and the search over every case. Thin: selectors in, pages out."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import storage
from applications.enums import ScanStatus
from applications.models import Application, Document
from applications.services import document_open_record, document_open_refused
from casework import services as casework_services
from casework.forms import CaseMessageForm, CaseNoteForm
from qfapp.exceptions import RuleViolation
from qfapp.spreadsheets import safe_row

from . import casefile
from .forms_staff import CaseSearchForm

PAGE_SIZE = 25


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise Http404


def case_file_context(request, application: Application) -> dict:
    """What every page showing the case file needs: the file and who may do what from it."""
    user = request.user
    return {
        "file": casefile.case_file(application=application),
        "may_open_case": user.has_perm("reviews.view_case", application),
        "may_search": user.has_perm("reviews.search_cases"),
    }


@login_required
@require_GET
def case_file(request, pk: int):
    """The case file: everything submitted on one case, for whoever may see the case."""
    application = get_object_or_404(
        Application.objects.select_related("organisation", "industry", "scheme", "criteria_set"), pk=pk
    )
    _require(request, "reviews.view_case_file", application)
    context = {"application": application, **case_file_context(request, application)}
    assignment = application.review_assignments.filter(reviewer=request.user).first()
    context["own_assignment"] = assignment
    return render(request, "reviews/case_file.html", context)


@login_required
@require_GET
def case_document(request, pk: int, document_pk: int):
    """A document of the case file: PDFs and images open in the browser, other types are downloaded.

    Permission-checked like the case file; every opening is audited, and so is a refused attempt on a
    document that exists (still a 404). The response is never cached, never sniffed, and runs no script.
    """
    document = get_object_or_404(
        Document.objects.select_related("application__organisation"), pk=document_pk, application_id=pk
    )
    if not request.user.has_perm("reviews.view_case_file", document.application):
        document_open_refused(document=document, actor=request.user, request=request)
        raise Http404
    if document.scan_status != ScanStatus.CLEAN:
        raise Http404
    try:
        handle = storage.open_for_reading(document.stored_name)
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    try:
        document_open_record(document=document, actor=request.user, request=request)
    except BaseException:
        handle.close()
        raise
    inline = casefile.document_opens_inline(document)
    response = FileResponse(
        handle, as_attachment=not inline, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    if inline and document.content_type == "application/pdf":
        # The browser's own PDF viewer does not run under a sandbox; no page script may run either way.
        response["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'"
    return response


def _search(request) -> tuple[CaseSearchForm, object]:
    _require(request, "reviews.search_cases")
    form = CaseSearchForm(request.GET or None)
    kwargs = form.selector_kwargs() if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        return form, Application.objects.none()
    return form, casefile.case_search(**kwargs)


@login_required
@require_GET
def case_search(request):
    """Every case in every state, open or closed, filtered and paginated."""
    form, results = _search(request)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/case_search.html",
        {"form": form, "page": page, "query": query.urlencode(), "export_query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = (
    "reference",
    "organisation",
    "scheme",
    "industry",
    "kind",
    "state",
    "decision",
    "submitted_at",
    "decided_at",
)


@login_required
@require_GET
def case_search_export(request):
    """The same search as CSV, every matching row, each cell safe to open in a spreadsheet program."""
    form, results = _search(request)
    if form.is_bound and not form.is_valid():
        raise Http404
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(CSV_HEADER)
        for app in results.iterator(chunk_size=500):
            yield writer.writerow(
                safe_row(
                    [
                        app.reference or "",
                        app.organisation.name,
                        app.scheme.code,
                        app.industry.name if app.industry_id else "",
                        app.kind,
                        app.state,
                        app.decision_outcome or "",
                        timezone.localtime(app.submitted_at).isoformat() if app.submitted_at else "",
                        timezone.localtime(app.decided_at).isoformat() if app.decided_at else "",
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


def _back_to(request, application: Application):
    """Back to the page the form was on: the case page or the case file."""
    if request.POST.get("from") == "file":
        return redirect("reviews:case_file", pk=application.pk)
    return redirect("reviews:case", pk=application.pk)


def _post_to_case(request, pk: int, perm: str, form_class, write, success: str):
    application = get_object_or_404(Application.objects.select_related("organisation"), pk=pk)
    _require(request, perm, application)
    form = form_class(request.POST)
    if not form.is_valid():
        # Keep what was typed: the page shows it again with the reason.
        request.session[f"qf_case_form:{form_class.__name__}:{pk}"] = {k: request.POST.get(k, "") for k in form.fields}
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to(request, application)
    try:
        write(application=application, actor=request.user, request=request, **form.cleaned_data)
    except RuleViolation as exc:
        request.session[f"qf_case_form:{form_class.__name__}:{pk}"] = dict(form.cleaned_data)
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return _back_to(request, application)


@login_required
@require_POST
def case_note_add(request, pk: int):
    """An internal note on the case, for the bureau's staff only."""
    return _post_to_case(
        request, pk, "reviews.add_case_note", CaseNoteForm, casework_services.case_note_add, _("Note added.")
    )


@login_required
@require_POST
def case_message_send(request, pk: int):
    """A message to the applicant outside a formal request, logged on the case."""
    return _post_to_case(
        request,
        pk,
        "reviews.message_applicant",
        CaseMessageForm,
        casework_services.case_message_send,
        _("Message sent to the applicant."),
    )
