"""Writes to organisations and appointments. Every change is audited and refreshes the register."""

from contextlib import contextmanager
from datetime import date

from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, audit_refusal
from qfapp.exceptions import RuleViolation

from .enums import RegisterEventKind, TermKind
from .models import Appointment, AppointmentTerm, Industry, Organisation, RegisterEvent, Scheme

REGISTER_VERSION_KEY = "register:version"


def register_changed() -> None:
    """Invalidate every cached register response (they key on this version) once the change commits."""

    def bump():
        try:
            cache.incr(REGISTER_VERSION_KEY)
        except ValueError:
            cache.set(REGISTER_VERSION_KEY, int(timezone.now().timestamp() * 1000), None)

    transaction.on_commit(bump)


def register_version() -> int:
    version = cache.get(REGISTER_VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(REGISTER_VERSION_KEY, version, None)
    return version


def term_overlaps(*, agency_id: int, industry_id: int | None, start: date, end: date, exclude_pk=None) -> bool:
    """Whether the agency already holds a term for this industry that overlaps [start, end]."""
    qs = AppointmentTerm.objects.filter(agency_id=agency_id, industry_id=industry_id, start__lte=end, end__gte=start)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _check_term(*, appointment: Appointment, start: date, end: date) -> None:
    if end < start:
        raise RuleViolation(_("The term cannot end before it starts."))
    if term_overlaps(agency_id=appointment.agency_id, industry_id=appointment.industry_id, start=start, end=end):
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates."))


def appointment_refresh_dates(*, appointment: Appointment) -> None:
    """Copy the first start and the latest end of the terms onto the appointment (for SQL sorting)."""
    agg = appointment.terms.aggregate(first=Min("start"), last=Max("end"))
    Appointment.objects.filter(pk=appointment.pk).update(first_start=agg["first"], current_end=agg["last"])
    appointment.first_start, appointment.current_end = agg["first"], agg["last"]
    register_changed()


def _insert_term(*, appointment: Appointment, **fields) -> AppointmentTerm:
    try:
        with transaction.atomic():
            return AppointmentTerm.objects.create(appointment=appointment, **fields)
    except IntegrityError as exc:
        # The database's exclusion constraint caught a concurrent overlapping term.
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates.")) from exc
    except OperationalError as exc:
        # Two concurrent overlapping inserts can also meet as a deadlock in the constraint's check;
        # PostgreSQL then aborts one of them (SQLSTATE 40P01), which is the same refusal.
        if getattr(exc.__cause__, "sqlstate", None) != "40P01":
            raise
        raise RuleViolation(_("This agency already holds a term for this industry that overlaps these dates.")) from exc


@transaction.atomic
def appointment_create(
    *,
    agency: Organisation,
    scheme: Scheme,
    industry: Industry | None,
    start: date,
    end: date,
    actor=None,
    enquiry_phone: str = "",
    conditions: str = "",
    collaborators=(),
    publish: bool = False,
    decided_on: date | None = None,
    note: str = "",
) -> Appointment:
    """Appoint an agency with a first term. Raises RuleViolation for a bad or overlapping term."""
    appointment = Appointment(
        agency=agency, scheme=scheme, industry=industry, enquiry_phone=enquiry_phone, conditions=conditions
    )
    _check_term(appointment=appointment, start=start, end=end)
    appointment.save()
    appointment.collaborators.set(collaborators)
    _insert_term(
        appointment=appointment,
        kind=TermKind.FIRST,
        start=start,
        end=end,
        decided_on=decided_on,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    appointment_refresh_dates(appointment=appointment)
    audit_record(
        action="agencies.appointment.created",
        obj=appointment,
        actor=actor,
        data={"start": start.isoformat(), "end": end.isoformat()},
    )
    if publish:
        appointment_publish(appointment=appointment, actor=actor)
    return appointment


@transaction.atomic
def appointment_reappoint(
    *, appointment: Appointment, start: date, end: date, actor=None, decided_on: date | None = None, note: str = ""
) -> AppointmentTerm:
    """Add a re-appointment term; the law requires it to be made on or before the current term's end."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.cancelled_on:
        raise RuleViolation(_("A cancelled appointment cannot be renewed."))
    decided = decided_on or timezone.localdate()
    if appointment.current_end and decided > appointment.current_end:
        raise RuleViolation(_("A re-appointment must be made on or before the end of the current term."))
    _check_term(appointment=appointment, start=start, end=end)
    term = _insert_term(
        appointment=appointment,
        kind=TermKind.REAPPOINTMENT,
        start=start,
        end=end,
        decided_on=decided,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
    )
    appointment_refresh_dates(appointment=appointment)
    audit_record(
        action="agencies.appointment.reappointed",
        obj=appointment,
        actor=actor,
        data={"start": start.isoformat(), "end": end.isoformat()},
    )
    if appointment.is_published:
        RegisterEvent.objects.create(
            appointment=appointment, kind=RegisterEventKind.REAPPOINTED, occurred_at=timezone.now()
        )
    return term


@transaction.atomic
def appointment_publish(*, appointment: Appointment, actor=None) -> Appointment:
    """Show the appointment on the public register."""
    if appointment.is_published:
        return appointment
    appointment.is_published = True
    appointment.published_at = timezone.now()
    appointment.save(update_fields=["is_published", "published_at", "updated_at"])
    RegisterEvent.objects.create(appointment=appointment, kind=RegisterEventKind.PUBLISHED, occurred_at=timezone.now())
    audit_record(
        action="agencies.appointment.published",
        obj=appointment,
        actor=actor,
        from_state="unpublished",
        to_state="published",
    )
    _notify_published(appointment=appointment)
    register_changed()
    return appointment


def _notify_published(*, appointment: Appointment) -> None:
    """Tell the agency's people that their appointment is on the public register."""
    from django.urls import reverse

    from notifications.events import APPOINTMENT_PUBLISHED
    from notifications.services import notify

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


CONDITION_LANGUAGES = ("en", "zh-hant", "zh-hans")


@contextmanager
def _register_admin_change(*, appointment: Appointment, actor, action: str):
    """Check the permission, run the change in one transaction, and audit a refusal outside it so it survives."""
    try:
        if actor is None or not actor.has_perm("agencies.manage_register"):
            raise RuleViolation(_("Only a register administrator may change the register."))
        with transaction.atomic():
            yield
    except RuleViolation as exc:
        audit_refusal(action=action, obj=appointment, actor=actor, note=str(exc))
        raise


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def appointment_unpublish(*, appointment: Appointment, actor, note: str = "") -> Appointment:
    """Take the appointment off the public register (pages, exports and feed) at once. Raises RuleViolation."""
    with _register_admin_change(appointment=appointment, actor=actor, action="agencies.appointment.unpublished"):
        appointment = _locked(appointment)
        if not appointment.is_published:
            raise RuleViolation(_("This appointment is not on the public register."))
        appointment.is_published = False
        appointment.save(update_fields=["is_published", "updated_at"])
        audit_record(
            action="agencies.appointment.unpublished",
            obj=appointment,
            actor=actor,
            from_state="published",
            to_state="unpublished",
            note=note,
        )
        register_changed()
    return appointment


def _conditions_of(appointment: Appointment) -> dict[str, str]:
    return {lang: getattr(appointment, f"conditions_{lang.replace('-', '_')}") or "" for lang in CONDITION_LANGUAGES}


def appointment_vary(*, appointment: Appointment, conditions: dict[str, str], actor, note: str = "") -> Appointment:
    """Replace the conditions or restrictions in the three languages (`conditions` maps a language code to text).

    Raises RuleViolation for a cancelled appointment or unchanged conditions.
    """
    with _register_admin_change(appointment=appointment, actor=actor, action="agencies.appointment.varied"):
        appointment = _locked(appointment)
        if appointment.cancelled_on:
            raise RuleViolation(_("The conditions of a cancelled appointment cannot be varied."))
        before = _conditions_of(appointment)
        after = {lang: (conditions.get(lang) or "").strip() for lang in CONDITION_LANGUAGES}
        if before == after:
            raise RuleViolation(_("The conditions are unchanged."))
        for lang, text in after.items():
            setattr(appointment, f"conditions_{lang.replace('-', '_')}", text)
        appointment.save(
            update_fields=[f"conditions_{lang.replace('-', '_')}" for lang in CONDITION_LANGUAGES] + ["updated_at"]
        )
        audit_record(
            action="agencies.appointment.varied",
            obj=appointment,
            actor=actor,
            from_state="conditions",
            to_state="conditions",
            note=note,
            data={"from": before, "to": after},
        )
        if appointment.is_published:
            RegisterEvent.objects.create(
                appointment=appointment, kind=RegisterEventKind.VARIED, occurred_at=timezone.now(), note=note
            )
        register_changed()
    return appointment


def appointment_cancel(*, appointment: Appointment, effective: date, grounds: str, actor) -> Appointment:
    """Cancel the appointment with effect from a date within its terms, with grounds. Raises RuleViolation."""
    with _register_admin_change(appointment=appointment, actor=actor, action="agencies.appointment.cancelled"):
        appointment = _locked(appointment)
        grounds = (grounds or "").strip()
        if not grounds:
            raise RuleViolation(_("Give the grounds of the cancellation."))
        if appointment.cancelled_on:
            raise RuleViolation(_("This appointment has already been cancelled."))
        if appointment.first_start and effective < appointment.first_start:
            raise RuleViolation(_("A cancellation cannot take effect before the first appointment began."))
        if appointment.current_end and effective > appointment.current_end:
            raise RuleViolation(_("A cancellation cannot take effect after the current term has ended."))
        status_before = "appointed"
        appointment.cancelled_on = effective
        appointment.cancellation_grounds = grounds
        appointment.save(update_fields=["cancelled_on", "cancellation_grounds", "updated_at"])
        audit_record(
            action="agencies.appointment.cancelled",
            obj=appointment,
            actor=actor,
            from_state=status_before,
            to_state="cancelled",
            note=grounds,
            data={"effective": effective.isoformat()},
        )
        if appointment.is_published:
            RegisterEvent.objects.create(
                appointment=appointment, kind=RegisterEventKind.CANCELLED, occurred_at=timezone.now(), note=grounds
            )
        register_changed()
    return appointment
