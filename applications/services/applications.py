"""The applicant's writes to an application: start, edit, evidence, submit, answer, resubmit, withdraw."""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed, has_transition_perm

from accounts.models import User
from accounts.roles import CASE_OFFICER
from agencies.enums import EntityType
from agencies.models import CriteriaSet, Criterion, Industry, Organisation, Scheme
from agencies.selectors import public_bodies
from audit.services import audit_record, audit_refusal
from notifications import events
from notifications.services import notify
from notifications.text import name_of, sentence
from qfapp.exceptions import RuleViolation

from .. import storage
from ..enums import ApplicationKind, ApplicationState
from ..models import Application, Evidence, InformationRequest, ProposedQualification, ReferenceCounter
from ..selectors import application_missing, appointment_to_renew, last_appointed_application

NARRATIVE_MAX_CHARS = 10_000
FEE_POLICY_MAX_CHARS = 10_000
S = ApplicationState


def _members(organisation: Organisation) -> list[User]:
    return list(User.objects.filter(memberships__organisation=organisation, is_active=True).distinct())


def _case_officers() -> list[User]:
    group = Group.objects.filter(name=CASE_OFFICER).first()
    return list(group.user_set.filter(is_active=True)) if group else []


def _link(application: Application) -> str:
    return reverse("applications:status", kwargs={"pk": application.pk})


def _case_link(application: Application) -> str:
    """Where the bureau's staff read the case: never the applicant's own status page."""
    return reverse("reviews:case", kwargs={"pk": application.pk})


def _require_edit(application: Application, actor: User) -> None:
    if not actor.has_perm("applications.edit_application", application):
        raise RuleViolation(_("You may not change this application."))


def _require_draft(application: Application) -> None:
    if not application.is_editable_by_applicant:
        raise RuleViolation(_("This application has been submitted and can no longer be changed."))


def _collaborators(
    existing: list[Organisation], new_names: list[str], actor: User, current: list[Organisation] = ()
) -> list[Organisation]:
    """The bodies proposed: chosen from the public register (or kept from the draft), or named anew.

    A typed name is matched only against the public register and the draft's own bodies, so another
    applicant's organisation is never linked or revealed. Raises RuleViolation for any other choice.
    """
    public = public_bodies()
    chosen = {body.pk for body in existing} - {body.pk for body in current}
    if chosen and public.filter(pk__in=chosen).count() != len(chosen):
        raise RuleViolation(
            _("Choose collaborating bodies from the public register, or name a new body."),
            field_errors={"collaborators": [_("Choose a body from the public register.")]},
        )
    bodies = list(existing)
    for name in new_names:
        name = name.strip()
        if not name:
            continue
        body = next((b for b in current if name.lower() in {(b.name_en or "").lower(), b.name.lower()}), None)
        body = (
            body
            or public.filter(name_en__iexact=name).first()
            or public.filter(Q(name_zh_hant__iexact=name) | Q(name_zh_hans__iexact=name)).first()
        )
        if body is None:
            body = Organisation(name=name, name_en=name, entity_type=EntityType.OTHER)
            body.save()
            audit_record(action="agencies.organisation.created_as_collaborator", obj=body, actor=actor)
        bodies.append(body)
    return bodies


def _set_qualifications(application: Application, qualifications: list[dict]) -> None:
    application.proposed_qualifications.all().delete()
    rows = []
    for q in qualifications:
        title = (q.get("title") or "").strip()
        level = q.get("proposed_level")
        if not title:
            continue
        if not isinstance(level, int) or not 1 <= level <= 7:
            raise RuleViolation(_("A proposed QF level is a whole number from 1 to 7."))
        rows.append(ProposedQualification(application=application, title=title, proposed_level=level))
    ProposedQualification.objects.bulk_create(rows)


@transaction.atomic
def application_start(
    *,
    organisation: Organisation,
    scheme: Scheme,
    actor: User,
    kind: str = ApplicationKind.NEW,
    industry: Industry | None = None,
    fee_policy: str = "",
    collaborators: list[Organisation] = (),
    new_collaborator_names: list[str] = (),
    qualifications: list[dict] = (),
) -> Application:
    """Start a draft bound to the scheme's active criteria set.

    A re-appointment starts from the organisation's appointment for the same scheme and industry
    (decided in this system or recorded from before it): it names that appointment and takes its
    collaborating bodies and recognised qualifications, and, where an appointed application led to it,
    that application's fee policy and narratives. Raises RuleViolation.
    """
    if not actor.has_perm("agencies.edit_organisation", organisation):
        raise RuleViolation(_("You may not start applications for this organisation."))
    if scheme.code == "rpl" and industry is None:
        raise RuleViolation(_("Choose the industry or branch."), field_errors={"industry": [_("Required for RPL.")]})
    if scheme.code != "rpl":
        industry = None
    criteria_set = CriteriaSet.objects.filter(scheme=scheme, is_active=True).order_by("-version").first()
    if criteria_set is None:
        raise RuleViolation(_("No criteria are in force for this scheme; applications cannot be started."))
    previous = renews = None
    if kind == ApplicationKind.REAPPOINTMENT:
        renews = appointment_to_renew(organisation=organisation, scheme=scheme, industry=industry)
        if renews is None:
            raise RuleViolation(
                _("This organisation holds no appointment for this scheme and industry to renew."),
                field_errors={"kind": [_("Start a new appointment instead.")]},
            )
        # The application that led to the appointment, when it was decided in this system.
        previous = last_appointed_application(organisation=organisation, scheme=scheme, industry=industry)
    application = Application.objects.create(
        organisation=organisation,
        scheme=scheme,
        industry=industry,
        criteria_set=criteria_set,
        kind=kind,
        previous_appointment=renews,
        fee_policy=fee_policy.strip() or (previous.fee_policy if previous else ""),
        created_by=actor,
    )
    bodies = _collaborators(list(collaborators), list(new_collaborator_names), actor)
    if renews and not bodies:
        bodies = list(renews.collaborators.all()) or (list(previous.proposed_collaborators.all()) if previous else [])
    application.proposed_collaborators.set([b for b in bodies if b.pk != organisation.pk])
    if renews and not qualifications:
        source = previous.proposed_qualifications.all() if previous else []
        qualifications = [{"title": q.title, "proposed_level": q.proposed_level} for q in source] or [
            {"title": q.title, "proposed_level": q.qf_level} for q in renews.qualifications.all()
        ]
    _set_qualifications(application, list(qualifications))
    if previous:
        codes = {c.code: c for c in criteria_set.criteria.all()}
        Evidence.objects.bulk_create(
            Evidence(
                application=application, criterion=codes[e.criterion.code], narrative=e.narrative, updated_by=actor
            )
            for e in previous.evidence.select_related("criterion")
            if e.criterion.code in codes and e.narrative.strip()
        )
    audit_record(
        action="applications.application.started",
        obj=application,
        actor=actor,
        to_state=S.DRAFT,
        data={
            "kind": kind,
            "renews": previous.pk if previous else None,
            "renews_appointment": renews.pk if renews else None,
        },
    )
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    actor: User,
    fee_policy: str,
    industry: Industry | None = None,
    collaborators: list[Organisation] = (),
    new_collaborator_names: list[str] = (),
    qualifications: list[dict] | None = None,
) -> Application:
    """Change a draft's particulars. Raises RuleViolation once it is submitted."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_edit(application, actor)
    _require_draft(application)
    if application.scheme.code == "rpl":
        if industry is None:
            raise RuleViolation(
                _("Choose the industry or branch."), field_errors={"industry": [_("Required for RPL.")]}
            )
        application.industry = industry
    application.fee_policy = fee_policy.strip()
    application.save(update_fields=["fee_policy", "industry", "updated_at"])
    current = list(application.proposed_collaborators.all())
    bodies = _collaborators(list(collaborators), list(new_collaborator_names), actor, current=current)
    application.proposed_collaborators.set([b for b in bodies if b.pk != application.organisation_id])
    if qualifications is not None:
        _set_qualifications(application, qualifications)
    audit_record(action="applications.application.updated", obj=application, actor=actor)
    return application


@transaction.atomic
def evidence_save(*, application: Application, criterion: Criterion, narrative: str, actor: User) -> Evidence:
    """Save the narrative for one criterion (while drafting or answering a request). Raises RuleViolation."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_edit(application, actor)
    if not application.accepts_evidence:
        raise RuleViolation(_("This application has been submitted and can no longer be changed."))
    if criterion.criteria_set_id != application.criteria_set_id:
        raise RuleViolation(_("This criterion does not belong to the application's criteria."))
    narrative = narrative.replace("\r\n", "\n")
    if len(narrative) > NARRATIVE_MAX_CHARS:
        raise RuleViolation(
            _("The narrative is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(narrative), "limit": NARRATIVE_MAX_CHARS},
            field_errors={"narrative": [_("Too long.")]},
        )
    evidence, _created = Evidence.objects.update_or_create(
        application=application, criterion=criterion, defaults={"narrative": narrative, "updated_by": actor}
    )
    audit_record(
        action="applications.evidence.saved",
        obj=application,
        actor=actor,
        data={"criterion": criterion.code, "length": len(narrative)},
    )
    return evidence


@transaction.atomic
def fee_policy_save(*, application: Application, fee_policy: str, actor: User) -> Application:
    """Save a draft's fee policy on its own (the autosave of the particulars form). Raises RuleViolation."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_edit(application, actor)
    _require_draft(application)
    fee_policy = fee_policy.replace("\r\n", "\n")
    if len(fee_policy) > FEE_POLICY_MAX_CHARS:
        raise RuleViolation(
            _("The fee policy is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(fee_policy), "limit": FEE_POLICY_MAX_CHARS},
            field_errors={"fee_policy": [_("Too long.")]},
        )
    application.fee_policy = fee_policy.strip()
    application.save(update_fields=["fee_policy", "updated_at"])
    audit_record(
        action="applications.application.updated",
        obj=application,
        actor=actor,
        data={"field": "fee_policy", "length": len(application.fee_policy)},
    )
    return application


def application_discard(*, application: Application, actor: User) -> None:
    """Delete a draft that was never submitted, with its evidence and documents. Raises RuleViolation."""
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            _require_edit(application, actor)
            if application.state != S.DRAFT:
                raise RuleViolation(_("Only a draft can be discarded; a submitted application can be withdrawn."))
            stored = list(application.documents.values_list("stored_name", flat=True))
            audit_record(
                action="applications.application.discarded",
                obj=application,
                actor=actor,
                from_state=S.DRAFT,
                data={"organisation": application.organisation_id, "documents": len(stored)},
            )
            application.delete()
            transaction.on_commit(lambda: [storage.remove(name) for name in stored])
    except RuleViolation as exc:
        audit_refusal(action="applications.application.discard", obj=application, actor=actor, note=str(exc))
        raise


def _next_reference(scheme: Scheme) -> str:
    prefix = f"{scheme.code.upper()}-{timezone.localdate().year}"
    try:
        with transaction.atomic():
            ReferenceCounter.objects.get_or_create(prefix=prefix)
    except IntegrityError:
        pass  # created concurrently: the row now exists
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{counter.last:04d}"


class AlreadySubmitted(RuleViolation):
    """The application left the draft state already (for example a second click on submit)."""


def application_submit(*, application: Application, actor: User, declaration_accepted: bool) -> Application:
    """Submit a complete draft with the declaration accepted: one reference number, once.

    Raises AlreadySubmitted if it is no longer a draft, RuleViolation (with the missing evidence per
    criterion in `field_errors`) if it is incomplete, the declaration is not accepted or the actor may not.
    """
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().select_related("scheme").get(pk=application.pk)
            if application.state != S.DRAFT:
                raise AlreadySubmitted(_("This application has already been submitted."))
            if not can_proceed(application.submit) or not has_transition_perm(application.submit, actor):
                raise RuleViolation(_("You may not submit this application."))
            missing = application_missing(application=application)
            if missing:
                raise RuleViolation(_("The application is not complete yet."), field_errors=missing)
            if not declaration_accepted:
                raise RuleViolation(
                    _("Accept the declaration and the personal information collection statement to submit."),
                    field_errors={"declaration": [_("Required to submit.")]},
                )
            application.declaration_accepted_at = timezone.now()
            application.reference = _next_reference(application.scheme)
            application.submit()
            application.save()
            entry = audit_record(
                action="applications.application.submitted",
                obj=application,
                actor=actor,
                from_state=S.DRAFT,
                to_state=S.SUBMITTED,
                data={"reference": application.reference},
            )
            context = {
                "reference": application.reference,
                "application": application,
                "summary": sentence(
                    gettext_noop("%(organisation)s submitted its application %(reference)s."),
                    organisation=name_of(application.organisation),
                    reference=application.reference,
                ),
            }
            notify(
                event=events.SUBMISSION_RECEIVED,
                recipients=_members(application.organisation),
                context=context,
                key=f"submitted-{entry.pk}",
                link=_link(application),
            )
            notify(
                event=events.SUBMISSION_RECEIVED,
                recipients=_case_officers(),
                context={**context, "for_staff": True},
                key=f"submitted-{entry.pk}-staff",
                link=_case_link(application),
            )
    except AlreadySubmitted:
        raise
    except RuleViolation as exc:
        audit_refusal(action="applications.application.submit", obj=application, actor=actor, note=str(exc))
        raise
    return application


@transaction.atomic
def information_request_respond(*, information_request: InformationRequest, response: str, actor: User):
    """Answer a request for information in writing (evidence and documents are changed alongside)."""
    information_request = (
        InformationRequest.objects.select_for_update().select_related("application").get(pk=information_request.pk)
    )
    application = information_request.application
    _require_edit(application, actor)
    if application.state != S.RETURNED:
        raise RuleViolation(_("This request can no longer be answered."))
    if not response.strip():
        raise RuleViolation(_("Write your answer."), field_errors={"response": [_("This field is required.")]})
    information_request.response = response.strip()
    information_request.responded_at = timezone.now()
    information_request.save(update_fields=["response", "responded_at"])
    audit_record(action="applications.information_request.answered", obj=application, actor=actor)
    return information_request


def application_resubmit(*, application: Application, actor: User, declaration_accepted: bool) -> Application:
    """Send an application back to the bureau once every request for information is answered.

    The declaration is made again (the answers and evidence changed since the first one). Raises
    AlreadySubmitted if it is not waiting for information, RuleViolation otherwise.
    """
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.state != S.RETURNED:
                raise AlreadySubmitted(_("This application is not waiting for information."))
            if not can_proceed(application.resubmit) or not has_transition_perm(application.resubmit, actor):
                raise RuleViolation(_("You may not resubmit this application."))
            if application.information_requests.filter(responded_at__isnull=True).exists():
                raise RuleViolation(_("Answer every request for information before resubmitting."))
            missing = application_missing(application=application)
            if missing:
                raise RuleViolation(_("The application is not complete yet."), field_errors=missing)
            if not declaration_accepted:
                raise RuleViolation(
                    _("Accept the declaration and the personal information collection statement to resubmit."),
                    field_errors={"declaration": [_("Required to resubmit.")]},
                )
            application.declaration_accepted_at = timezone.now()
            application.resubmit()
            application.save()
            entry = audit_record(
                action="applications.application.resubmitted",
                obj=application,
                actor=actor,
                from_state=S.RETURNED,
                to_state=S.SUBMITTED,
                data={"declaration": True},
            )
            context = {"reference": application.reference, "application": application, "for_applicant": True}
            notify(
                event=events.RESUBMITTED,
                recipients=_members(application.organisation),
                context=context,
                key=f"resubmitted-{entry.pk}",
                link=_link(application),
            )
            notify(
                event=events.RESUBMITTED,
                recipients=_case_officers(),
                context={**context, "for_staff": True, "for_applicant": False},
                key=f"resubmitted-{entry.pk}-staff",
                link=_case_link(application),
            )
    except AlreadySubmitted:
        raise
    except RuleViolation as exc:
        audit_refusal(action="applications.application.resubmit", obj=application, actor=actor, note=str(exc))
        raise
    return application


def application_withdraw(*, application: Application, reason: str, actor: User) -> Application:
    """Withdraw an application before a decision, with a reason. Raises RuleViolation."""
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            if not reason.strip():
                raise RuleViolation(
                    _("Give a reason for the withdrawal."), field_errors={"reason": [_("This field is required.")]}
                )
            if application.state == S.DRAFT:
                raise RuleViolation(_("A draft has not been submitted, so there is nothing to withdraw."))
            if not can_proceed(application.withdraw):
                raise RuleViolation(_("A decision has been made: the application can no longer be withdrawn."))
            if not has_transition_perm(application.withdraw, actor):
                raise RuleViolation(_("You may not withdraw this application."))
            from_state = application.state
            application.withdraw(reason=reason.strip())
            application.save()
            entry = audit_record(
                action="applications.application.withdrawn",
                obj=application,
                actor=actor,
                from_state=from_state,
                to_state=S.WITHDRAWN,
                note=reason.strip(),
            )
            if from_state != S.DRAFT:
                context = {"reference": application.reference, "application": application, "summary": reason.strip()}
                notify(
                    event=events.WITHDRAWN,
                    recipients=_members(application.organisation),
                    context=context,
                    key=f"withdrawn-{entry.pk}",
                    link=_link(application),
                )
                notify(
                    event=events.WITHDRAWN,
                    recipients=_case_officers(),
                    context=context,
                    key=f"withdrawn-{entry.pk}-staff",
                    link=_link(application),
                )
    except RuleViolation as exc:
        audit_refusal(action="applications.application.withdraw", obj=application, actor=actor, note=str(exc))
        raise
    return application
