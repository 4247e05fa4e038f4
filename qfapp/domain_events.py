"""Domain events: a lower layer says what happened; any app that cares subscribes.

The app that owns a change publishes a named event (named like its audit code, e.g.
`agencies.appointment.published`) inside the change's transaction, after its writes. Subscribers
run synchronously in that transaction, so what they write (an outbox message, a queued task with
`delay_on_commit`) commits or rolls back with the change. A subscriber must not raise for reasons
of its own: that would undo the change it was told about.

    from qfapp.domain_events import subscribe

    @subscribe("agencies.appointment.published")
    def tell_the_agency(*, obj, actor, **data): ...

Subscribe in the subscribing app's `AppConfig.ready()` (import the module that holds the receivers).
"""

from collections.abc import Callable

from django.dispatch import Signal

occurred = Signal()

APPOINTMENT_CREATED = "agencies.appointment.created"
APPOINTMENT_REAPPOINTED = "agencies.appointment.reappointed"
APPOINTMENT_PUBLISHED = "agencies.appointment.published"
APPOINTMENT_UNPUBLISHED = "agencies.appointment.unpublished"
APPOINTMENT_VARIED = "agencies.appointment.varied"
APPOINTMENT_CANCELLED = "agencies.appointment.cancelled"
CASE_APPOINTED = "applications.application.appointed"
CASE_REJECTED = "applications.application.rejected"


def publish(name: str, *, obj, actor=None, **data) -> None:
    """Tell every subscriber of `name` that it happened to `obj`, by `actor`, with `data`."""
    occurred.send(sender=name, name=name, obj=obj, actor=actor, data=data)


def subscribe(*names: str) -> Callable:
    """Decorate `fn(*, obj, actor, **data)` to run whenever one of the named events is published."""

    def decorate(fn: Callable) -> Callable:
        def receiver(sender, *, name, obj, actor, data, **kwargs):
            if name in names:
                fn(obj=obj, actor=actor, **data)

        occurred.connect(receiver, weak=False, dispatch_uid=f"{fn.__module__}.{fn.__qualname__}")
        return fn

    return decorate
