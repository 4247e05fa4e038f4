"""Writing the audit trail. Every state change and every refused attempt goes through here."""

from typing import Any

from django.db import models

from accounts.roles import primary_role

from .models import AuditEntry


def _request_id(request) -> str:
    return getattr(request, "request_id", "") if request is not None else ""


def audit_record(
    *,
    action: str,
    obj: models.Model,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    outcome: str = AuditEntry.Outcome.DONE,
    data: dict[str, Any] | None = None,
    request=None,
) -> AuditEntry:
    """Append one audit row; called inside the transaction of the change it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_role=primary_role(actor) if actor is not None else "system",
        action=action,
        outcome=outcome,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        request_id=_request_id(request),
        data=data or {},
    )


def audit_refusal(
    *, action: str, obj: models.Model, actor, note: str, request=None, from_state: str = ""
) -> AuditEntry:
    """Record an attempt that was refused. Written outside the failed transaction so it survives."""
    return audit_record(
        action=action,
        obj=obj,
        actor=actor,
        from_state=from_state,
        note=note,
        outcome=AuditEntry.Outcome.REFUSED,
        request=request,
    )
