"""Changes of an agency's public particulars: requested by the organisation, decided by the bureau.

The public register shows an agency's published names; an organisation with a published
appointment cannot change them itself. Its edit becomes a pending `ParticularsChange` (one at a
time: a new edit replaces the pending one), and only a register administrator's approval writes
the names, with an audit row and a register event in the public feed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.enums import RegisterEventKind
from agencies.models import Organisation, RegisterEvent
from agencies.services import register_changed
from audit.services import audit_record
from qfapp.exceptions import RuleViolation

from .models import ChangeState, ParticularsChange

NAME_FIELDS = ParticularsChange.NAME_FIELDS


def is_on_the_register(organisation: Organisation) -> bool:
    return organisation.appointments.filter(is_published=True).exists()


def _names(obj) -> dict[str, str]:
    return {field: getattr(obj, field) or "" for field in NAME_FIELDS}


def particulars_change_request(*, organisation: Organisation, names: dict, actor) -> ParticularsChange | None:
    """Record the names the organisation asks to publish (None when they are the published ones).

    The caller has checked that `actor` may edit the organisation. Runs inside the caller's transaction.
    """
    names = {field: (names.get(field) or "").strip() for field in NAME_FIELDS}
    pending = ParticularsChange.objects.select_for_update().filter(organisation=organisation, state=ChangeState.PENDING)
    if names == _names(organisation):
        for change in pending:
            change.state, change.decided_at, change.note = ChangeState.REJECTED, timezone.now(), "withdrawn"
            change.save(update_fields=["state", "decided_at", "note"])
            audit_record(action="particulars.change.withdrawn", obj=change, actor=actor)
        return None
    change = pending.first() or ParticularsChange(organisation=organisation, requested_by=actor)
    for field, value in names.items():
        setattr(change, field, value)
    change.requested_by = actor
    change.save()
    audit_record(action="particulars.change.requested", obj=change, actor=actor, data=names)
    return change


def _require_register_admin(actor) -> None:
    if actor is None or not actor.has_perm("agencies.administer_register"):
        raise RuleViolation(_("Only the register administrators may decide changes of public particulars."))


def _pending(change: ParticularsChange) -> ParticularsChange:
    locked = ParticularsChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != ChangeState.PENDING:
        raise RuleViolation(_("This change has already been decided."))
    return locked


@transaction.atomic
def particulars_change_approve(*, change: ParticularsChange, actor) -> ParticularsChange:
    """Publish the requested names: the organisation's names change, audited, with a feed event."""
    _require_register_admin(actor)
    change = _pending(change)
    organisation = Organisation.objects.select_for_update().get(pk=change.organisation_id)
    before = _names(organisation)
    for field in NAME_FIELDS:
        setattr(organisation, field, getattr(change, field))
    organisation.name = change.name_en
    organisation.save()
    change.state, change.decided_by, change.decided_at = ChangeState.APPROVED, actor, timezone.now()
    change.save(update_fields=["state", "decided_by", "decided_at"])
    note = _("Published name changed from %(old)s to %(new)s.") % {"old": before["name_en"], "new": change.name_en}
    now = timezone.now()
    for appointment in organisation.appointments.filter(is_published=True):
        RegisterEvent.objects.create(
            appointment=appointment, kind=RegisterEventKind.PARTICULARS, occurred_at=now, note=note
        )
    audit_record(
        action="particulars.change.approved", obj=change, actor=actor, data={"before": before, "after": _names(change)}
    )
    register_changed()
    return change


@transaction.atomic
def particulars_change_reject(*, change: ParticularsChange, actor, note: str = "") -> ParticularsChange:
    """Refuse the requested names; the register keeps the published ones."""
    _require_register_admin(actor)
    change = _pending(change)
    change.state, change.decided_by, change.decided_at, change.note = (
        ChangeState.REJECTED,
        actor,
        timezone.now(),
        note,
    )
    change.save(update_fields=["state", "decided_by", "decided_at", "note"])
    audit_record(action="particulars.change.rejected", obj=change, actor=actor, data={"note": note})
    return change
