"""What every review and decision service shares: the case step (lock, check the rule, run the
transition, audit), the refused attempt's audit row, and the small lookups the stages use."""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import User
from agencies.models import Criterion
from applications.enums import ApplicationState
from applications.models import Application
from audit.services import audit_record, audit_refusal
from qfapp.exceptions import RuleViolation

from ..enums import AssignmentState

S = ApplicationState
A = AssignmentState

NOT_ALLOWED = gettext_lazy("You are not allowed to do this on this case.")
# A rule whose refusal says more than "not allowed".
RULE_MESSAGES = {
    "reviews.decide_case": gettext_lazy(
        "You cannot decide this case: only an approver who is neither its reviewer nor conflicted may."
    ),
}


def _members(application: Application) -> list[User]:
    return list(User.objects.filter(memberships__organisation_id=application.organisation_id, is_active=True))


def _role_users(role: str) -> list[User]:
    return list(User.objects.filter(groups__name=role, is_active=True))


def _case_link(application: Application) -> str:
    return reverse("reviews:case", args=[application.pk])


def _applicant_link(application: Application) -> str:
    return reverse("applications:status", kwargs={"pk": application.pk})


def _ctx(application: Application, summary: str = "") -> dict:
    return {"reference": application.reference, "application": application, "summary": summary}


@contextmanager
def _refusals_audited(*, action: str, application: Application, actor, request=None):
    """Write an audit row for a refused attempt, outside the transaction that was rolled back."""
    from_state = application.state
    try:
        yield
    except RuleViolation as exc:
        audit_refusal(
            action=action,
            obj=application,
            actor=actor,
            note="; ".join(exc.messages),
            request=request,
            from_state=from_state,
        )
        raise


def _lock(application: Application, expected_state: str | None) -> Application:
    """Reload the case under a row lock; refuse if it moved on since the page was shown."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organisation", "scheme", "industry", "criteria_set")
        .get(pk=application.pk)
    )
    if expected_state and locked.state != expected_state:
        raise RuleViolation(
            _(
                "This case has changed since the page was shown: it is now “%(state)s”. Nothing was changed; "
                "look at the case again."
            )
            % {"state": locked.get_state_display()}
        )
    return locked


def _check_rule(application: Application, actor, rule: str) -> None:
    """Refuse an actor the named rule does not allow on this case (a missing actor is refused too)."""
    if actor is None or not actor.has_perm(rule, application):
        raise RuleViolation(str(RULE_MESSAGES.get(rule, NOT_ALLOWED)))


def _transition(application: Application, name: str, actor, *args) -> tuple[str, str]:
    """Run one transition after checking the source state and the permission; save with the
    optimistic state check. Returns (from, to)."""
    method = getattr(application, name)
    if not can_proceed(method, check_conditions=False):
        raise RuleViolation(
            _("This action is not possible while the case is “%(state)s”.") % {"state": application.get_state_display()}
        )
    if not has_transition_perm(method, actor):
        raise RuleViolation(str(NOT_ALLOWED))
    if not can_proceed(method):
        raise RuleViolation(_("The conditions for this step are not met yet."))
    from_state = application.state
    method(*args)
    try:
        application.save()
    except ConcurrentTransition as exc:
        raise RuleViolation(_("Someone else changed this case at the same moment. Nothing was changed.")) from exc
    return from_state, application.state


class CaseStep:
    """One case action under way: the locked case, and the one transition the action may run."""

    def __init__(self, *, app: Application, actor, action: str, transition: str | None, request):
        self.app = app
        self.actor = actor
        self.action = action
        self.transition_name = transition
        self.request = request
        self.states: dict[str, str] = {}
        self.entry = None

    def transition(self, *args) -> None:
        """Run the action's transition (state, permission, conditions) and save it."""
        from_state, to_state = _transition(self.app, self.transition_name, self.actor, *args)
        self.states = {"from_state": from_state, "to_state": to_state}

    def audit(self, *, note: str = "", data: dict | None = None):
        """Write the action's audit row, with the transition's from and to when it ran one. Returns the
        entry (its id keys the notifications). An action that does not call it is audited on exit."""
        self.entry = audit_record(
            action=self.action,
            obj=self.app,
            actor=self.actor,
            note=note,
            request=self.request,
            data=data,
            **self.states,
        )
        return self.entry


@contextmanager
def case_step(
    *,
    application: Application,
    actor,
    action: str,
    rule: str | None,
    transition: str | None = None,
    request=None,
    expected_state: str | None = None,
    lock: bool = True,
):
    """The preamble of every case action: in one transaction, lock and re-read the case (refusing a
    stale page), check the actor against the action's rule, and hand the action a CaseStep whose
    `transition()` runs the transition and `audit()` writes its row. A RuleViolation rolls everything back and is
    audited as a refused attempt.

    lock=False trusts the caller's (possibly stale) instance instead of re-reading it under a row
    lock; only the race test's control uses it, to show what the lock prevents."""
    with _refusals_audited(action=action, application=application, actor=actor, request=request):
        with transaction.atomic():
            app = _lock(application, expected_state) if lock else application
            if rule:
                _check_rule(app, actor, rule)
            step = CaseStep(app=app, actor=actor, action=action, transition=transition, request=request)
            yield step
            if step.entry is None:
                # No change without its audit row.
                step.audit()


def _criteria_of(application: Application) -> dict[int, Criterion]:
    return {c.pk: c for c in application.criteria_set.criteria.all()}


def _clean_reasons(application: Application, reasons: Iterable[tuple[int, str]]) -> list[tuple[Criterion, str]]:
    criteria = _criteria_of(application)
    cleaned = []
    for criterion_id, text in reasons:
        text = (text or "").strip()
        if not text:
            continue
        if int(criterion_id) not in criteria:
            raise RuleViolation(_("A reason names a criterion that is not in this application's criteria set."))
        cleaned.append((criteria[int(criterion_id)], text))
    return cleaned
