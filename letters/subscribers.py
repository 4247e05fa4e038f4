"""Letters follow the events they record, and are issued once the event's transaction has committed.

- The decisions (appointment, re-appointment, refusal, variation, cancellation) are domain events
  (`qfapp.domain_events`), published by the reviews and agencies services inside their transaction.
- Submission, resubmission, a request for information and ineligibility publish no domain event;
  their audit row (written in the same transaction) is the event here.

Either way the letter is rendered after the commit: a decision rolled back issues nothing, and a
failing renderer never undoes a decision (it is logged; issuing again from the same event is safe,
the event key makes it one letter). The lower layers know nothing of letters.
"""

import logging
from datetime import date

from django.db import transaction

from applications.models import Application, InformationRequest
from audit.models import AuditEntry
from qfapp import domain_events

from . import services

log = logging.getLogger(__name__)

APPLICATION = "applications.application"


def _after_commit(issue, **kwargs) -> None:
    def run():
        try:
            issue(**kwargs)
        except Exception:  # noqa: BLE001 - the decision stands; the failure is in the log
            log.exception("Letter not issued: %s %s", issue.__name__, kwargs.get("event_key", ""))

    transaction.on_commit(run)


# -- domain events ----------------------------------------------------------------------------------
@domain_events.subscribe(domain_events.CASE_APPOINTED, domain_events.CASE_REJECTED)
def decision_letter(*, obj, actor, **data):
    _after_commit(services.decision_letter_issue, application=obj, actor=actor)


@domain_events.subscribe(domain_events.APPOINTMENT_VARIED)
def variation_letter(*, obj, actor, grounds="", effective=None, **data):
    entry = (
        AuditEntry.objects.filter(action="agencies.appointment.varied", object_id=str(obj.pk), outcome="done")
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    _after_commit(
        services.variation_letter_issue,
        appointment=obj,
        before=data.get("from") or {},
        after=data.get("to") or {},
        grounds=grounds,
        effective=date.fromisoformat(effective) if effective else None,
        event_key=f"variation:{entry}",
        actor=actor,
    )


@domain_events.subscribe(domain_events.APPOINTMENT_CANCELLED)
def cancellation_letter(*, obj, actor, **data):
    _after_commit(services.cancellation_letter_issue, appointment=obj, actor=actor)


# -- audit rows of the steps that publish no domain event --------------------------------------------
def _receipt(entry, actor):
    application = Application.objects.get(pk=entry.object_id)
    services.receipt_issue(application=application, actor=actor, event_key=f"receipt:{entry.pk}")


def _information_request(entry, actor):
    info = InformationRequest.objects.filter(application_id=entry.object_id).order_by("-requested_at", "-pk").first()
    if info is not None:
        services.information_request_letter_issue(information_request=info, actor=actor)


def _ineligible(entry, actor):
    services.decision_letter_issue(application=Application.objects.get(pk=entry.object_id), actor=actor)


HANDLERS = {
    "applications.application.submitted": _receipt,
    "applications.application.resubmitted": _receipt,
    "applications.application.returned": _information_request,
    "applications.application.ineligible": _ineligible,
}


def on_audit_entry(sender, instance, created, **kwargs):
    """post_save of an audit row: schedule the letter its step calls for, after the commit."""
    if not created or instance.outcome != "done" or instance.object_type != APPLICATION:
        return
    handler = HANDLERS.get(instance.action)
    if handler is None:
        return
    entry, actor = instance, instance.actor

    def run():
        try:
            handler(entry, actor)
        except Exception:  # noqa: BLE001 - the step stands; the failure is in the log
            log.exception("Letter not issued for audit entry %s (%s)", entry.pk, entry.action)

    transaction.on_commit(run)
