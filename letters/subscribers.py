"""Letters follow the decisions they record. Every decision writes its audit row in its own
transaction; once that transaction commits, the letter the event calls for is issued.

The audit row is the event: the lower layers (applications, reviews, agencies) know nothing of
letters, and a decision rolled back issues nothing. Rendering happens after the commit, so a
failing renderer never undoes a decision (it is logged; issuing again from the same event is safe).
"""

import logging
from datetime import date

from django.db import transaction

from applications.models import Application, InformationRequest

from . import services

log = logging.getLogger(__name__)

APPLICATION = "applications.application"
APPOINTMENT = "agencies.appointment"


def _receipt(entry, actor):
    application = Application.objects.get(pk=entry.object_id)
    services.receipt_issue(application=application, actor=actor, event_key=f"receipt:{entry.pk}")


def _information_request(entry, actor):
    info = InformationRequest.objects.filter(application_id=entry.object_id).order_by("-requested_at", "-pk").first()
    if info is not None:
        services.information_request_letter_issue(information_request=info, actor=actor)


def _decision(entry, actor):
    services.decision_letter_issue(application=Application.objects.get(pk=entry.object_id), actor=actor)


def _variation(entry, actor):
    from agencies.models import Appointment

    data = entry.data or {}
    effective = data.get("effective")
    services.variation_letter_issue(
        appointment=Appointment.objects.get(pk=entry.object_id),
        before=data.get("from") or {},
        after=data.get("to") or {},
        grounds=data.get("grounds") or entry.note,
        effective=date.fromisoformat(effective) if effective else None,
        event_key=f"variation:{entry.pk}",
        actor=actor,
    )


def _cancellation(entry, actor):
    from agencies.models import Appointment

    services.cancellation_letter_issue(appointment=Appointment.objects.get(pk=entry.object_id), actor=actor)


HANDLERS = {
    (APPLICATION, "applications.application.submitted"): _receipt,
    (APPLICATION, "applications.application.resubmitted"): _receipt,
    (APPLICATION, "applications.application.returned"): _information_request,
    (APPLICATION, "applications.application.ineligible"): _decision,
    (APPLICATION, "applications.application.appointed"): _decision,
    (APPLICATION, "applications.application.rejected"): _decision,
    (APPOINTMENT, "agencies.appointment.varied"): _variation,
    (APPOINTMENT, "agencies.appointment.cancelled"): _cancellation,
}


def on_audit_entry(sender, instance, created, **kwargs):
    """post_save of an audit row: schedule the letter its event calls for, after the commit."""
    if not created or instance.outcome != "done":
        return
    handler = HANDLERS.get((instance.object_type, instance.action))
    if handler is None:
        return
    entry, actor = instance, instance.actor

    def run():
        try:
            handler(entry, actor)
        except Exception:  # noqa: BLE001 - the decision stands; the failure is in the log
            log.exception("Letter not issued for audit entry %s (%s)", entry.pk, entry.action)

    transaction.on_commit(run)
