"""Pages of the case officer, the reviewer and the approver. Thin: forms in, services out, messages back."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicationState
from applications.models import Application
from audit.selectors import audit_for_object
from audit.services import audit_refusal
from qfapp.exceptions import RuleViolation

from . import conditions, selectors, services
from .conditions import MIN_REVIEWS
from .enums import ACTIVE_ASSIGNMENT_STATES, AssignmentState
from .forms import (
    AppointForm,
    BulkAssignForm,
    ConsiderationsForm,
    DeterminationForm,
    InviteForm,
    ModerationForm,
    QueueFilterForm,
    ReasonsForm,
    RecommendForm,
    RespondForm,
    ReturnForm,
    ScoreForm,
)
from .models import Considerations, Determination, ReviewAssignment

S = ApplicationState
PAGE_SIZE = 25


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise Http404


def _refused(request, exc: RuleViolation) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _case(request, pk: int, perm: str = "reviews.view_case") -> Application:
    application = get_object_or_404(
        Application.objects.select_related("organisation", "industry", "scheme", "criteria_set"), pk=pk
    )
    _require(request, perm, application)
    return application


# -- dashboard and navigation -------------------------------------------------------------------
def dashboard_section(request):
    """The case officer's, reviewer's and approver's counts on the dashboard, or None."""
    user = request.user
    context = {}
    if user.has_perm("reviews.view_case_queue"):
        context["cases"] = selectors.case_queue().count()
    if user.has_perm("reviews.view_reviewer_queue"):
        context["assignments"] = list(selectors.reviewer_queue(reviewer=user).exclude(state=AssignmentState.SUBMITTED))
    if user.has_perm("reviews.view_approver_queue"):
        context["approvals"] = selectors.approver_queue().count()
    if not context:
        return None
    return "reviews/dashboard_section.html", context


# -- the case officer -------------------------------------------------------------------------------
@login_required
def queue(request):
    _require(request, "reviews.view_case_queue")
    form = QueueFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "state": data["state"],
            "industry_id": data["industry"].pk if data["industry"] else None,
            "scheme_id": data["scheme"].pk if data["scheme"] else None,
            "overdue": data["overdue"],
            "older_than_days": data["older_than"],
            "order": data["order"] or "oldest",
        }
    page = Paginator(selectors.case_queue(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/application_queue.html",
        {"form": form, "page": page, "query": query.urlencode(), "assign_form": BulkAssignForm()},
    )


@login_required
def bulk_assign(request):
    _require(request, "reviews.assign_reviewers")
    if request.method != "POST":
        return redirect("reviews:queue")
    form = BulkAssignForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("application") if v.isdecimal()]
    if not ids:
        messages.error(request, _("Choose at least one case."))
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        cases = list(Application.objects.filter(pk__in=ids).select_related("organisation"))
        made, refused = services.assignment_bulk_invite(
            applications=cases,
            reviewers=list(form.cleaned_data["reviewers"]),
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
            request=request,
        )
        if made:
            messages.success(request, _("%(count)d invitations sent.") % {"count": len(made)})
        for message in refused:
            messages.error(request, message)
    return redirect("reviews:queue")


@login_required
def case(request, pk: int):
    return _case_page(request, _case(request, pk))


def _decision_warnings(application, appoint_form=None) -> dict:
    """What the approver must see before confirming an appointment: what stops it (a gate not met, a
    determination not valid today) and how the proposed term goes beyond the determination."""
    blocking = conditions.appointment_blockers(application, timezone.localdate())
    beyond = []
    if appoint_form is not None and appoint_form.is_bound and appoint_form.is_valid():
        data = appoint_form.cleaned_data
        beyond = conditions.term_outside_determination(application, data["term_start"], data["term_end"])
    return {"blocking": blocking, "beyond": beyond}


def _case_page(request, application, *, appoint_form=None, status: int = 200):
    user = request.user
    state = application.state
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    scores = selectors.case_scores(application=application)
    is_officer = user.has_perm("reviews.assign_reviewers")
    may_decide = user.has_perm("reviews.decide_case", application)
    assignments = list(selectors.case_assignments(application=application))
    moderation_forms = []
    if is_officer and state == S.UNDER_REVIEW:
        for row in scores.flagged_rows:
            initial = {"criterion": row.criterion.pk}
            if row.moderation:
                initial |= {
                    "score": row.moderation.score,
                    "verdict": row.moderation.verdict,
                    "rationale": row.moderation.rationale,
                }
            moderation_forms.append((row, ModerationForm(initial=initial, prefix=f"m{row.criterion.pk}")))
    context = {
        "application": application,
        "criteria": criteria,
        "scores": scores,
        "is_officer": is_officer,
        "may_decide": may_decide,
        "checklist": selectors.screening_checklist(application=application),
        "gate_checks": selectors.screening_gate_checks(application=application),
        "assignments": assignments,
        "needs_reviewers": is_officer
        and state in (S.SCREENING, S.UNDER_REVIEW)
        and sum(1 for a in assignments if a.state in ACTIVE_ASSIGNMENT_STATES) < MIN_REVIEWS,
        "timeline": audit_for_object(obj=application),
        "documents": application.documents.prefetch_related("criteria").order_by("uploaded_at"),
        "information_requests": application.information_requests.prefetch_related("items__criterion").order_by(
            "requested_at"
        ),
        "moderation_forms": moderation_forms,
        "S": {s.name: s.value for s in S},
    }
    if is_officer:
        if state == S.SCREENING:
            context["return_form"] = ReturnForm(criteria=criteria)
            context["ineligible_form"] = ReasonsForm(criteria=criteria)
        if state in (S.SCREENING, S.UNDER_REVIEW):
            context["invite_form"] = InviteForm()
        if state == S.UNDER_REVIEW:
            context["recommend_form"] = RecommendForm()
    if may_decide and state == S.RECOMMENDED:
        context["determination_form"] = DeterminationForm(
            instance=Determination.objects.filter(application=application).first(), prefix="det"
        )
        context["considerations_form"] = ConsiderationsForm(
            instance=Considerations.objects.filter(application=application).first()
            or Considerations(fee_policy=application.fee_policy),
            prefix="con",
        )
        context["appoint_form"] = appoint_form or AppointForm(application=application, prefix="apt")
        context["determination"] = Determination.objects.filter(application=application).first()
        context["decision_warnings"] = _decision_warnings(application, context["appoint_form"])
        context["reject_form"] = ReasonsForm(criteria=criteria, prefix="rej")
    context["authors"] = selectors.case_decision_authors(application=application)
    return render(request, "reviews/application_case.html", context, status=status)


def _invalid(request, application, action: str, form):
    """A form that does not validate: tell the user what is wrong and record the refused attempt."""
    _form_errors(request, form)
    audit_refusal(
        action=CASE_ACTIONS[action].code,
        obj=application,
        actor=request.user,
        note="; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()),
        request=request,
        from_state=application.state,
    )
    return redirect("reviews:case", pk=application.pk)


def _invite(*, application, actor, request, reviewers, due_on):
    """The case page's invitation: each refused reviewer is a message of its own."""
    made, refused = services.assignment_bulk_invite(
        applications=[application], reviewers=reviewers, due_on=due_on, actor=actor, request=request
    )
    for message in refused:
        messages.error(request, message)
    return made


@dataclass(frozen=True)
class CaseAction:
    """One POST action on the case page: the service it calls, the form that feeds it, and what to
    say when it succeeds. `strict=False` forms (reasons) pass what they have to the service, whose
    own rule then speaks."""

    service: Callable
    success: Callable[[object], str]
    code: str = ""
    form: Callable | None = None
    values: Callable = lambda form: {}
    expected_state: bool = True
    strict: bool = True
    # Warnings the user must see, with their form, before the service is called (the approver's term
    # beyond HKCAAVQ's determination without a recorded reason): the page shows them and the form again.
    confirm: Callable | None = None


def _said(text):
    return lambda result: str(text)


CASE_ACTIONS = {
    "start-screening": CaseAction(services.case_start_screening, _said(gettext_lazy("Screening started."))),
    "send-to-review": CaseAction(services.case_send_to_review, _said(gettext_lazy("Sent to review."))),
    "return": CaseAction(
        services.case_return_for_information,
        _said(gettext_lazy("Returned to the applicant for information.")),
        code="applications.application.returned",
        form=lambda request, application, criteria: ReturnForm(request.POST, criteria=criteria),
        values=lambda form: {
            "items": form.reasons(),
            "reply_by": form.cleaned_data["reply_by"],
            "message": form.cleaned_data["message"],
        },
    ),
    "ineligible": CaseAction(
        services.case_mark_ineligible,
        _said(gettext_lazy("The case was closed as ineligible.")),
        form=lambda request, application, criteria: ReasonsForm(request.POST, criteria=criteria),
        values=lambda form: {"reasons": form.reasons()},
        strict=False,
    ),
    "invite": CaseAction(
        _invite,
        lambda made: _("%(count)d invitations sent.") % {"count": len(made)} if made else "",
        code="reviews.assignment.invited",
        form=lambda request, application, criteria: InviteForm(request.POST),
        values=lambda form: {"reviewers": list(form.cleaned_data["reviewers"]), "due_on": form.cleaned_data["due_on"]},
        expected_state=False,
    ),
    "moderate": CaseAction(
        services.moderation_save,
        _said(gettext_lazy("Moderation saved.")),
        code="reviews.moderation.saved",
        form=lambda request, application, criteria: ModerationForm(
            request.POST, prefix=f"m{request.POST.get('criterion_pk', '')}"
        ),
        values=lambda form: {
            "criterion_id": form.cleaned_data["criterion"],
            "score": form.cleaned_data["score"],
            "verdict": form.cleaned_data["verdict"],
            "rationale": form.cleaned_data["rationale"],
        },
        expected_state=False,
    ),
    "recommend": CaseAction(
        services.case_recommend,
        _said(gettext_lazy("Recommendation recorded.")),
        code="applications.application.recommended",
        form=lambda request, application, criteria: RecommendForm(request.POST),
        values=lambda form: {"outcome": form.cleaned_data["outcome"], "summary": form.cleaned_data["summary"]},
    ),
    "determination": CaseAction(
        services.determination_record,
        _said(gettext_lazy("Determination recorded.")),
        code="reviews.determination.recorded",
        form=lambda request, application, criteria: DeterminationForm(request.POST, prefix="det"),
        values=lambda form: dict(form.cleaned_data),
        expected_state=False,
    ),
    "considerations": CaseAction(
        services.considerations_record,
        _said(gettext_lazy("Considerations recorded.")),
        code="reviews.considerations.recorded",
        form=lambda request, application, criteria: ConsiderationsForm(request.POST, prefix="con"),
        values=lambda form: dict(form.cleaned_data),
        expected_state=False,
    ),
    "appoint": CaseAction(
        services.case_appoint,
        _said(gettext_lazy("Appointed. The register administrator will publish the appointment.")),
        code="applications.application.appointed",
        form=lambda request, application, criteria: AppointForm(request.POST, application=application, prefix="apt"),
        values=lambda form: {
            "term_start": form.cleaned_data["term_start"],
            "term_end": form.cleaned_data["term_end"],
            "conditions_text": form.cleaned_data["conditions"],
            "collaborators": list(form.cleaned_data["collaborators"]),
            "term_reason": form.cleaned_data["term_reason"],
        },
        confirm=lambda application, form: (
            []
            if form.cleaned_data["term_reason"].strip()
            else conditions.term_outside_determination(
                application, form.cleaned_data["term_start"], form.cleaned_data["term_end"]
            )
        ),
    ),
    "reject": CaseAction(
        services.case_reject,
        _said(gettext_lazy("The application was rejected.")),
        form=lambda request, application, criteria: ReasonsForm(request.POST, criteria=criteria, prefix="rej"),
        values=lambda form: {"reasons": form.reasons()},
        strict=False,
    ),
}


@login_required
def case_action(request, pk: int, action: str):
    """Every POST of the case page: build the action's form, call its service, answer with messages."""
    application = _case(request, pk)
    if request.method != "POST":
        return redirect("reviews:case", pk=pk)
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    kwargs = {}
    if spec.form is not None:
        criteria = list(application.criteria_set.criteria.order_by("order", "code"))
        form = spec.form(request, application, criteria)
        if not form.is_valid() and spec.strict:
            return _invalid(request, application, action, form)
        if spec.confirm is not None and application.state == S.RECOMMENDED and spec.confirm(application, form):
            return _case_page(request, application, appoint_form=form)
        kwargs = spec.values(form)
    if spec.expected_state:
        kwargs["expected_state"] = request.POST.get("expected_state") or None
    try:
        result = spec.service(application=application, actor=request.user, request=request, **kwargs)
    except RuleViolation as exc:
        _refused(request, exc)
    else:
        if success := spec.success(result):
            messages.success(request, success)
    return redirect("reviews:case", pk=pk)


# -- the reviewer --------------------------------------------------------------------------------
@login_required
def my_reviews(request):
    _require(request, "reviews.view_reviewer_queue")
    page = Paginator(selectors.reviewer_queue(reviewer=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/assignment_list.html", {"page": page})


def _assignment(request, pk: int) -> ReviewAssignment:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "application__organisation", "application__industry", "application__scheme", "application__criteria_set"
        ),
        pk=pk,
    )
    if not (
        request.user.has_perm("reviews.respond_assignment", assignment)
        or request.user.has_perm("reviews.view_assignment", assignment)
    ):
        raise Http404
    return assignment


@login_required
def assignment(request, pk: int):
    assignment = _assignment(request, pk)
    application = assignment.application
    if assignment.state == AssignmentState.INVITED:
        # Before the declaration: only who applies and for what, nothing of the evidence.
        return render(
            request,
            "reviews/assignment_respond.html",
            {"assignment": assignment, "application": application, "form": RespondForm()},
        )
    criteria = list(application.criteria_set.criteria.order_by("order", "code"))
    documents = list(application.documents.prefetch_related("criteria"))
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    locked = assignment.state == AssignmentState.SUBMITTED
    if request.method == "POST" and not locked:
        form = ScoreForm(request.POST, criteria=criteria, existing=existing, documents=documents)
        try:
            services.scores_save(assignment=assignment, actor=request.user, entries=form.entries(), request=request)
            if "submit_review" in request.POST:
                services.review_submit(assignment=assignment, actor=request.user, request=request)
                messages.success(request, _("Your review is submitted."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect("reviews:assignment", pk=pk)
        except RuleViolation as exc:
            _refused(request, exc)
    else:
        form = ScoreForm(criteria=criteria, existing=existing, documents=documents, disabled=locked)
    evidence = {e.criterion_id: e for e in application.evidence.all()}
    context = {
        "assignment": assignment,
        "application": application,
        "form": form,
        "locked": locked,
        "rows": [(c, value, reason, doc, evidence.get(c.pk)) for c, value, reason, doc in form.rows()],
        "documents": documents,
    }
    if request.user.has_perm("reviews.view_all_reviews", application):
        context["scores"] = selectors.case_scores(application=application)
    return render(request, "reviews/assignment_detail.html", context)


@login_required
def respond(request, pk: int):
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("application"), pk=pk)
    _require(request, "reviews.respond_assignment", assignment)
    if request.method != "POST":
        return redirect("reviews:assignment", pk=pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("reviews:assignment", pk=pk)
    data = form.cleaned_data
    try:
        result = services.assignment_respond(
            assignment=assignment,
            actor=request.user,
            accept=data["answer"] == "accept",
            has_conflict=data["has_conflict"] == "yes",
            conflict_note=data["conflict_note"],
            decline_reason=data["decline_reason"],
            request=request,
        )
    except RuleViolation as exc:
        _refused(request, exc)
        return redirect("reviews:assignment", pk=pk)
    if result.state == AssignmentState.ACCEPTED:
        messages.success(request, _("Thank you. The case is open for your review."))
        return redirect("reviews:assignment", pk=pk)
    if result.state == AssignmentState.CONFLICTED:
        messages.info(request, _("Thank you for declaring the conflict. The case officer will ask someone else."))
    else:
        messages.info(request, _("You have declined this review."))
    return redirect("reviews:my_reviews")


# -- the approver --------------------------------------------------------------------------------
@login_required
def approvals(request):
    _require(request, "reviews.view_approver_queue")
    page = Paginator(selectors.approver_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/application_approvals.html", {"page": page})
