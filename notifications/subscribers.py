"""What the notifications app does when the domain tells it something happened (qfapp.domain_events)."""

from django.urls import reverse

from qfapp import domain_events

from .events import APPOINTMENT_PUBLISHED
from .services import notify


@domain_events.subscribe(domain_events.APPOINTMENT_PUBLISHED)
def appointment_published(*, obj, actor=None, **data) -> None:
    """Tell the agency's people that their appointment is on the public register."""
    appointment = obj
    members = [m.user for m in appointment.agency.memberships.select_related("user")]
    if not members:
        return
    notify(
        event=APPOINTMENT_PUBLISHED,
        recipients=members,
        # the names are read from the appointment in each recipient's language when rendered
        context={"appointment": appointment, "term_end": appointment.current_end},
        key=f"appointment-{appointment.pk}-{appointment.published_at:%Y%m%d%H%M%S%f}",
        link=reverse("agencies:agency", args=[appointment.agency_id]),
    )
