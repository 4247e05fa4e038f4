"""Writes of the management information: closure days (which change the working calendar) and targets."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from qfapp.exceptions import RuleViolation

from .calendar import FIRST_DAY, LAST_DAY, calendar_rebuild
from .enums import DEFAULT_TARGETS, ClosureKind
from .models import ClosureDay, ServiceTarget


def _require(actor, perm: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise RuleViolation(_("You may not change the working calendar or the service targets."))


def closure_day_save(*, actor, day: date, kind: str = ClosureKind.TYPHOON, reason: str = "") -> ClosureDay:
    """Record (or correct) a closure day and re-count the working calendar. Raises RuleViolation."""
    _require(actor, "management.change_calendar")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise RuleViolation(
            _("The working calendar runs from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}
        )
    with transaction.atomic():
        closure, created = ClosureDay.objects.update_or_create(
            day=day, defaults={"kind": kind, "reason": reason.strip()}
        )
        if created:
            ClosureDay.objects.filter(pk=closure.pk).update(created_by=actor)
        calendar_rebuild()
        audit_record(
            action="management.closure_day.saved",
            obj=closure,
            actor=actor,
            data={"day": day.isoformat(), "kind": kind},
        )
    return closure


def closure_day_delete(*, actor, closure: ClosureDay) -> None:
    """Remove a closure day: the day counts as a working day again (unless a weekend or holiday)."""
    _require(actor, "management.change_calendar")
    with transaction.atomic():
        audit_record(
            action="management.closure_day.deleted", obj=closure, actor=actor, data={"day": closure.day.isoformat()}
        )
        closure.delete()
        calendar_rebuild()


def service_target_save(*, actor, target: ServiceTarget) -> ServiceTarget:
    """Save a stage's target (validated by the model). Raises RuleViolation."""
    _require(actor, "management.change_calendar")
    if target.near_days > target.working_days:
        raise RuleViolation(_("The warning period cannot be longer than the target."))
    with transaction.atomic():
        target.save()
        audit_record(
            action="management.service_target.saved",
            obj=target,
            actor=actor,
            data={"stage": target.stage, "working_days": target.working_days, "near_days": target.near_days},
        )
    return target


def ensure_default_targets(sender=None, using: str = "default", **kwargs) -> None:
    """After migrations: a target for every stage that has none yet (existing ones are kept)."""
    for stage, (days, near) in DEFAULT_TARGETS.items():
        ServiceTarget.objects.using(using).get_or_create(
            stage=stage, defaults={"working_days": days, "near_days": near}
        )
