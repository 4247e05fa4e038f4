"""The Atom feed of public register events: published, re-appointed, varied, cancelled."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .caching import public_response
from .enums import RegisterEventKind


class RegisterEventsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Register of appointed assessment agencies: changes")

    def subtitle(self):
        return _("Appointments published, re-appointed, varied or cancelled.")

    def link(self):
        return reverse("agencies:register")

    def items(self):
        return selectors.register_events()

    def item_title(self, item):
        appointment = item.appointment
        where = appointment.industry.name if appointment.industry_id else appointment.scheme.name
        return _("%(event)s: %(agency)s (%(where)s)") % {
            "event": RegisterEventKind(item.kind).label,
            "agency": appointment.agency.name,
            "where": where,
        }

    def item_description(self, item):
        return item.note

    def item_link(self, item):
        return f"{reverse('agencies:agency', args=[item.appointment.agency_id])}#appointment-{item.appointment_id}"

    def item_guid(self, item):
        return f"register-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.occurred_at

    def item_updateddate(self, item):
        return item.occurred_at


register_feed = RegisterEventsFeed()


@require_safe
def feed(request):
    return public_response(request, name="feed", params={}, render=lambda: register_feed(request))
